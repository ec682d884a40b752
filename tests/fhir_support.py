"""Test helpers for FHIR: validation with fhir.resources (R4B models), the R4 code bindings
fhir.resources does not enforce, and an enableWhen evaluator written from the FHIR R4
definitions (questionnaire-enable-operator, questionnaire-enable-behavior), sharing no
code with triage/ so that it can disagree with it."""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from triage.kb.load import load_knowledge_base
from triage.kb.paths import rules_dir
from triage.kb.records import KnowledgeBase

# Required bindings of the elements we emit (FHIR R4 4.0.1 value sets).
BINDINGS: dict[tuple[str, str], set[str]] = {
    ("Questionnaire", "status"): {"draft", "active", "retired", "unknown"},
    ("QuestionnaireResponse", "status"): {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
    ("RiskAssessment", "status"): {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("ServiceRequest", "status"): {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ("ServiceRequest", "intent"): {
        "proposal",
        "plan",
        "directive",
        "order",
        "original-order",
        "reflex-order",
        "filler-order",
        "instance-order",
        "option",
    },
    ("ServiceRequest", "priority"): {"routine", "urgent", "asap", "stat"},
    ("Bundle", "type"): {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    },
}
ITEM_TYPES = {
    "group",
    "display",
    "boolean",
    "decimal",
    "integer",
    "date",
    "dateTime",
    "time",
    "string",
    "text",
    "url",
    "choice",
    "open-choice",
    "attachment",
    "reference",
    "quantity",
}
OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}
ACTIVITY_STATUS = {
    "not-started",
    "scheduled",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "stopped",
    "unknown",
    "entered-in-error",
}


def fhir_model(resource_type: str) -> Any:
    """The fhir.resources R4B model class (skips, or fails under CI, if not installed)."""
    try:
        module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    except ImportError:  # pragma: no cover - the [test] extra installs it
        pytest.fail("fhir.resources is missing: pip install -e '.[test]'")
    return getattr(module, resource_type)


def binding_problems(resource: Mapping[str, Any]) -> list[str]:
    """Codes outside their required value set, anywhere in the resource (and bundle entries)."""
    kind = resource["resourceType"]
    problems = [
        f"{kind}.{field}: {resource[field]!r}"
        for (rtype, field), allowed in BINDINGS.items()
        if rtype == kind and field in resource and resource[field] not in allowed
    ]
    for entry in resource.get("entry", []):
        problems += binding_problems(entry["resource"])
    for contained in resource.get("contained", []):
        problems += binding_problems(contained)
    for activity in resource.get("activity", []):
        if activity["detail"]["status"] not in ACTIVITY_STATUS:
            problems.append(f"CarePlan.activity.detail.status: {activity['detail']['status']!r}")
    stack = list(resource.get("item", [])) if kind == "Questionnaire" else []
    while stack:
        item = stack.pop()
        stack += item.get("item", [])
        if item["type"] not in ITEM_TYPES:
            problems.append(f"item {item['linkId']}: type {item['type']!r}")
        if item.get("enableBehavior", "all") not in ("all", "any"):
            problems.append(f"item {item['linkId']}: enableBehavior {item['enableBehavior']!r}")
        problems += [
            f"item {item['linkId']}: operator {e['operator']!r}"
            for e in item.get("enableWhen", [])
            if e["operator"] not in OPERATORS
        ]
    return problems


def validate_resource(resource: Mapping[str, Any]) -> None:
    """Parse with the R4B model (raises on any structural error) and check the bindings."""
    fhir_model(resource["resourceType"]).model_validate(resource)
    for entry in resource.get("entry", []):
        fhir_model(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    for contained in resource.get("contained", []):
        fhir_model(contained["resourceType"]).model_validate(contained)
    assert binding_problems(resource) == []


# --- enableWhen, from the FHIR R4 definitions ------------------------------------------------


def _answer_key(clause: Mapping[str, Any]) -> str:
    return next(k for k in clause if k.startswith("answer"))


def _same(value: Any, target: Any) -> bool:
    if isinstance(target, dict):  # Coding: equal when system and code are
        return isinstance(value, dict) and (value.get("system"), value.get("code")) == (
            target.get("system"),
            target.get("code"),
        )
    if isinstance(target, bool) or isinstance(value, bool):
        return value is target
    return value == target


def _clause_holds(clause: Mapping[str, Any], values: list[Any]) -> bool:
    op, target = clause["operator"], clause[_answer_key(clause)]
    if op == "exists":
        return bool(values) == target
    if op == "=":
        return any(_same(v, target) for v in values)
    if op == "!=":
        return not any(_same(v, target) for v in values)  # true with no answer at all
    compare = {">": lambda a, b: a > b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}[
        op
    ]
    return any(not isinstance(v, (bool, dict)) and compare(v, target) for v in values)


def enabled_items(questionnaire: Mapping[str, Any], answers: Mapping[str, Any]) -> list[str]:
    """The linkIds of top-level question items that are enabled, given FHIR answer values
    (value[x] contents) by linkId. A disabled item's answers do not count (R4: its answers
    are not considered), so items are walked in order, as our enableWhen only looks back."""
    counted: dict[str, list[Any]] = {}
    enabled = []
    for item in questionnaire["item"]:
        clauses = item.get("enableWhen", [])
        results = [_clause_holds(c, counted.get(c["question"], [])) for c in clauses]
        on = not clauses or (any(results) if item.get("enableBehavior") == "any" else all(results))
        if on:
            enabled.append(item["linkId"])
            if item["linkId"] in answers:
                counted[item["linkId"]] = [answers[item["linkId"]]]
    return enabled


def rules_copy(tmp_path: Path, edits: Mapping[str, tuple[str, str]]) -> KnowledgeBase:
    """A copy of rules/ with text replacements {file: (old, new)}, loaded."""
    root = tmp_path / "rules"
    shutil.copytree(rules_dir(), root)
    for name, (old, new) in edits.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return load_knowledge_base(root)
