"""The clinical summary on page 1 of the report: what a physiotherapist or doctor receiving it
reads first. No ids, no source keys: plain words, from the knowledge base.

- who: age and sex;
- what set the result: each deciding rule's title, with the answers it matched;
- warning signs present (key positives) and warning signs checked and absent (pertinent
  negatives): red-flag answers some rule would act on, and those no rule would;
- the lines of rules/screens.toml ``[[report_summary]]`` (injury, pain, history...): the
  questions each lists, asked and answered, so a question a later knowledge base adds
  appears once it is listed there;
- "not sure" answers and the person's own note.

Each question is named by its short label (rules/screens.toml), falling back to its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..assessment import Assessment
from ..kb.conditions import Atom
from ..kb.records import KnowledgeBase


@dataclass(frozen=True)
class SummaryLine:
    heading: str
    items: tuple[str, ...]  # "label: answer", in plain words

    @property
    def text(self) -> str:
        """One line of sentences: "No: a; b. Knee locks: never." """
        return " ".join(f"{item[:1].upper()}{item[1:]}." for item in self.items)


@dataclass(frozen=True)
class Handover:
    who: str
    set_by: tuple[tuple[str, str], ...]  # (rule title, the answers it matched)
    lines: tuple[SummaryLine, ...]
    note: str | None


def handover(assessment: Assessment) -> Handover:
    kb, answers = assessment.kb, assessment.answers
    listed = {qid for _, ids in kb.report_summary for qid in ids}
    atoms = answer_atoms(kb)
    present: list[tuple[str, Any]] = []
    absent: list[tuple[str, Any]] = []
    for question in kb.questions:
        value = answers.get(question.id)
        if not question.red_flag or value is None or question.id in listed:
            continue
        concerning = any(atom.accepts(value) for atom in atoms.get(question.id, ()))
        (present if concerning else absent).append((question.id, value))
    lines = [SummaryLine("Warning signs present", _compact(kb, present))]
    lines.append(SummaryLine("Checked and absent", _compact(kb, absent)))
    for heading, ids in kb.report_summary:
        items = tuple(_said(kb, q, answers[q]) for q in ids if q in kb.question_by_id and answers.get(q) is not None)
        lines.append(SummaryLine(heading, items))
    not_sure = "; ".join(kb.label(q) for q in assessment.not_sure)
    lines.append(SummaryLine("Not sure", (not_sure,) if not_sure else ()))
    note = answers.get("notes")
    return Handover(
        who=_who(assessment),
        set_by=_set_by(assessment),
        lines=tuple(line for line in lines if line.items),
        note=note if isinstance(note, str) and note.strip() else None,
    )


def _compact(kb: KnowledgeBase, said: list[tuple[str, Any]]) -> tuple[str, ...]:
    """Yes/no answers grouped ("no: a, b; c"), the others one by one ("knee locks: never")."""
    items = []
    for flag in (True, False):
        labels = [kb.label(qid) for qid, value in said if value is flag]
        if labels:
            items.append(f"{'yes' if flag else 'no'}: {'; '.join(labels)}")
    items += [_said(kb, qid, value) for qid, value in said if not isinstance(value, bool)]
    return tuple(items)


def _said(kb: KnowledgeBase, question_id: str, value: Any) -> str:
    return f"{kb.label(question_id)}: {kb.question_by_id[question_id].answer_words(value)}"


def answer_atoms(kb: KnowledgeBase) -> dict[str, list[Atom]]:
    """The answer tests of every rule, by question: an answer one of them accepts is a concern."""
    atoms: dict[str, list[Atom]] = {}
    for rule in kb.rules:
        for alternative in rule.when:
            for atom in alternative:
                if atom.kind == "answer":
                    atoms.setdefault(atom.subject, []).append(atom)
    return atoms


def _who(assessment: Assessment) -> str:
    kb, answers = assessment.kb, assessment.answers
    parts = []
    if answers.get("age") is not None:
        parts.append(f"age {answers['age']}")
    if answers.get("sex") is not None and "sex" in kb.question_by_id:
        parts.append(kb.question_by_id["sex"].answer_words(answers["sex"]))
    return ", ".join(parts)


def _set_by(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    """Each deciding rule's title, with the answers it matched, by label."""
    kb, run = assessment.kb, assessment.run
    rows = []
    for rule in assessment.reasons:
        matched: dict[str, str] = {}
        for firing in run.firings:
            if firing.rule_id != rule.id:
                continue
            for fact_id in firing.matched:
                record = run.facts.get(fact_id)
                if record is not None and record.kind == "answer" and record.name in kb.question_by_id:
                    matched[record.name] = _said(kb, record.name, record.value)
        rows.append((rule.title, "; ".join(matched.values())))
    return tuple(rows)
