"""`triage assess --format fhir`: a Bundle (collection) that validates, with the disposition
as a RiskAssessment, the advice as a CarePlan and, from urgency 1, a ServiceRequest whose
priority comes from rules/dispositions.toml. The same bytes in every process."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from fhir_support import rules_copy, validate_resource
from helpers import CASES, base_answers, load_case, run_cli

from triage import assess
from triage.fhir import build_bundle
from triage.governance.check import check_knowledge_base
from triage.kb.load import load_knowledge_base

PRIORITY = {1: "routine", 2: "urgent", 3: "asap", 4: "stat"}


def resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_gives_a_valid_bundle_with_the_outcome(path):
    case = load_case(path)
    assessment = assess(case["answers"])
    bundle = build_bundle(assessment)
    validate_resource(bundle)
    assert bundle["type"] == "collection"
    found = resources(bundle)
    risk, plan = found["RiskAssessment"], found["CarePlan"]
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == case["expected"]
    assert risk["basis"] == [{"reference": bundle["entry"][0]["fullUrl"]}]
    assert bundle["entry"][0]["resource"]["resourceType"] == "QuestionnaireResponse"
    assert [c["coding"][0]["code"] for c in risk.get("reasonCode", [])] == [r.id for r in assessment.fired]
    assert [a["detail"]["code"]["coding"][0]["code"] for a in plan["activity"]] == [
        a.id for a in (*assessment.advice, *assessment.safety_net)
    ]
    if case["urgency"] >= 1:
        request = found["ServiceRequest"]
        assert request["priority"] == PRIORITY[case["urgency"]]
        assert request["occurrenceTiming"]["code"]["text"] == assessment.disposition.timeframe
    else:
        assert "ServiceRequest" not in found
    # every reference inside the bundle resolves to an entry
    assert len(references(bundle)) >= 3 and set(references(bundle)) <= {e["fullUrl"] for e in bundle["entry"]}


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return own + [r for value in node.values() for r in references(value)]
    if isinstance(node, list):
        return [r for value in node for r in references(value)]
    return []


def test_not_sure_answers_are_named_on_the_outcome():
    bundle = build_bundle(assess({**base_answers(), "fever": None}))
    found = resources(bundle)
    assert found["ServiceRequest"]["priority"] == "urgent"  # "not sure" raises to see-a-doctor-soon
    note = "Answered 'not sure', to get checked: Do you have a temperature"
    assert found["RiskAssessment"]["note"][0]["text"].startswith(note)
    assert found["ServiceRequest"]["note"][0]["text"].startswith(note)


def test_no_clinical_code_system_is_used():
    text = json.dumps([build_bundle(assess(load_case(p)["answers"])) for p in CASES])
    for foreign in ("snomed", "loinc", "icd"):
        assert foreign not in text.lower()


def test_the_priority_map_lives_in_the_knowledge_base(tmp_path):
    kb = rules_copy(tmp_path, {"dispositions.toml": ('4 = "stat"', '4 = "asap"')})
    case = next(p for p in CASES if load_case(p)["urgency"] == 4)
    assert resources(build_bundle(assess(load_case(case)["answers"], kb=kb)))["ServiceRequest"]["priority"] == "asap"
    broken = rules_copy(tmp_path / "2", {"dispositions.toml": ('4 = "stat"', '4 = "whenever"')})
    assert "fhir: fhir_service_request_priority: 'whenever' is not one of routine, urgent, asap, stat" in (
        check_knowledge_base(broken)
    )
    missing = rules_copy(tmp_path / "3", {"dispositions.toml": ('4 = "stat"\n', "")})
    assert "fhir: fhir_service_request_priority: no priority for urgency 4" in check_knowledge_base(missing)
    no_text = rules_copy(
        tmp_path / "4", {"knowledge-base.toml": ('rationale = "Urgency {urgency} of {top}; {timeframe}."\n', "")}
    )
    assert "fhir: [fhir]: missing 'rationale'" in check_knowledge_base(no_text)
    assert check_knowledge_base(load_knowledge_base()) == []


def test_cli_format_fhir_is_the_same_bytes_in_two_processes(tmp_path):
    case = next(p for p in CASES if p.stem == "V20")
    command = [sys.executable, "-m", "triage", "assess", str(case), "--format", "fhir"]
    first = subprocess.run(command, capture_output=True, check=True, env={"PYTHONHASHSEED": "1"})
    second = subprocess.run(command, capture_output=True, check=True, env={"PYTHONHASHSEED": "2"})
    assert first.stdout == second.stdout
    assert json.loads(first.stdout) == build_bundle(assess(load_case(case)["answers"]))
    assert run_cli("assess", str(case), "--format", "fhir").stdout.encode() == first.stdout
