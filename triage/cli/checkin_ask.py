"""The check-in's questions on a terminal (``triage checkin``), without click: driven by a
``Console`` (triage/cli/questionnaire.py), so tests can script it.

The traffic light (walks done, pain during the walks, the next morning), then "Now:" over
every red-flag question asked of everyone in the questionnaire's words (triage/checkin.py
says which, from the knowledge base), the follow-ups the new answers make asked, question 5
and what it asks again. ``state`` holds the answers so far and is saved after each one
(``save``), so a check-in that is stopped carries on where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..checkin import next_now_question, place
from ..kb.records import Question
from ..plan import Plan
from ..replies import parse_reply
from .questionnaire import Console
from .terminal_text import help_text, prompt_text, wrap


def _own(qid: str, kind: str, text: str, **extra: Any) -> Question:
    return Question(id=qid, type=kind, text=text, required=extra.pop("required", True), **extra)


def traffic_light_questions(plan: Plan, planned: int) -> dict[str, Question]:
    w = plan.params.wording
    return {
        "walks_done": _own("walks_done", "integer", w["q_walks_done"].format(planned=planned), min=0, max=planned),
        "why_no_walks": _own("why_no_walks", "string", w["q_why_no_walks"], required=False, max_length=500),
        "pain_during": _own("pain_during", "integer", w["q_pain_during"], min=0, max=10),
        "next_morning": _own("next_morning", "choice", w["q_next_morning"], choices=plan.params.next_morning_choices),
        "changes": _own("changes", "choice", w["q_changes"], choices=plan.params.changes_choices),
    }


def _show(console: Console, question: Question, prefix: str = "") -> None:
    width = getattr(console, "width", 80)
    console.show("")
    console.show(wrap(prefix + question.text, width))
    for i, (_, label) in enumerate(question.choices, start=1):
        console.show(f"  {i}  {label}")
    if question.type == "choice" and question.red_flag:
        console.show("  s  not sure")


def _ask(console: Console, question: Question, prefix: str = "") -> tuple[str, Any]:
    """("answer", value) | ("skip", None) | ("back", None)."""
    _show(console, question, prefix)
    while True:
        reply = parse_reply(question, console.ask(prompt_text(question)))
        if reply.kind == "help":
            console.show(help_text(question, getattr(console, "width", 80)))
        elif reply.kind == "invalid":
            console.show(f"  {reply.message}")
        elif reply.kind in ("answer", "skip", "back"):
            return reply.kind, reply.value


def next_item(plan: Plan, when: date, state: dict[str, Any]) -> tuple[str, Question, str] | None:
    """(where the answer goes: "top" or "now", the question, its prefix), or None when done."""
    week, day = place(plan, when)
    planned = plan.weeks_through(week)[week - 1].walks or 0
    own = traffic_light_questions(plan, planned)
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


def ask_checkin(plan: Plan, when: date, console: Console, state: dict[str, Any], save: Callable[[], None]) -> dict:
    """Ask until every check-in answer is in ``state``; return the answers for ``check_in``."""
    state["date"] = when.isoformat()
    order: list[str] = state.setdefault("order", [])
    shown_now = False
    while (item := next_item(plan, when, state)) is not None:
        where, question, prefix = item
        if where == "now" and not shown_now:
            console.show("")
            console.show(
                wrap("Any of these since last time? Answer for how things are now.", getattr(console, "width", 80))
            )
            shown_now = True
        kind, value = _ask(console, question, prefix)
        if kind == "back":
            if not order:
                console.show("  This is the first question here; there is nothing to go back to.")
                continue
            last = order.pop()
            state.get("now", {}).pop(last, None)
            state.pop(last, None)
            state["skipped"] = [k for k in state.get("skipped", []) if k != last]
        elif kind == "skip":
            state.setdefault("skipped", []).append(question.id)
            order.append(question.id)
        else:
            (state["now"] if where == "now" else state)[question.id] = value
            order.append(question.id)
        save()
    keys = ("date", "walks_done", "pain_during", "next_morning", "why_no_walks", "now", "changes")
    return {k: state[k] for k in keys if k in state}
