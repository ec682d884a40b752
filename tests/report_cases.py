"""The answer sets the report's print tests run over: every shared case, two special ones
(many "not sure", an early stop), and a fully answered case for each level of the ladder
(every question the questionnaire would ask, answered, with a name and a long note), the
longest realistic report at that level."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import triage
from triage.kb.conditions import condition_holds

CASES_DIR = Path(__file__).parent / "cases"
LEVEL_CASES = {  # one shared case for each level of the ladder
    "walk-normally": "V01",
    "walk-with-care": "E22",
    "strengthen-and-walk": "V16",
    "try-backward-walking": "V10",
    "see-a-professional": "V23",
    "see-a-doctor-soon": "E13",
    "urgent-care-today": "V34",
    "emergency": "V40",
}
NOTE = (
    "I have fallen twice this year, once on the stairs and once in the garden. The knee "
    "swells after long walks and I use a stick outdoors. I take tablets for blood pressure "
    "and I am due a hip check in the spring. My daughter helps with shopping."
)
# A plain value for each kind of question, for the questions a shared case leaves out.
FILL: dict[str, Any] = {
    "height_cm": 168,
    "weight_kg": 74,
    "morning_stiffness_minutes": 15,
    "name": "Alex Example",
    "notes": NOTE,
}


def answers_of(case: str) -> dict[str, Any]:
    return json.loads((CASES_DIR / f"{case}.json").read_text(encoding="utf-8"))["answers"]


def fully_answered(case: str) -> dict[str, Any]:
    """The case, with every question still asked on its answers answered too, each with the
    first value that keeps the case's result (a fuller report, never another level)."""
    kb = triage.load_knowledge_base()
    answers = answers_of(case)
    answers.pop("stopped_early", None)
    level = triage.assess(answers, partial=True).disposition.id
    for question in kb.questions:
        if question.id in answers or not condition_holds(question.asked_when, answers):
            continue
        for value in _candidates(question):
            trial = {**answers, question.id: value}
            if triage.assess(trial, partial=True).disposition.id == level:
                answers = trial
                break
    assert triage.assess(answers).disposition.id == level, case
    return answers


def _candidates(question) -> list[Any]:
    if question.id in FILL:
        return [FILL[question.id]]
    if question.type == "boolean":
        return [False, True]
    if question.type == "choice":
        return list(question.choice_values)
    if question.type in ("integer", "number"):
        low = question.min if question.min is not None else 0
        return [int(low) if question.type == "integer" else low]
    return ["Example"]


def with_not_sure() -> dict[str, Any]:
    answers = answers_of("V10")
    answers.update(fever=None, warmth=None, night_pain=None)
    # 1.2: warmth not sure asks when the heat began and about infection risk (one more not sure).
    answers.update(hot_recent=None, infection_risk=False)
    answers.update(name="Ada <b>Lovelace</b>", notes="Left knee.\n<script>x</script>")
    return answers


EARLY_STOP = {  # a knee out of place after an injury: the questions stopped at once
    "age": 40, "injury": True, "injury_days_ago": 2, "deformity": True,
    "stopped_early": {"disposition": "emergency", "because": ["RF-DISLOCATION"], "reason": "stopped"},
}  # fmt: skip


def all_print_cases() -> list[tuple[str, dict[str, Any]]]:
    shared = [(p.stem, answers_of(p.stem)) for p in sorted(CASES_DIR.glob("*.json"))]
    special = [("not-sure", with_not_sure()), ("early-stop", dict(EARLY_STOP))]
    full = [(f"full-{level}", fully_answered(stem)) for level, stem in LEVEL_CASES.items()]
    return shared + special + full
