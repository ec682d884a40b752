"""The check-in's questions one at a time, for any front end (``triage checkin``, the web).

The order is the terminal's: the traffic light (walks done, what stopped you, pain during
the walks, the next morning; not before the week's check-in day), then "Now:" over every
red-flag question asked of everyone and the follow-ups the new answers make asked, then
question 5 and what it asks again (triage/checkin.py ``next_now_question``).

The answers so far live in one plain dict, ``state``, that a front end keeps between
questions (the terminal in a file next to the plan, the web in its sealed cookie):

    {"date": "YYYY-MM-DD", "walks_done": 3, "pain_during": 2, "next_morning": "yes",
     "why_no_walks": "...", "changes": "no", "now": {question id: answer},
     "order": [ids in the order answered], "skipped": [optional ids left empty]}

``order`` is always the path the person took: answering an earlier question again with a
different answer forgets every answer given after it (they may no longer be asked, or mean
something else), as going back does in the terminal. No I/O, no clock.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .checkin import KEYS, next_now_question, place
from .kb.records import Question
from .plan import Plan

# The check-in's own questions (not in the questionnaire); every other id is a "Now:" answer.
OWN = ("walks_done", "why_no_walks", "pain_during", "next_morning", "changes")


def _own(qid: str, kind: str, text: str, **extra: Any) -> Question:
    return Question(id=qid, type=kind, text=text, required=extra.pop("required", True), **extra)


def traffic_light_questions(plan: Plan, planned: int) -> dict[str, Question]:
    """The check-in's own questions, in rules/plan.toml's words."""
    w = plan.params.wording
    return {
        "walks_done": _own("walks_done", "integer", w["q_walks_done"].format(planned=planned), min=0, max=planned),
        "why_no_walks": _own("why_no_walks", "string", w["q_why_no_walks"], required=False, max_length=500),
        "pain_during": _own("pain_during", "integer", w["q_pain_during"], min=0, max=10),
        "next_morning": _own("next_morning", "choice", w["q_next_morning"], choices=plan.params.next_morning_choices),
        "changes": _own("changes", "choice", w["q_changes"], choices=plan.params.changes_choices),
    }


def planned_walks(plan: Plan, when: date) -> int:
    week, _ = place(plan, when)
    return plan.weeks_through(week)[week - 1].walks or 0


def next_item(plan: Plan, when: date, state: dict[str, Any]) -> tuple[str, Question, str] | None:
    """(where the answer goes: "top" or "now", the question, its prefix), or None when done.
    PlanError when ``when`` is outside the plan."""
    _, day = place(plan, when)
    own = traffic_light_questions(plan, planned_walks(plan, when))
    skipped = frozenset(state.get("skipped", ()))
    if day >= plan.params.earliest_day:
        if "walks_done" not in state:
            return "top", own["walks_done"], ""
        if state["walks_done"] == 0 and "why_no_walks" not in state and "why_no_walks" not in skipped:
            return "top", own["why_no_walks"], ""
        for key in ("pain_during", "next_morning"):
            if state["walks_done"] and key not in state:
                return "top", own[key], ""
    nxt = next_now_question(plan, when, state.setdefault("now", {}), state.get("changes"), skipped)
    if nxt is None:
        return None
    if nxt == "changes":
        return "top", own["changes"], ""
    assert isinstance(nxt, Question)
    return "now", nxt, plan.params.wording["now_prefix"]


def question_for(plan: Plan, when: date, qid: str) -> Question | None:
    """The question behind an id: one of the check-in's own, or the questionnaire's."""
    if qid in OWN:
        return traffic_light_questions(plan, planned_walks(plan, when))[qid]
    return plan.kb.question_by_id.get(qid)


def given(state: dict[str, Any], qid: str) -> tuple[bool, Any]:
    """(skipped, the answer) as ``state`` holds it; (False, None) when neither."""
    if qid in state.get("skipped", ()):
        return True, None
    return False, (state if qid in OWN else state.get("now", {})).get(qid)


def _forget(state: dict[str, Any], qid: str) -> None:
    (state if qid in OWN else state.setdefault("now", {})).pop(qid, None)
    state["skipped"] = [k for k in state.get("skipped", []) if k != qid]


def record(state: dict[str, Any], qid: str, value: Any = None, *, skip: bool = False) -> None:
    """An answer (or an optional question skipped). Answering one given before with a
    different answer forgets every answer given after it."""
    order: list[str] = state.setdefault("order", [])
    if qid in order:
        if given(state, qid) == (skip, None if skip else value):
            return  # the same answer again (the person went back to look): nothing changes
        for later in order[order.index(qid) :]:
            _forget(state, later)
        del order[order.index(qid) :]
    if skip:
        state.setdefault("skipped", []).append(qid)
    else:
        (state if qid in OWN else state.setdefault("now", {}))[qid] = value
    order.append(qid)


def undo_last(state: dict[str, Any]) -> str | None:
    """Forget the last answer (the terminal's "back"); its id, or None at the first question."""
    order: list[str] = state.setdefault("order", [])
    if not order:
        return None
    last = order.pop()
    _forget(state, last)
    return last


def checkin_answers(state: dict[str, Any]) -> dict[str, Any]:
    """The answers for ``check_in`` (triage/checkin.py), once ``next_item`` says done."""
    return {k: state[k] for k in KEYS if k in state}
