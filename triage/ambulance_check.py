"""The check before an ambulance (as NHS 111 online does): before an ``emergency`` result,
show the answers that caused it and ask once whether they are right.

Front-end free: these functions take an assessment and return data or plain text; the
terminal (triage/cli/questionnaire.py) and the web ask the question. The check can only send the
person back to a question: the result changes only if the answer does.
"""

from __future__ import annotations

from typing import Any

from .assessment import Assessment
from .early_stop import EMERGENCY
from .kb.records import Question


def emergency_causes(assessment: Assessment) -> list[tuple[Question, Any]]:
    """The answers behind an emergency result, in question order: those matched by the rules
    that set an emergency floor, followed down through findings and derived values."""
    kb, run = assessment.kb, assessment.run
    if assessment.urgency < EMERGENCY:
        return []
    emergency = {d.id for d in kb.dispositions if d.urgency >= EMERGENCY}
    floors = {r.id: r.floor for r in kb.rules}
    todo = [i for i, firing in enumerate(run.firings) if floors.get(firing.rule_id) in emergency]
    seen: set[int] = set()
    answers: dict[str, Any] = {}
    while todo:
        index = todo.pop()
        if index in seen:
            continue
        seen.add(index)
        for fact_id in run.firings[index].matched:
            record = run.facts.get(fact_id)
            if record is None:
                continue
            if record.kind == "answer" and record.name in kb.question_by_id:
                answers[record.name] = record.value
            elif record.produced_by is not None:
                todo.append(record.produced_by)
    return [(q, answers[q.id]) for q in kb.questions if q.id in answers]


def check_text(assessment: Assessment, causes: list[tuple[Question, Any]]) -> str:
    """'You answered YES to "…". Please check: is that answer right? If it is, you may need an
    ambulance.' About the answer, never "do you agree to an ambulance?"."""
    parts = [f'{question.answer_words(value).upper()} to "{question.text}"' for question, value in causes]
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"You answered {said}. {assessment.kb.wording['emergency_check_answer']}"


def question_to_revisit(causes: list[tuple[Question, Any]], history: list[str]) -> Question:
    """On "no": the cause answered last (the one most likely mistyped), else the first."""
    asked = [q for q, _ in causes if q.id in history]
    if asked:
        return max(asked, key=lambda q: history.index(q.id))
    return causes[0][0]
