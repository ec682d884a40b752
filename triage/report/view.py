"""The report's view model: the assessment arranged as plain data for the template.

Every clinical statement comes from the knowledge base; this module only chooses and orders
(the answers given, the reasons, the advice groups, the sources named).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..answers import asked_questions
from ..assessment import Assessment
from ..kb.records import Advice, Citation, KnowledgeBase
from ..summary import MARKS, TOP_ADVICE
from .clock import format_time
from .handover import answer_atoms, handover

# Headings for the advice groups, in the order they are shown (navigation, not advice).
GROUPS: dict[str, str] = {
    "now": "Your next step",
    "waiting": "While you wait to be seen",
    "walking": "How to walk",
    "strength": "Strengthen your muscles",
    "weight": "Weight",
    "feet-and-knees": "Feet and knees",
    "bones": "Bones",
    "backward-walking": "Backward walking",
}


@dataclass(frozen=True)
class SourceRef:
    key: str
    title: str
    kind: str
    quote: str | None
    locator: str | None


@dataclass(frozen=True)
class AnswerRow:
    id: str
    question: str
    answer: str
    status: str  # answered | not-sure | not-asked | not-answered
    free_text: bool = False


@dataclass(frozen=True)
class Reason:
    rule_id: str
    title: str
    because: str
    floor_title: str | None
    decides: bool
    computed: str | None
    based_on: tuple[tuple[str, str], ...]
    sources: tuple[SourceRef, ...]


def _sources(kb: KnowledgeBase, cites: Iterable[Citation]) -> tuple[SourceRef, ...]:
    refs = []
    for cite in cites:
        source = kb.sources.get(cite.source)
        refs.append(
            SourceRef(
                key=cite.source,
                title=source.title if source else cite.source,
                kind=source.kind if source else "",
                quote=cite.quote,
                locator=cite.locator,
            )
        )
    return tuple(refs)


def _answer_rows(assessment: Assessment) -> tuple[list[AnswerRow], list[str], list[str], list[str]]:
    """The questions asked and answered (or "not sure"); then, grouped by id, the optional
    ones left out, those never asked because their condition did not hold, and those never
    asked because the questions stopped early."""
    kb, answers = assessment.kb, assessment.answers
    asked = {q.id for q in asked_questions(kb, answers)}
    stopped = assessment.early_stop is not None
    rows: list[AnswerRow] = []
    not_asked: list[str] = []
    not_asked_early: list[str] = []
    left_out: list[str] = []
    for question in kb.questions:
        free = question.type == "string"
        if question.id not in asked:
            not_asked.append(question.id)
        elif question.id not in answers:
            if stopped:  # every question still open when the questions stopped was never asked
                not_asked_early.append(question.id)
            else:  # optional, left out: grouped in one line like the questions not asked
                left_out.append(question.id)
        elif answers[question.id] is None:
            rows.append(AnswerRow(question.id, question.text, "not sure", "not-sure", free))
        else:
            shown = question.answer_words(answers[question.id])
            rows.append(AnswerRow(question.id, question.text, shown, "answered", free))
    return rows, left_out, not_asked, not_asked_early


def checked_red_flags(assessment: Assessment) -> list[AnswerRow]:
    """Red-flag questions asked and answered with no sign of concern: no rule in the
    knowledge base would match the answer given ("no", "never", "none", or "yes" to
    "can you take four steps"). "Not sure" is never in this list."""
    kb, answers = assessment.kb, assessment.answers
    atoms = answer_atoms(kb)
    rows = []
    for question in kb.questions:
        if not question.red_flag or answers.get(question.id) is None:
            continue
        value = answers[question.id]
        if any(atom.accepts(value) for atom in atoms.get(question.id, ())):
            continue
        rows.append(AnswerRow(question.id, question.text, question.answer_words(value), "answered"))
    return rows


def _reasons(assessment: Assessment) -> tuple[list[Reason], list[Reason], list[Reason]]:
    """The rules that set the result, the lower ones also noted (most urgent first), and
    those that only worked something out (BMI, probable osteoarthritis, fall risk...), as
    Assessment.reasons / also_noted / worked_out choose them."""
    kb, run = assessment.kb, assessment.run
    firings_by_rule: dict[str, list[int]] = {}
    for index, firing in enumerate(run.firings):
        firings_by_rule.setdefault(firing.rule_id, []).append(index)
    views: dict[str, Reason] = {}
    for rule in (*assessment.reasons, *assessment.also_noted, *assessment.worked_out):
        based_on: dict[str, str] = {}
        computed = None
        for index in firings_by_rule.get(rule.id, ()):
            for fact_id in run.firings[index].matched:
                record = run.facts.get(fact_id)
                if record is not None and record.kind == "answer" and record.name in kb.question_by_id:
                    question = kb.question_by_id[record.name]
                    based_on[question.text] = question.answer_words(record.value)
            for record in run.facts.values():
                if record.kind == "derived" and record.produced_by == index:
                    computed = f"{record.name.upper() if len(record.name) <= 4 else record.name}: {record.value}"
        floor = kb.disposition_by_id[rule.floor] if rule.floor else None
        reason = Reason(
            rule_id=rule.id,
            title=rule.title,
            because=rule.because,
            floor_title=floor.title if floor else None,
            decides=bool(floor and floor.id == assessment.disposition.id),
            computed=computed,
            based_on=tuple(based_on.items()),
            sources=_sources(kb, rule.cite),
        )
        views[rule.id] = reason
    return (
        [views[r.id] for r in assessment.reasons],
        [views[r.id] for r in assessment.also_noted],
        [views[r.id] for r in assessment.worked_out],
    )


@dataclass(frozen=True)
class AdviceView:
    id: str
    text: str
    details: str
    sources: tuple[SourceRef, ...]
    points: tuple[str, ...] = ()  # a list item by item (a safety-net tier's signs); text is then the lead


def _advice_groups(assessment: Assessment) -> list[tuple[str, str, list[AdviceView]]]:
    kb = assessment.kb
    groups: dict[str, list[Advice]] = {}
    for item in assessment.advice:
        groups.setdefault(item.group, []).append(item)
    order = [g for g in GROUPS if g in groups] + sorted(g for g in groups if g not in GROUPS)
    return [
        (
            group,
            GROUPS.get(group, group.replace("-", " ").capitalize()),
            [AdviceView(a.id, kb.advice_text(a), a.details, _sources(kb, a.cite)) for a in groups[group]],
        )
        for group in order
    ]


def report_context(assessment: Assessment, *, now: datetime) -> dict[str, Any]:
    kb = assessment.kb
    d = assessment.disposition
    reasons, also_noted, derived = _reasons(assessment)
    name = assessment.answers.get("name")
    rows, left_out, not_asked, not_asked_early = _answer_rows(assessment)
    return {
        "person": _person(assessment),
        "handover": handover(assessment),
        "early_stop": assessment.early_stop.reason if assessment.early_stop else None,
        "unanswered_emergency": [kb.question_by_id[q].text for q in assessment.early_stop.unanswered]
        if assessment.early_stop
        else [],
        "unanswered_emergency_label": kb.wording["unanswered_emergency"],
        "not_asked_early_label": kb.wording["not_asked_early"],
        "top_advice": [AdviceView(a.id, kb.advice_text(a), a.details, ()) for a in assessment.advice[:TOP_ADVICE]],
        "more_advice": len(assessment.advice) > TOP_ADVICE,
        "disposition": d,
        "mark": MARKS.get(d.urgency, "!"),
        "level": min(max(d.urgency, 0), 4),
        "name": name if isinstance(name, str) and name.strip() else None,
        "advice_groups": _advice_groups(assessment),
        "not_sure": [kb.label(q) for q in assessment.not_sure],
        "safety_net": [
            AdviceView(a.id, a.lead or a.text, a.details, _sources(kb, a.cite), a.points) for a in assessment.safety_net
        ],
        "reasons": reasons,
        "also_noted": also_noted,
        "derived": derived,
        "checked": checked_red_flags(assessment),
        "safety_net_keys": list(dict.fromkeys(c.source for a in assessment.safety_net for c in a.cite)),
        "source_index": _source_index(assessment),
        "answers": rows,
        "left_out": left_out,
        "not_asked": not_asked,
        "not_asked_early": not_asked_early,
        "warnings": list(assessment.warnings),
        "disclaimer": kb.wording["disclaimer"],
        "generated": format_time(now),
        "generated_iso": now.isoformat(),
        "kb_version": kb.version,
        "kb_sha256": kb.sha256,
    }


def _source_index(assessment: Assessment) -> list[tuple[str, str]]:
    """Every source the report names by its key, once, with its title (in the knowledge base's order)."""
    kb = assessment.kb
    cites = [c for item in (*assessment.advice, *assessment.safety_net) for c in item.cite]
    cites += [c for rule in (*assessment.reasons, *assessment.also_noted, *assessment.worked_out) for c in rule.cite]
    used = {c.source for c in cites}
    return [(key, source.title) for key, source in kb.sources.items() if key in used]


def _person(assessment: Assessment) -> list[tuple[str, str]]:
    """Who the report is about, for page 1: name, age and sex as answered."""
    kb, answers = assessment.kb, assessment.answers
    person = []
    for qid, label in (("age", "Age"), ("sex", "Sex")):
        if answers.get(qid) is not None and qid in kb.question_by_id:
            person.append((label, kb.question_by_id[qid].answer_words(answers[qid])))
    return person
