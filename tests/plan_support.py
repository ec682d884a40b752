"""Helpers for the walking-plan tests: plans from the shared cases, check-in answers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from helpers import CASES, load_case

from triage import assess
from triage.checkin import red_flags_for_everyone
from triage.plan import Plan, make_plan

START = date(2026, 1, 5)  # a Monday


def urgency0_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = [(p.stem, load_case(p)["answers"]) for p in CASES]
    return [(name, answers) for name, answers in cases if assess(answers).urgency == 0]


def plan_for(answers: dict[str, Any], start: date = START) -> Plan:
    return make_plan(assess(answers), start)


def day_of(plan: Plan, week: int, day: int = 5) -> str:
    return (plan.start + timedelta(days=7 * (week - 1) + day - 1)).isoformat()


def same_red_flags(plan: Plan) -> dict[str, Any]:
    """Question 4 answered as before: nothing new."""
    answers = plan.current_answers or plan.answers
    return {q.id: answers[q.id] for q in red_flags_for_everyone(plan)}


def checkin_answers(
    plan: Plan,
    week: int,
    walks: int | None = None,
    pain: int = 2,
    morning: str = "yes",
    *,
    day: int = 5,
    now: dict[str, Any] | None = None,
    changes: str = "no",
) -> dict[str, Any]:
    planned = plan.weeks_through(week)[week - 1].walks or 0
    walks = planned if walks is None else walks
    answers: dict[str, Any] = {"date": day_of(plan, week, day), "walks_done": walks}
    if walks:
        answers |= {"pain_during": pain, "next_morning": morning}
    return answers | {"now": {**same_red_flags(plan), **(now or {})}, "changes": changes}
