"""The interactive questionnaire behind ``triage ask`` on a terminal, without click.

The click command (triage/cli/ask.py) only wires a terminal to this module; everything
here can be driven by a scripted ``Console`` in tests. The parts live in modules of their own:

- triage/flow.py: which question comes next, the early stop at ``urgent-care-today`` and
  ``emergency``, and the early-stop record (shared with the web);
- triage/replies.py: one typed line read as a reply (``?`` help, ``<`` back, ``s`` not sure;
  every value checked with ``answers.check_value``, as in an answers file);
- triage/cli/terminal_text.py: how a question, its prompt, the help and the end look;
- triage/cli/answers_store.py: the answers file and its FILE.progress sidecar (saving, resuming).

This module is the loop that ties them together (``run``). Before an emergency result, a
person at a terminal is asked once whether the answers behind it are right
(``check_emergency``). Age under 18: the tool is for adults; it asks once to confirm (typos
happen), then says so kindly and stops (exit 2, nothing kept).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Protocol

from ..flow import EMERGENCY, URGENT, Flow, Outcome
from ..kb.records import Question
from ..replies import Reply, parse_reply
from .terminal_text import WIDTH, help_text, prompt_text, question_text, urgent_notice, wrap


class Interrupted(Exception):
    """The person stopped: ``reason`` is "interrupt" (Ctrl-C) or "eof" (end of input)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Console(Protocol):
    def show(self, text: str = "") -> None: ...

    def ask(self, prompt: str) -> str:
        """One line of input; raises Interrupted."""
        ...


def run(
    flow: Flow,
    console: Console,
    save: Callable[[], None],
    *,
    style: Callable[..., str] = lambda text, **_: text,
    check_emergency: bool = False,
) -> Outcome:
    """Ask until the end or an early stop. Saves after every reply; Interrupted passes through
    (everything answered so far is already saved). ``check_emergency`` (a person at a
    terminal, not piped input) asks once before an emergency result whether the answers that
    caused it are right; "no" goes back to that question."""
    warned_urgent = False
    kept: dict[str, Reply] = {}  # the reply a question had before going back to it
    checked: set[tuple[str, str]] = set()  # emergency answers already confirmed (or re-given after "no")
    while True:
        question = flow.next_question()
        if question is None and check_emergency and flow.urgency >= EMERGENCY:
            revisit = _check_emergency(flow, console, checked)
            if revisit is not None:
                flow.forget(revisit)
                save()
                console.show(f"  Going back to: {revisit.text}")
                continue
        if flow.urgency >= URGENT and not warned_urgent and question is not None:
            console.show(style(urgent_notice(flow, question, _width(console)), bold=True))
            warned_urgent = True
        if question is None:
            flow.progress.status = flow.finish_status()
            flow.record_early_stop()
            save()
            return Outcome(flow.progress.status, flow.final_assessment())
        position, total = flow.position(question)
        console.show("")
        console.show(style(question_text(question, position, total, _width(console)), bold=True))
        unit = flow.kb.units.get(question.id)
        before = kept.pop(question.id, None)  # went back to it: Enter keeps the answer it had
        if before is not None:
            console.show(f"  {_before_text(question, before)}")
        while True:
            typed = console.ask(prompt_text(question, unit))
            if before is not None and not typed.strip():
                reply = before
                break
            reply = parse_reply(question, typed, unit)
            if reply.kind == "help":
                console.show(help_text(question, _width(console)))
                continue
            if reply.kind == "invalid":
                console.show(f"  {reply.message}")
                continue
            break
        if reply.kind == "too-young":
            if _yes(console, f"You typed {reply.value}. This tool is for adults. Is {reply.value} right? (y/n) >"):
                return Outcome("too-young", None)
            continue  # a typo: the age question again
        if reply.kind == "back":
            last = flow.progress.history[-1] if flow.progress.history else None
            if last is not None:
                value = flow.progress.answers.get(last)
                answered = last in flow.progress.answers
                kept[last] = Reply("answer", value) if answered else Reply("skip")
            previous = flow.back()
            if previous is None:
                console.show("  This is the first question here; there is nothing to go back to.")
            else:
                console.show(f"  Going back to: {previous.text}")
                save()
            continue
        if reply.note:  # a height or weight in other units: say what it was read as
            console.show(f"  {reply.note}")
        if reply.kind == "skip":
            flow.skip(question)
        else:
            flow.answer(question, reply.value)
        save()
        if flow.urgency < URGENT:
            warned_urgent = False  # went back and changed an answer: warn again if it comes back


_CONFIRM = Question(id="confirm", type="boolean", text="Is that right?", required=True)


def _yes(console: Console, prompt: str) -> bool:
    """A yes or no, asked until it is one (anything else is never taken as either)."""
    while True:
        sure = parse_reply(_CONFIRM, console.ask(prompt))
        if sure.kind == "answer":
            return bool(sure.value)
        console.show("  Please type y for yes or n for no.")


def _before_text(question: Question, before: Reply) -> str:
    if before.kind == "skip":
        return "You left this out before. Press Enter to leave it out again."
    return f"Your answer was: {question.answer_words(before.value)}. Press Enter to keep it."


def _check_emergency(flow: Flow, console: Console, checked: set[tuple[str, str]]) -> Question | None:
    """Ask once whether the answers behind an emergency are right; the question to go back
    to on "no", else None. Answers already checked (or given again after "no") are not asked about."""
    from ..ambulance_check import check_text, emergency_causes, question_to_revisit

    causes = emergency_causes(flow.assessment)
    keys = {(q.id, json.dumps(v)) for q, v in causes}
    if not causes or keys <= checked:
        return None
    checked.update(keys)
    console.show("")
    console.show(wrap(check_text(flow.assessment, causes), _width(console)))
    if _yes(console, "(y = yes, that is my answer; n = no, change it) >"):
        return None
    return question_to_revisit(causes, flow.progress.history)


def _width(console: Console) -> int:
    return getattr(console, "width", WIDTH)
