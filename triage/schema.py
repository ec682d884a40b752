"""The answers file (format 1) as a JSON Schema (2020-12), generated from rules/questions.toml.

For people and programs that write answers files, and for the web API's OpenAPI document.
The schema says what the validator says where JSON Schema can: types, ranges, choices,
"not sure" (null) only on red-flag questions, no unknown keys, and which answers are
required when (an ``if``/``then`` per asked-when condition). The validator
(triage/answers.py) stays the authority: an answer to a question that is not asked is
ignored with a warning there, so the schema does not forbid it.
"""

from __future__ import annotations

from typing import Any

from .early_stop import RECORD_KEY
from .kb.conditions import Atom, Condition
from .kb.records import KnowledgeBase, Question

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NUMERIC = {"at_least": "minimum", "at_most": "maximum", "above": "exclusiveMinimum", "below": "exclusiveMaximum"}


def question_schema(question: Question) -> dict[str, Any]:
    """The schema of one answer."""
    kind = question.type
    schema: dict[str, Any] = {"description": question.text}
    if kind == "boolean":
        schema["type"] = "boolean"
    elif kind in ("integer", "number"):
        schema["type"] = kind
        if question.min is not None:
            schema["minimum"] = _number(question.min)
        if question.max is not None:
            schema["maximum"] = _number(question.max)
    elif kind == "choice":
        schema["enum"] = list(question.choice_values)
    else:
        schema["type"] = "string"
        if question.min_length is not None:
            schema["minLength"] = question.min_length
        if question.max_length is not None:
            schema["maxLength"] = question.max_length
    if question.allows_unsure:  # null = "not sure", a real answer
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        else:
            schema["type"] = [schema["type"], "null"]
    return schema


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _atom_schema(atom: Atom) -> dict[str, Any]:
    """An asked-when atom as a schema on the answer it tests (asked-when only tests answers)."""
    if atom.test == "unsure":
        schema: dict[str, Any] = {"const": None}
    elif atom.test == "is":
        schema = {"const": atom.operand}
    elif atom.test == "in":
        schema = {"enum": sorted(atom.operand)}
    elif atom.test in _NUMERIC:
        schema = {"type": "number", _NUMERIC[atom.test]: atom.operand}
    else:  # present
        schema = {}
    if atom.or_unsure and atom.test != "unsure":
        schema = {"anyOf": [schema, {"const": None}]}
    return schema


def condition_schema(condition: Condition) -> dict[str, Any]:
    """A schema that an answers object matches when the condition holds on it."""
    groups = []
    for group in condition:
        atoms = [a for a in group if a.kind == "answer"]
        groups.append(
            {
                "properties": {a.subject: _atom_schema(a) for a in atoms},
                "required": sorted({a.subject for a in atoms}),
            }
        )
    return groups[0] if len(groups) == 1 else {"anyOf": groups}


def _asked_schema(kb: KnowledgeBase, question: Question) -> dict[str, Any]:
    """When is this question asked: its condition, and the conditions of the questions it tests
    (an answer to a question that was not asked does not count)."""
    parts = [condition_schema(question.asked_when)]
    subjects = sorted({a.subject for group in question.asked_when for a in group if a.kind == "answer"})
    for subject in subjects:
        earlier = kb.question_by_id.get(subject)
        if earlier is not None and earlier.asked_when:
            parts.append(_asked_schema(kb, earlier))
    return parts[0] if len(parts) == 1 else {"allOf": parts}


def answers_schema(kb: KnowledgeBase, *, partial: bool = False, early_stop: bool = True) -> dict[str, Any]:
    """The JSON Schema of an answers file for this knowledge base; ``partial``: of the answers
    so far in a questionnaire in progress (nothing required yet); ``early_stop``: allow the
    record the questionnaire writes when it stops early (whether it is justified, only the
    library can tell, so the API's schema leaves it out and says so)."""
    always = [q.id for q in kb.questions if q.required and not q.asked_when]
    conditional = []
    for question in kb.questions:
        if question.required and question.asked_when:
            conditional.append({"if": _asked_schema(kb, question), "then": {"required": [question.id]}})
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": "triage answers (format 1)",
        "description": (
            "One JSON object: question id -> answer. null means 'not sure' and is allowed only on red-flag "
            "questions. Questions whose asked-when condition is false are not asked: an answer to one is "
            f"ignored with a warning. Knowledge base {kb.version}."
        ),
        "type": "object",
        "properties": {q.id: question_schema(q) for q in kb.questions},
        "additionalProperties": False,
    }
    if partial:
        schema["title"] = "triage answers so far (format 1, partial)"
    if not early_stop:
        if not partial:
            schema["required"] = always
            if conditional:
                schema["allOf"] = conditional
        return schema
    schema["properties"][RECORD_KEY] = {
        "type": "object",
        "description": "Written by the questionnaire when it stopped early at an urgent result "
        "(docs/early-stop.md); the required questions it did not ask may then be missing.",
        "required": ["disposition"],
        "properties": {"disposition": {"type": "string"}},
    }
    if partial:
        return schema
    complete: dict[str, Any] = {"required": always}
    if conditional:
        complete["allOf"] = conditional
    schema["if"] = {"required": [RECORD_KEY]}  # stopped early: the library checks what may be missing
    schema["else"] = complete
    return schema
