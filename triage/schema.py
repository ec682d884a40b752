"""The answers file (format 1) as a JSON Schema (2020-12), generated from rules/questions.toml.

For people and programs that write answers files, and for the web API's OpenAPI document.
The schema says what the validator says where JSON Schema can: types, ranges, choices,
"not sure" (null) only on red-flag questions, no unknown keys, and which answers are
required when (an ``if``/``then`` per asked-when condition). The validator
(triage/answers.py) stays the authority: an answer to a question that is not asked is
ignored with a warning there, so the schema does not forbid it.
"""

from __future__ import annotations

import json
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


def _atom_schema(atom: Atom, kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """An asked-when atom as a schema on the answer it tests (asked-when only tests answers)."""
    if atom.test == "unsure":
        schema: dict[str, Any] = {"const": None}
    elif atom.test == "is":
        schema = {"const": atom.operand}
    elif atom.test == "in":
        schema = {"enum": sorted(atom.operand)}
    elif atom.test == "not_in":  # holds when left out too: the subject is not required
        question = kb.question_by_id[atom.subject] if kb else None
        others = [v for v in question.choice_values if v not in atom.operand] if question else []
        schema = {"enum": others} if others else {"not": {"enum": sorted(atom.operand)}}
    elif atom.test in _NUMERIC:
        schema = {"type": "number", _NUMERIC[atom.test]: atom.operand}
    else:  # present
        schema = {}
    if atom.or_unsure and atom.test != "unsure":
        if "const" in schema:  # one enum rather than an anyOf: simpler for JSON Schema tools
            schema = {"enum": [schema["const"], None]}
        elif "enum" in schema:
            schema = {"enum": [*schema["enum"], None]}
        else:
            schema = {"anyOf": [schema, {"const": None}]}
    return schema


def condition_schema(condition: Condition, kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """A schema that an answers object matches when the condition holds on it."""
    groups = []
    for group in condition:
        atoms = [a for a in group if a.kind == "answer"]
        groups.append(
            {
                "properties": {a.subject: _atom_schema(a, kb) for a in atoms},
                "required": sorted({a.subject for a in atoms if a.test != "not_in"}),
            }
        )
    return groups[0] if len(groups) == 1 else {"anyOf": groups}


def _asked_schema(kb: KnowledgeBase, question: Question) -> dict[str, Any]:
    """When is this question asked: its condition, and the conditions of the questions it tests
    (an answer to a question that was not asked does not count)."""
    parts = [condition_schema(question.asked_when, kb)]
    subjects = sorted({a.subject for group in question.asked_when for a in group if a.kind == "answer"})
    for subject in subjects:
        earlier = kb.question_by_id.get(subject)
        if earlier is not None and earlier.asked_when:
            parts.append(_asked_schema(kb, earlier))
    return parts[0] if len(parts) == 1 else {"allOf": parts}


_OPPOSITE = {"at_least": "exclusiveMaximum", "at_most": "exclusiveMinimum", "above": "maximum", "below": "minimum"}


def _complement(kb: KnowledgeBase, atom: Atom) -> dict[str, Any] | None:
    """A schema for "this atom does not hold": left out, or answered otherwise (a
    ``properties`` clause without ``required`` holds when the answer is left out). For
    not_in, which holds when left out: answered with an excluded value. None if unknown."""
    question = kb.question_by_id.get(atom.subject)
    if question is None or atom.kind != "answer":
        return None
    if atom.test == "not_in":
        return {"properties": {atom.subject: {"enum": sorted(atom.operand)}}, "required": [atom.subject]}
    if atom.test in _OPPOSITE:
        schema: dict[str, Any] = {"type": "number", _OPPOSITE[atom.test]: atom.operand}
        return {"properties": {atom.subject: schema}}
    if question.type == "boolean":
        domain: list[Any] = [True, False]
    elif question.type == "choice":
        domain = list(question.choice_values)
    else:
        return None
    if question.allows_unsure:
        domain.append(None)
    rest = [value for value in domain if not atom.accepts(value)]
    return {"properties": {atom.subject: {"enum": rest}}}


def _and_group(kb: KnowledgeBase, question: Question) -> list[Atom] | None:
    """The asked-when of ``question`` with those of the questions it tests, as one "and"
    group, when it is one (tender_kneecap: injury_days_ago <= 7 and injury is true)."""
    if len(question.asked_when) != 1:
        return None
    atoms = list(question.asked_when[0])
    for atom in question.asked_when[0]:
        earlier = kb.question_by_id.get(atom.subject)
        if earlier is not None and earlier.asked_when:
            more = _and_group(kb, earlier)
            if more is None:
                return None
            atoms += more
    return atoms


def _required_when(
    kb: KnowledgeBase, question: Question, ids: list[str], children: list[dict[str, Any]], *, local: bool = False
) -> dict[str, Any]:
    """``ids`` are required when ``question`` is asked, said as "required, or the condition
    does not hold" where it can be (an "or" of atoms, or an "and" group): far fewer
    alternatives than if/then, which keeps the schema small enough for JSON Schema tools
    (schemathesis) to reason about. Otherwise if/then. ``children``: the requirements of
    questions asked only when these are (checked only in the "required" branch); ``local``:
    the condition's own atoms only (its parent's are checked around it)."""
    condition = question.asked_when
    conditional_subjects = any(
        kb.question_by_id[a.subject].asked_when for g in condition for a in g if a.subject in kb.question_by_id
    )
    required: dict[str, Any] = {"required": ids, **({"allOf": children} if children else {})}
    branches: list[dict[str, Any]] | None = None
    if all(len(group) == 1 for group in condition) and not conditional_subjects:  # "or": none holds
        parts = [_complement(kb, group[0]) for group in condition]
        if all(part is not None and "required" not in part for part in parts):
            merged: dict[str, Any] = {"properties": {}}
            for part in parts:
                merged["properties"].update(part["properties"])  # type: ignore[index]
            branches = [merged]
    else:
        atoms = list(condition[0]) if local and len(condition) == 1 else _and_group(kb, question)
        parts = [_complement(kb, atom) for atom in atoms] if atoms else []
        if parts and all(part is not None for part in parts):
            branches = parts  # type: ignore[assignment]
    if branches is None:
        return {"if": _asked_schema(kb, question), "then": required}
    return {"anyOf": [required, *branches]}


def _conditional(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """One requirement per distinct asked-when (questions sharing one are required together);
    a question asked only after another conditional one (tender_kneecap after
    injury_days_ago) is nested in that one's "required" branch."""
    groups: dict[str, tuple[Question, list[str]]] = {}
    for question in kb.questions:
        if question.required and question.asked_when:
            key = json.dumps(_asked_schema(kb, question), sort_keys=True)
            groups.setdefault(key, (question, []))[1].append(question.id)
    key_of = {qid: key for key, (_, ids) in groups.items() for qid in ids}
    parent: dict[str, str] = {}
    for key, (first, _) in groups.items():
        subjects = {a.subject for g in first.asked_when for a in g}
        parents = {key_of[s] for s in subjects if s in key_of}
        if len(first.asked_when) == 1 and len(parents) == 1 and _and_group(kb, first) is not None:
            parent[key] = parents.pop()
    children: dict[str, list[dict[str, Any]]] = {}
    for key in reversed(list(groups)):  # children come after their parents in asking order
        if key in parent:
            first, ids = groups[key]
            built = _required_when(kb, first, ids, children.get(key, []), local=True)
            children.setdefault(parent[key], []).insert(0, built)
    roots = [(key, first, ids) for key, (first, ids) in groups.items() if key not in parent]
    return [_required_when(kb, first, ids, children.get(key, [])) for key, first, ids in roots]


def answers_schema(kb: KnowledgeBase, *, partial: bool = False, early_stop: bool = True) -> dict[str, Any]:
    """The JSON Schema of an answers file for this knowledge base; ``partial``: of the answers
    so far in a questionnaire in progress (nothing required yet); ``early_stop``: allow the
    record the questionnaire writes when it stops early (whether it is justified, only the
    library can tell, so the API's schema leaves it out and says so)."""
    always = [q.id for q in kb.questions if q.required and not q.asked_when]
    conditional = _conditional(kb)
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": "triage answers (format 1)",
        "description": (
            "One JSON object: question id -> answer. null means 'not sure' and is allowed only on red-flag "
            "and history questions. Questions whose asked-when condition is false are not asked: an answer to one is "
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
        "properties": {
            "disposition": {"type": "string"},
            "interrupted": {
                "type": "boolean",
                "description": "The person left once the answers were urgent: the questions that could "
                "still make it an emergency may be missing too.",
            },
        },
    }
    if partial:
        return schema
    complete: dict[str, Any] = {"required": always}
    if conditional:
        complete["allOf"] = conditional
    schema["if"] = {"required": [RECORD_KEY]}  # stopped early: the library checks what may be missing
    schema["else"] = complete
    return schema
