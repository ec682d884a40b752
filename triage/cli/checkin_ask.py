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

from ..checkin_steps import checkin_answers, next_item, record, undo_last
from ..kb.records import Question
from ..plan import Plan
from ..replies import parse_reply
from .questionnaire import Console
from .terminal_text import help_text, prompt_text, wrap


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


def ask_checkin(plan: Plan, when: date, console: Console, state: dict[str, Any], save: Callable[[], None]) -> dict:
    """Ask until every check-in answer is in ``state``; return the answers for ``check_in``."""
    state["date"] = when.isoformat()
    state.setdefault("order", [])
    shown_now = False
    while (item := next_item(plan, when, state)) is not None:
        where, question, prefix = item
        if where == "now" and not shown_now:
            console.show("")
            console.show(wrap(plan.params.wording["now_intro"], getattr(console, "width", 80)))
            shown_now = True
        kind, value = _ask(console, question, prefix)
        if kind == "back":
            if undo_last(state) is None:
                console.show("  This is the first question here; there is nothing to go back to.")
                continue
        else:
            record(state, question.id, value, skip=kind == "skip")
        save()
    return checkin_answers(state)
