"""An early stop as a complete record (no I/O, no front end).

The questionnaire stops early when the answers so far are already urgent: at once at
``emergency``, and at ``urgent-care-today`` after the few questions that could still make it
an emergency (``emergency_questions``). The answers file it saves then lacks required
answers on purpose, so it carries one more key, ``"stopped_early"`` (docs/answers-file.md)::

    "stopped_early": {"disposition": "emergency", "urgency": 4,
                      "because": ["RF-DEFORMITY"], "reason": "The questions stopped early: ..."}

``assess`` accepts such a file when the answers still give an urgent result and every
missing required question is one the questionnaire would not have asked at that urgency;
those are "not asked: the result was already urgent". A file that merely lacks answers, or
whose answers no longer justify the stop, is still an error naming what is missing.

A person may also leave (Ctrl-C, end of input) once the answers are urgent but before the
questions that could still make it an emergency are answered. The record then says
``"interrupted": true``: those questions may be missing too, and are listed as
``unanswered`` (the result stays urgent, and the screen and report say what was not checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .answers import missing_required, shown
from .kb.records import KnowledgeBase, Question

RECORD_KEY = "stopped_early"
URGENT = 3  # urgent-care-today: stop, after the questions that could still make it an emergency
EMERGENCY = 4  # emergency: stop at once


class EarlyStop(NamedTuple):  # a NamedTuple for a quick start (see kb/records.py)
    """What an early stop left out, for the screen, the report and the JSON."""

    disposition: str
    because: tuple[str, ...]  # the rules that set the disposition when it stopped
    reason: str
    not_asked: tuple[str, ...]  # required questions never asked, in question order
    # The person left first (``"interrupted": true``): the questions that could still have
    # made it an emergency and were never answered, in question order.
    unanswered: tuple[str, ...] = ()
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"interrupted": True, "unanswered": list(self.unanswered)} if self.interrupted else {}
        return {
            "disposition": self.disposition,
            "because": list(self.because),
            "reason": self.reason,
            "not_asked": list(self.not_asked),
            **extra,
        }


def answer_subjects(question: Question) -> set[str]:
    """The questions whose answers the asked-when condition of ``question`` tests."""
    return {atom.subject for group in question.asked_when for atom in group if atom.kind == "answer"}


def emergency_questions(kb: KnowledgeBase) -> frozenset[str]:
    """The questions an emergency rule depends on: directly, through findings and derived
    values concluded by other rules, and through the asked-when conditions of those
    questions, plus the knowledge base's ``ask_before_urgent_stop`` (``pregnant``,
    ``blood_thinners``: where to go, what the receiving clinician needs). A superset is safe
    (one more question asked); a missing one is not."""
    emergency_ids = {d.id for d in kb.dispositions if d.urgency >= EMERGENCY}
    by_finding: dict[str, list] = {}
    by_derived: dict[str, list] = {}
    for rule in kb.rules:
        if rule.finding:
            by_finding.setdefault(rule.finding, []).append(rule)
        if rule.compute:
            by_derived.setdefault(rule.compute, []).append(rule)
    questions: set[str] = set()
    seen_rules: set[str] = set()
    todo = [rule for rule in kb.rules if rule.floor in emergency_ids]
    while todo:
        rule = todo.pop()
        if rule.id in seen_rules:
            continue
        seen_rules.add(rule.id)
        for group in rule.when:
            for atom in group:
                if atom.kind == "answer":
                    questions.add(atom.subject)
                elif atom.kind == "finding":
                    todo += by_finding.get(atom.subject, [])
                elif atom.kind == "derived":
                    todo += by_derived.get(atom.subject, [])
                elif atom.kind == "red_flag_unsure":
                    questions.update(kb.red_flags)
    # Not emergency-capable, but asked before stopping at urgent-care-today (answers.md, Early stop).
    questions.update(kb.ask_before_stop)
    # A question can only be asked once the questions its asked-when tests are answered.
    pending = list(questions)
    while pending:
        question = kb.question_by_id.get(pending.pop())
        if question is None:
            continue
        for subject in answer_subjects(question) - questions:
            questions.add(subject)
            pending.append(subject)
    return frozenset(questions)


_EMERGENCY_QUESTIONS: dict[tuple[str, str], frozenset[str]] = {}


def cached_emergency_questions(kb: KnowledgeBase) -> frozenset[str]:
    """``emergency_questions``, worked out once per knowledge base per process."""
    key = (str(kb.root), kb.sha256)
    if key not in _EMERGENCY_QUESTIONS:
        _EMERGENCY_QUESTIONS[key] = emergency_questions(kb)
    return _EMERGENCY_QUESTIONS[key]


def wanted(kb: KnowledgeBase, question_id: str, urgency: int) -> bool:
    """Whether the questionnaire still asks this question at this urgency."""
    if urgency >= EMERGENCY:
        return False
    return urgency < URGENT or question_id in cached_emergency_questions(kb)


def split_record(raw: Any) -> tuple[Any, Any]:
    """(the answers without the record, the record or None). Anything but a dict passes through."""
    if isinstance(raw, Mapping) and RECORD_KEY in raw:
        answers = {k: v for k, v in raw.items() if k != RECORD_KEY}
        return answers, raw[RECORD_KEY]
    return raw, None


def check_record(
    kb: KnowledgeBase, record: Any, answers: Mapping[str, Any], disposition_id: str, because: tuple[str, ...]
) -> tuple[EarlyStop | None, list[str], list[str]]:
    """Check a file's early-stop record against its (valid, partial) answers and the disposition
    they give. Returns (the early stop, problems, warnings); problems mean the file is invalid."""
    problems: list[str] = []
    warnings: list[str] = []
    if not isinstance(record, Mapping) or not isinstance(record.get("disposition"), str):
        return None, [f'{RECORD_KEY}: expected {{"disposition": ..., "because": [...], "reason": ...}}'], []
    interrupted = record.get("interrupted", False)
    if not isinstance(interrupted, bool):
        return None, [f"{RECORD_KEY}: interrupted: expected true or false, not {interrupted!r}"], []
    recorded = record["disposition"]
    if recorded not in kb.disposition_by_id:
        problems.append(f"{RECORD_KEY}: unknown disposition {shown(recorded)}")  # bounded, escaped
    disposition = kb.disposition_by_id[disposition_id]
    missing = missing_required(kb, answers)
    unanswered: list[str] = []
    if disposition.urgency < URGENT:
        problems.append(
            f"{RECORD_KEY}: the answers give {disposition_id}, not an urgent result, so the questions "
            "could not stop early; the missing answers are needed"
        )
    else:
        for question in missing:
            if not wanted(kb, question.id, disposition.urgency):
                continue
            if interrupted:  # the person left before answering it: said on screen and report
                unanswered.append(question.id)
            else:
                problems.append(f"{question.id}: required (asked even after an early stop at {disposition_id})")
        if not problems and recorded != disposition_id:
            warnings.append(
                f"{RECORD_KEY}: the questions stopped at {recorded}; the answers now give {disposition_id} "
                "(the knowledge base may have changed)"
            )
    if problems:
        if disposition.urgency < URGENT:
            problems += [f"{question.id}: required" for question in missing]
        return None, problems, warnings
    reason = stop_reason(kb, disposition_id, interrupted)
    not_asked = tuple(q.id for q in missing if q.id not in unanswered)
    return EarlyStop(disposition_id, because, reason, not_asked, tuple(unanswered), interrupted), [], warnings


def stop_reason(kb: KnowledgeBase, disposition_id: str, interrupted: bool = False) -> str:
    """The sentence the screen, the answers file and the report show for an early stop."""
    disposition = kb.disposition_by_id[disposition_id]
    key = "stopped_by_person" if interrupted else "early_stop"
    return kb.wording[key].format(title=disposition.title, timeframe=disposition.timeframe)


def make_record(
    kb: KnowledgeBase, disposition_id: str, because: tuple[str, ...], interrupted: bool = False
) -> dict[str, Any]:
    """The record the questionnaire saves in the answers file when it stops early
    (``interrupted``: the person left once the answers were urgent)."""
    disposition = kb.disposition_by_id[disposition_id]
    return {
        "disposition": disposition_id,
        "urgency": disposition.urgency,
        "because": list(because),
        "reason": stop_reason(kb, disposition_id, interrupted),
        **({"interrupted": True} if interrupted else {}),
    }
