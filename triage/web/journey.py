"""Where a person is in the web questionnaire, given the posted state and what they pressed.

No HTML here: ``advance`` returns a ``Step`` (which page, which question, which error) and
the views render it. The order of questions, the early stop and the extra questions at
urgent-care-today are the terminal's own ``Flow`` (triage/flow.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ambulance_check import emergency_causes, question_to_revisit
from ..assessment import Assessment
from ..early_stop import RECORD_KEY
from ..flow import EMERGENCY, URGENT, Flow
from ..kb.conditions import condition_holds
from ..kb.records import KnowledgeBase, Question
from .state import WebState, confirmation_key, read_reply, tidy

UNSET = object()  # no value to show pre-selected


@dataclass
class Step:
    page: str  # question | check-emergency | call-now | check-answers | result | too-young
    state: WebState
    flow: Flow
    question: Question | None = None
    value: Any = UNSET  # pre-filled reply (a value, or the raw text that was wrong)
    error: str | None = None
    causes: list[tuple[Question, Any]] = field(default_factory=list)

    @property
    def assessment(self) -> Assessment:
        """The answers so far; on the result page, the result as `triage assess` gives it for
        the downloaded answers (an early stop recorded)."""
        return self.flow.final_assessment() if self.page == "result" else self.flow.assessment


def _askable(flow: Flow, question: Question) -> bool:
    return condition_holds(question.asked_when, flow.progress.answers)


def where(state: WebState, flow: Flow) -> Step:
    """The page the state leads to when nothing was pressed (or after an answer)."""
    if flow.urgency >= EMERGENCY:
        causes = emergency_causes(flow.assessment)
        keys = {confirmation_key(q, v) for q, v in causes}
        page = "call-now" if keys and keys <= state.confirmed else "check-emergency"
        return Step(page, state, flow, causes=causes)
    question = flow.next_question()
    if question is None:
        return Step("check-answers", state, flow)
    return Step("question", state, flow, question, flow.progress.answers.get(question.id, UNSET))


def advance(kb: KnowledgeBase, state: WebState, form: Mapping[str, str]) -> Step:
    """Apply what was pressed (``action``) to the state and say which page comes next."""
    flow = Flow(kb, state.progress)
    action, _, argument = form.get("action", "").partition(":")
    if action == "answer" or action == "skip":
        question = kb.question_by_id.get(form.get("question", ""))
        if question is None or not _askable(flow, question):
            return where(state, flow)  # a stale form: carry on from the state
        reply = read_reply(question, form.get("value"), skip=action == "skip")
        if reply.kind == "invalid":
            return Step("question", state, flow, question, form.get("value", UNSET), reply.message)
        if reply.kind == "too-young":
            return Step("too-young", WebState(), Flow(kb, WebState().progress))
        if reply.kind == "skip":
            flow.skip(question)
        else:
            flow.answer(question, reply.value)
        tidy(kb, state)
        return where(state, Flow(kb, state.progress))
    if action == "back":
        history = state.progress.history
        if not history:
            return where(state, flow)
        qid = history[-1]
        value = state.progress.answers.get(qid, UNSET)
        question = flow.back()
        tidy(kb, state)
        return Step("question", state, Flow(kb, state.progress), question, value)
    if action == "change":
        question = kb.question_by_id.get(argument)
        if question is None or not _askable(flow, question):
            return where(state, flow)
        return Step("question", state, flow, question, state.progress.answers.get(question.id, UNSET))
    if action == "confirm":
        step = where(state, flow)
        if step.page not in ("check-emergency", "call-now"):  # call-now: back to the check, answered again
            return step
        reply = form.get("confirm")
        keys = {confirmation_key(q, v) for q, v in step.causes}
        if reply == "yes":
            state.confirmed |= keys
            return Step("call-now", state, flow, causes=step.causes)
        if reply == "no":
            state.confirmed -= keys
            question = question_to_revisit(step.causes, state.progress.history)
            return Step("question", state, flow, question, state.progress.answers.get(question.id, UNSET))
        step.page = "check-emergency"
        step.error = "Select yes if your answer is right, or no to change it"
        return step
    if action == "result":
        step = where(state, flow)
        if step.page in ("check-answers", "call-now"):
            finish(flow)
            return Step("result", state, flow)
        return step
    return where(state, flow)


def finish(flow: Flow) -> None:
    """The questions are over: complete, or stopped early (and then recorded as such)."""
    flow.progress.status = flow.finish_status()
    flow.record_early_stop()


def urgent_notice(step: Step) -> str | None:
    """On a question page after the answers already mean urgent care today: say so at once."""
    flow, question = step.flow, step.question
    if question is None or flow.urgency != URGENT:  # at emergency only answered questions are revisited
        return None
    position, total = flow.position(question) if question.id not in flow.progress.answers else (0, 0)
    rest = max(total - position + 1, 1)
    more = "One more quick question checks" if rest == 1 else f"{rest} more quick questions check"
    d = flow.assessment.disposition
    summary = d.summary
    if summary.startswith(d.title + ":"):  # the title is the callout's heading: say it once
        rest = summary[len(d.title) + 1 :].strip()
        summary = rest[:1].upper() + rest[1:]
    return f"{summary} Your answers so far already mean this. {more} whether you need an ambulance instead."


def answers_file(step: Step) -> dict[str, Any]:
    """The answers as "Download my answers" saves them (with the early-stop record after an
    early stop), which `triage assess` and `triage plan` accept."""
    progress = step.flow.progress
    kb = step.flow.kb
    answers: dict[str, Any] = {q.id: progress.answers[q.id] for q in kb.questions if q.id in progress.answers}
    if progress.status == "stopped-early" and progress.early_stop is not None:
        answers[RECORD_KEY] = progress.early_stop  # a complete record: `triage assess` accepts it
    return answers
