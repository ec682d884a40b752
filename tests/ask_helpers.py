"""Helpers for the `triage ask` tests: how a person types an answer, and an independent
walk through the questions that says which ones the questionnaire must ask.

The walk re-states the asking policy of triage/cli/questionnaire.py in a few plain lines (ask
in order, only when asked-when holds; stop at emergency; at urgent-care-today only the
questions that could still make it an emergency), so the tests check the questionnaire
against it rather than against itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from triage.assessment import assess
from triage.kb.conditions import condition_holds
from triage.kb.load import load_knowledge_base
from triage.kb.records import KnowledgeBase, Question

ROOT = Path(__file__).resolve().parents[1]
CASE_FILES = sorted((ROOT / "tests" / "cases").glob("*.json"))

# The questions the emergency rules of rules/red-flags.toml depend on (plus `injury`, which
# deformity's asked-when needs), and, from 1.2, `pregnant` and `blood_thinners` (answers.md,
# Early stop), with `age` and `sex`, which pregnant's asked-when needs. Written out by hand
# on purpose: test_emergency_questions checks the questionnaire's own derivation against it.
EMERGENCY_QUESTIONS = frozenset(
    {
        *("injury", "deformity", "foot_cold_numb", "calf_swelling", "calf_pain", "breathless", "breathless_other"),
        *("pregnant", "blood_thinners", "age", "sex"),
    }
)


def kb() -> KnowledgeBase:
    return load_knowledge_base()


def load_case(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def typed(question: Question, value: Any, style: int = 0) -> str:
    """What a person types for ``value``; ``style`` picks between the accepted spellings."""
    if value is None:
        return ["s", "not sure", "S"][style % 3]
    if question.type == "boolean":
        return (["y", "yes", "Y"] if value else ["n", "no", "N"])[style % 3]
    if question.type == "choice":
        index = question.choice_values.index(value)
        return [str(index + 1), value, question.choices[index][1]][style % 3]
    if question.type in ("integer", "number"):
        return repr(value) if style % 2 == 0 else f"  {value!r} "
    return str(value)


def walk(answers: dict[str, Any]) -> tuple[list[tuple[Question, Any]], bool]:
    """The questions the questionnaire must ask, in order, with the answer to each (``SKIP``
    for an optional question left out), and whether it stops early."""
    base = kb()
    so_far: dict[str, Any] = {}
    asked: list[tuple[Question, Any]] = []
    for question in base.questions:
        urgency = assess(so_far, kb=base, partial=True).urgency
        if urgency >= 4:
            break
        if not condition_holds(question.asked_when, so_far):
            continue
        if urgency >= 3 and question.id not in EMERGENCY_QUESTIONS:
            continue
        if question.id in answers:
            so_far[question.id] = answers[question.id]
            asked.append((question, answers[question.id]))
        else:
            assert not question.required, f"{question.id} is required"
            asked.append((question, SKIP))
    remaining = [
        q
        for q in base.questions
        if q.id not in so_far and q.id not in {a.id for a, _ in asked} and condition_holds(q.asked_when, so_far)
    ]
    return asked, bool(remaining)


SKIP = object()


def lines_for(answers: dict[str, Any]) -> tuple[list[str], bool]:
    asked, early = walk(answers)
    return [("" if value is SKIP else typed(q, value)) for q, value in asked], early


def title_line(disposition_title: str) -> str:
    return disposition_title.upper()
