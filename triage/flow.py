"""The question flow, shared by every front end (the terminal's ``triage ask``, the web pages and
``/api/v1/next``): which question comes next, when to stop, and what an early stop records.
No input, no output, no front end here.

One definition
    Questions, their order and asked-when conditions all come from rules/questions.toml
    through the knowledge base; asked-when is checked with ``conditions.condition_holds``, the
    same code the answers validator uses. The next question is always the first question, in
    knowledge-base order, whose condition holds on the answers so far and that is neither
    answered nor skipped; so the questionnaire asks exactly the questions the validator
    expects, and never one it would call "not asked".

Stopping early (for safety)
    After every answer the answers so far are assessed with ``partial=True``. Rules only
    ever raise the floor, so that urgency is a lower bound on the final one.

    - ``emergency`` (urgency 4): stop asking at once.
    - ``urgent-care-today`` (urgency 3): ask only the few questions that could still raise it
      to ``emergency`` (``early_stop.emergency_questions``, worked out from the rule base),
      then stop. Stopping at 3 outright would skip "is the foot cold, pale or numb?" for
      someone whose injury came with a pop: an ambulance case would be told "get seen today".

    So the disposition shown is always the one the complete answers would give. An early
    stop is recorded (``record_early_stop``; triage/early_stop.py) so that the saved answers
    are a complete record that ``assess`` accepts (``final_assessment``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .assessment import Assessment, assess
from .early_stop import (
    EMERGENCY,
    RECORD_KEY,
    URGENT,
    answer_subjects,
    cached_emergency_questions,
    emergency_questions,
    make_record,
)
from .kb.conditions import condition_holds
from .kb.records import KnowledgeBase, Question

__all__ = ["EMERGENCY", "URGENT", "Flow", "Outcome", "Progress", "emergency_questions", "forget_stale"]


@dataclass
class Progress:
    """Everything a questionnaire in progress knows; saved as the answers file + sidecar."""

    answers: dict[str, Any] = field(default_factory=dict)  # typed, valid answers
    history: list[str] = field(default_factory=list)  # questions asked (answered or skipped), in order
    skipped: set[str] = field(default_factory=set)  # optional questions left empty
    status: str = "in-progress"  # in-progress | stopped-early | complete
    early_stop: dict[str, Any] | None = None  # saved in the answers file when it stopped early
    report: dict[str, Any] | None = None  # triage ask's report targets, kept for --resume


@dataclass(frozen=True)
class Outcome:
    """How a questionnaire run ended, for the screen that shows it (any front end)."""

    status: str  # complete | stopped-early | too-young
    assessment: Assessment | None


def forget_stale(kb: KnowledgeBase, progress: Progress) -> None:
    """Drop skip and history entries that no longer mean anything on these (valid) answers:
    a skip of a question now answered, required or no longer asked; a history entry neither
    answered nor skipped (or given twice). A resumed terminal questionnaire and the web's
    state are tidied alike."""
    answered = progress.answers
    asked_now = {q.id for q in kb.questions if condition_holds(q.asked_when, answered)}
    progress.skipped = {
        qid
        for qid in progress.skipped
        if qid in kb.question_by_id and not kb.question_by_id[qid].required and qid not in answered and qid in asked_now
    }
    history: list[str] = []
    for qid in progress.history:
        if (qid in answered or qid in progress.skipped) and qid not in history:
            history.append(qid)
    progress.history = history


class Flow:
    """Which question comes next, and when to stop. No input or output here."""

    def __init__(self, kb: KnowledgeBase, progress: Progress):
        self.kb = kb
        self.progress = progress
        self.emergency_ids = cached_emergency_questions(kb)
        self._assessment: Assessment | None = None

    # answers in, answers out
    def answer(self, question: Question, value: Any) -> None:
        self.progress.answers[question.id] = value
        self.progress.skipped.discard(question.id)
        self._asked(question)

    def skip(self, question: Question) -> None:
        self.progress.answers.pop(question.id, None)
        self.progress.skipped.add(question.id)
        self._asked(question)

    def _asked(self, question: Question) -> None:
        if question.id in self.progress.history:
            self.progress.history.remove(question.id)
        self.progress.history.append(question.id)
        self._assessment = None

    def forget(self, question: Question) -> None:
        """Remove one answer, so that its question is asked again (the check before an ambulance)."""
        self.progress.answers.pop(question.id, None)
        if question.id in self.progress.history:
            self.progress.history.remove(question.id)
        self._assessment = None

    def back(self) -> Question | None:
        """Forget the last reply given in this questionnaire; None if there is none."""
        if not self.progress.history:
            return None
        qid = self.progress.history.pop()
        self.progress.answers.pop(qid, None)
        self.progress.skipped.discard(qid)
        self._assessment = None
        return self.kb.question_by_id[qid]

    # where we are
    @property
    def assessment(self) -> Assessment:
        """The assessment of the answers so far (partial)."""
        if self._assessment is None:
            self._assessment = assess(self.progress.answers, kb=self.kb, partial=True)
        return self._assessment

    @property
    def urgency(self) -> int:
        return self.assessment.urgency

    def _pending(self, question: Question) -> bool:
        return question.id not in self.progress.answers and question.id not in self.progress.skipped

    def _wanted(self, question: Question, urgency: int) -> bool:
        return urgency < URGENT or question.id in self.emergency_ids

    def next_question(self) -> Question | None:
        """The next question to ask, or None when the questionnaire is over."""
        urgency = self.urgency
        if urgency >= EMERGENCY:
            return None
        answers = self.progress.answers
        for question in self.kb.questions:
            if (
                self._pending(question)
                and condition_holds(question.asked_when, answers)
                and self._wanted(question, urgency)
            ):
                return question
        return None

    def unasked(self) -> list[Question]:
        """Questions that would still be asked if we did not stop early (the conditions as now)."""
        answers = self.progress.answers
        return [q for q in self.kb.questions if self._pending(q) and condition_holds(q.asked_when, answers)]

    def position(self, current: Question) -> tuple[int, int]:
        """The [n/N] marker. N counts the questions asked or still possibly asked; a question
        whose condition rests on an unanswered question counts, so N only shrinks as answers
        come (going back can grow it again)."""
        urgency = self.urgency
        answers = self.progress.answers
        maybe: set[str] = set()
        sequence: list[str] = []
        for question in self.kb.questions:
            pending = self._pending(question)
            if pending and not self._wanted(question, urgency):
                continue
            holds = condition_holds(question.asked_when, answers)
            if holds or (answer_subjects(question) & maybe):
                sequence.append(question.id)
                if pending:
                    maybe.add(question.id)
        if current.id not in sequence:  # cannot happen; never show a nonsense marker
            return len(sequence) + 1, len(sequence) + 1
        return sequence.index(current.id) + 1, len(sequence)

    def finish_status(self) -> str:
        return "stopped-early" if self.unasked() else "complete"

    def record_early_stop(self, interrupted: bool = False) -> None:
        """What the answers file says about an early stop (nothing when complete).
        ``interrupted``: the person left once the answers were urgent (``stop_here``)."""
        progress = self.progress
        if progress.status != "stopped-early":
            progress.early_stop = None
            return
        assessment = self.assessment
        deciding = tuple(r.id for r in assessment.reasons)
        progress.early_stop = make_record(self.kb, assessment.disposition.id, deciding, interrupted)

    def stop_here(self) -> bool:
        """The person leaves (Ctrl-C, end of input). When the answers so far are already urgent,
        record an early stop, so that the saved answers give that result to ``assess``,
        ``explain`` and ``report`` (True); otherwise nothing changes (False)."""
        if self.urgency < URGENT:
            return False
        self.progress.status = self.finish_status()
        self.record_early_stop(interrupted=self.next_question() is not None)
        return True

    def final_assessment(self) -> Assessment:
        """The result as `triage assess` gives it for the saved file (early-stop record included)."""
        if self.progress.status == "stopped-early" and self.progress.early_stop is not None:
            return assess({**self.progress.answers, RECORD_KEY: self.progress.early_stop}, kb=self.kb)
        return self.assessment

    def leave_out_open_questions(self) -> None:
        """--no-input: optional questions still open are left out (unknown), not asked."""
        while (question := self.next_question()) is not None:
            self.progress.skipped.add(question.id)
            self._assessment = None

    def missing_required(self) -> list[Question]:
        """For --no-input: the required questions that would be asked, in order, if the optional
        ones still open were left out and each missing one stayed missing."""
        progress = Progress(dict(self.progress.answers), list(self.progress.history), set(self.progress.skipped))
        trial = Flow(self.kb, progress)
        missing: list[Question] = []
        while (question := trial.next_question()) is not None:
            if question.required:
                missing.append(question)
            progress.skipped.add(question.id)  # stays unanswered: its dependants are not asked
            trial._assessment = None
        return missing
