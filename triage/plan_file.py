"""The plan file: a Plan to JSON bytes, and back, recomputed and checked (docs/plan.md).

Only the answers, the start date and each check-in's answers are trusted: everything else
(the disposition, every week's step, every outcome) is worked out again from them, and a file
that disagrees is refused. Under another knowledge base or other plan parameters the
assessment runs again first and the plan is worked out afresh (the caller is told why).
No I/O: bytes in, bytes out.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .answers import AnswersError, parse_json
from .assessment import assess
from .checkin import check_in
from .kb.plan_params import load_plan_parameters
from .kb.records import KnowledgeBase
from .plan import Plan, PlanError, make_plan

FORMAT = "triage-walking-plan"


def plan_bytes(plan: Plan) -> bytes:
    return (json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(dict.fromkeys([*a, *b])):
            if a.get(key, ...) != b.get(key, ...):
                return _first_difference(a.get(key), b.get(key), f"{where}.{key}" if where else str(key))
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _first_difference(x, y, f"{where}[{i}]")
        return f"{where} (length {len(a)}, expected {len(b)})"
    return where or "the whole file"


def plan_from(start: date, answers: dict[str, Any], checkins: list[Any], kb: KnowledgeBase) -> Plan:
    """The plan worked out from its trusted parts alone: the answers, the start date and each
    check-in's answers (a front end that keeps only these rebuilds the plan with it).
    PlanError if they do not make a plan."""
    try:
        assessment = assess(answers, kb=kb)
    except AnswersError as error:
        raise PlanError([f"answers: {p}" for p in error.problems]) from None
    plan = make_plan(assessment, start, params=load_plan_parameters(kb))
    for n, record in enumerate(checkins, 1):
        try:
            plan = check_in(plan, record).plan
        except PlanError as error:
            raise PlanError([f"check-in {n}: {p}" for p in error.problems], urgency=error.urgency) from None
    return plan


def read_plan(text: str, kb: KnowledgeBase) -> tuple[Plan, list[str]]:
    """The plan in a plan file's text, recomputed; (plan, notes). PlanError if refused (its
    ``urgency`` > 0 when the assessment, run again, now needs someone to look at the knee)."""
    try:
        data = parse_json(text)
    except AnswersError as error:
        raise PlanError([f"not a plan file: {p}" for p in error.problems]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanError([f'not a plan file (no "format": "{FORMAT}")'])
    problems = []
    try:
        start = date.fromisoformat(data.get("start"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        problems.append("start: must be a date, YYYY-MM-DD")
    answers, checkins = data.get("answers"), data.get("checkins")
    if not isinstance(answers, dict):
        problems.append("answers: must be one JSON object")
    if not isinstance(checkins, list) or not all(isinstance(c, dict) for c in checkins):
        problems.append("checkins: must be a list of objects")
    if problems:
        raise PlanError(problems)
    notes: list[str] = []
    same_kb = (
        data.get("knowledge_base", {}).get("sha256") == kb.sha256
        if isinstance(data.get("knowledge_base"), dict)
        else False
    )
    if not same_kb:
        notes.append(
            f"The knowledge base is now version {kb.version}: "
            "your answers were assessed again, and the plan worked out again."
        )
    try:
        plan = plan_from(start, answers, [record.get("answers") for record in checkins], kb)
    except PlanError as error:
        if not same_kb and error.problems and error.problems[0].startswith("answers: "):
            # a newer knowledge base asks more: the plan must start again from the questions
            more = (
                f"the knowledge base (version {kb.version}) has questions your plan's answers do not cover: "
                "answer them with triage ask, then make a new plan with triage plan"
            )
            raise PlanError([*error.problems, more], urgency=error.urgency) from None
        raise
    if same_kb:
        expected = json.loads(plan_bytes(plan))
        if data != expected:
            raise PlanError([
                "the plan file does not match what its answers and check-ins give (edited by hand, or damaged): "
                f"first difference at {_first_difference(data, expected)}. Make a new plan with triage plan."
            ])  # fmt: skip
    return plan, notes
