"""`triage rules check`: the knowledge base's references, citations and reachability.

Loading (triage/kb/) checks shape; this checks meaning. Every problem is listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..kb.conditions import Atom, Condition, condition_holds
from ..kb.formulas import FORMULAS
from ..kb.records import Citation, KnowledgeBase, Question, Rule
from .metadata import check_governance, retired_ids


def check_knowledge_base(kb: KnowledgeBase, *, release: bool = False) -> list[str]:
    """Every problem, one line each. ``release``: drafts are problems too (metadata.py)."""
    problems: list[str] = check_governance(kb, release=release)
    problems += _check_questions(kb)
    for rule in kb.rules:
        problems += [f"rule {rule.id}: {p}" for p in _check_rule(kb, rule)]
    for item in kb.advice.values():
        problems += [f"advice {item.id}: {p}" for p in _check_citations(kb, item.cite)]
        if not 0 <= item.max_urgency <= max(d.urgency for d in kb.dispositions):
            problems.append(f"advice {item.id}: max_urgency {item.max_urgency} is off the ladder")
        problems += [f"advice {item.id}: unless: {p}" for p in _check_unless(kb, item.unless)]
        if not 0 <= item.min_urgency <= item.max_urgency:
            problems.append(f"advice {item.id}: min_urgency {item.min_urgency} is above max_urgency")
        if item.points_to is not None:  # a safety-net tier: shown only below the level it names
            target = kb.disposition_by_id.get(item.points_to)
            if target is None:
                problems.append(f"advice {item.id}: points_to {item.points_to!r} is not on the ladder")
            elif item.max_urgency != target.urgency - 1:
                problems.append(
                    f"advice {item.id}: points to {target.id}, so max_urgency must be {target.urgency - 1}"
                )
    for disposition in kb.dispositions:
        for headline in disposition.headlines:
            problems += [f"disposition {disposition.id}: headline: {p}" for p in _check_unless(kb, headline.when)]
            if not (headline.when and headline.title and headline.summary):
                problems.append(f"disposition {disposition.id}: a headline needs when, title and summary")
        problems += [
            f"disposition {disposition.id}: unknown advice {a!r}"
            for a in disposition.advice
            if a not in kb.advice and a not in kb.retired_advice
        ]
        problems += [
            f"disposition {disposition.id}: its own advice {a!r} has max_urgency below {disposition.urgency}"
            for a in disposition.advice
            if a in kb.advice and kb.advice[a].max_urgency < disposition.urgency
        ]
    problems += [
        f"safety net: unknown advice {a!r}" for a in kb.safety_net if a not in kb.advice and a not in kb.retired_advice
    ]
    if not kb.safety_net:
        problems.append("safety net: empty (every result must carry one)")
    problems += [
        f"ask_before_urgent_stop: unknown question {q!r}" for q in kb.ask_before_stop if q not in kb.question_by_id
    ]
    problems += [f"under_18: unknown advice {a!r}" for a in kb.under_18 if a not in kb.advice]
    used = {a for r in kb.rules for a in r.advice} | {a for d in kb.dispositions for a in d.advice}
    used |= {*kb.safety_net, *kb.under_18}
    problems += [f"advice {a}: never given by any rule or disposition" for a in kb.advice if a not in used]
    for source in kb.sources.values():
        if source.kind == "article" and not (source.file and (kb.root / source.file).is_file()):
            problems.append(f"source {source.key}: article file {source.file!r} not found")
        elif source.file and not (kb.root / source.file).is_file():
            problems.append(f"source {source.key}: file {source.file!r} not found")
        if source.kind not in ("article", "clinical"):
            problems.append(f"source {source.key}: kind must be article or clinical")
    problems += _check_reachable(kb)
    from ..fhir.check import check_fhir  # the FHIR export must stay possible (docs/fhir.md)

    problems += check_fhir(kb)
    from .plan_check import check_plan  # the walking plan's numbers and citations (docs/plan.md)

    problems += check_plan(kb, _check_citations)
    return problems


def _check_questions(kb: KnowledgeBase) -> Iterator[str]:
    earlier: set[str] = set()
    for q in kb.questions:
        if q.type not in ("boolean", "integer", "number", "choice", "string"):
            yield f"question {q.id}: unknown type {q.type!r}"
        if q.type == "choice" and not q.choices:
            yield f"question {q.id}: a choice question needs choices"
        for atom in _atoms(q.asked_when):
            if atom.subject not in earlier:
                yield f"question {q.id}: asked_when refers to {atom.subject!r}, which is not an earlier question"
            else:
                yield from (f"question {q.id}: {p}" for p in _check_atom(kb, atom))
        earlier.add(q.id)


def _atoms(condition: Condition) -> Iterator[Atom]:
    for group in condition:
        yield from group


def _check_rule(kb: KnowledgeBase, rule: Rule) -> Iterator[str]:
    # What retired rules conclude, or retired advice, is reported once, by metadata.py.
    retired = {x for r in kb.retired_rules for x in (r.finding, r.compute) if x} | retired_ids(kb)
    concluded = {r.finding for r in kb.rules if r.finding} | retired
    computed = {r.compute for r in kb.rules if r.compute} | retired
    for atom in _atoms(rule.when):
        if atom.kind == "finding" and atom.subject not in concluded:
            yield f"finding {atom.subject!r} is concluded by no rule"
        elif atom.kind == "derived" and atom.subject not in computed:
            yield f"derived value {atom.subject!r} is computed by no rule"
        elif atom.kind == "answer":
            if atom.test == "not_in":  # holds when left out: asked-when only, never a rule
                yield f"{atom.subject}: not_in is for asked_when only"
            yield from _check_atom(kb, atom)
    if not (rule.finding or rule.floor or rule.compute or rule.advice):
        yield "concludes nothing (needs a finding, floor, compute or advice)"
    if rule.floor and rule.floor not in kb.disposition_by_id:
        yield f"floor {rule.floor!r} is not on the ladder"
    if not 0 <= rule.max_urgency <= max(d.urgency for d in kb.dispositions):
        yield f"max_urgency {rule.max_urgency} is off the ladder"
    elif rule.floor in kb.disposition_by_id and kb.disposition_by_id[rule.floor].urgency > rule.max_urgency:
        # a rule that sets the result must be shown when it does
        yield f"max_urgency {rule.max_urgency} is below the urgency of its own floor {rule.floor}"
    if rule.compute and rule.compute not in FORMULAS:
        yield f"compute {rule.compute!r} is not a known formula ({', '.join(FORMULAS)})"
    yield from (f"unknown advice {a!r}" for a in rule.advice if a not in kb.advice and a not in retired)
    yield from _check_citations(kb, rule.cite)


def _check_unless(kb: KnowledgeBase, condition: Condition) -> Iterator[str]:
    """An advice item's ``unless`` (or a headline's ``when``) is read off the answers and the
    findings of the assessment (no derived values)."""
    concluded = {r.finding for r in kb.rules if r.finding}
    for atom in _atoms(condition):
        if atom.kind == "finding":
            if atom.subject not in concluded:
                yield f"finding {atom.subject!r} is concluded by no rule"
        elif atom.kind != "answer":
            yield f"only answers and findings can be tested, not {atom.describe()!r}"
        else:
            yield from _check_atom(kb, atom)


def _check_atom(kb: KnowledgeBase, atom: Atom) -> Iterator[str]:
    question = kb.question_by_id.get(atom.subject)
    if question is None:
        yield f"unknown question {atom.subject!r}"
        return
    if (atom.test == "unsure" or atom.or_unsure) and not question.allows_unsure:
        yield f"{atom.subject}: 'not sure' is only possible on red-flag and history questions"
    if atom.test in ("in", "not_in"):
        bad = sorted(set(atom.operand) - set(question.choice_values))
        if question.type != "choice" or bad:
            yield f"{atom.subject}: {bad or sorted(atom.operand)} are not values of this question"
    if atom.test == "is" and question.type == "boolean" and not isinstance(atom.operand, bool):
        yield f"{atom.subject}: is a yes/no question; compare with true or false"
    if atom.test in ("at_least", "at_most", "above", "below") and question.type not in ("integer", "number"):
        yield f"{atom.subject}: is not a number question"


def _check_citations(kb: KnowledgeBase, cites: tuple[Citation, ...]) -> Iterator[str]:
    if not cites:
        yield "cites no source"
    for cite in cites:
        source = kb.sources.get(cite.source)
        if source is None:
            yield f"cites unknown source {cite.source!r}"
        elif source.kind == "article":
            if not cite.quote:
                yield f"cites article {cite.source} without a quote"
            elif source.file and (kb.root / source.file).is_file() and cite.quote not in kb.article_text(source.key):
                yield f"quote not found in {cite.source}: {cite.quote!r}"
        else:
            if not cite.locator:
                yield f"cites {cite.source} without a locator"
            if cite.quote and not source.file:
                yield f"quotes {cite.source}, which has no file to check the quote in"
            elif cite.quote and source.file and (kb.root / source.file).is_file() and (
                cite.quote not in kb.article_text(source.key)
            ):
                yield f"quote not found in {cite.source}: {cite.quote!r}"


# --- reachability: can each rule fire for some valid answers? -------------------------------------


def _candidates(question: Question, atoms: list[Atom]) -> list[Any]:
    """A few values of the question's domain, enough to satisfy any atom that can be satisfied."""
    values: list[Any]
    if question.type == "boolean":
        values = [True, False]
    elif question.type == "choice":
        values = list(question.choice_values)
    elif question.type in ("integer", "number"):
        low, high = question.min or 0, question.max or 0
        points = {low, high}
        for atom in atoms:
            if isinstance(atom.operand, int | float) and not isinstance(atom.operand, bool):
                points |= {atom.operand, atom.operand - 1, atom.operand + 1}
        values = sorted(p for p in points if low <= p <= high)
        if question.type == "integer":
            values = [int(v) for v in values]
    else:
        values = ["text"]
    return [*values, None] if question.allows_unsure else values


def _witness(kb: KnowledgeBase, group: tuple[Atom, ...]) -> dict[str, Any] | None:
    """Answers that satisfy every answer-atom of the group and are all asked, or None."""
    by_question: dict[str, list[Atom]] = {}
    for atom in group:
        if atom.kind == "answer":
            by_question.setdefault(atom.subject, []).append(atom)
    if any(qid not in kb.question_by_id for qid in by_question):
        return None  # an unknown question: reported by _check_atom, and can never be answered
    chosen: dict[str, Any] = {}
    for qid, atoms in by_question.items():
        options = [v for v in _candidates(kb.question_by_id[qid], atoms) if all(a.accepts(v) for a in atoms)]
        if not options:
            return None
        chosen[qid] = options[0]
    return chosen if _make_asked(kb, chosen, set(chosen)) else None


def _make_asked(kb: KnowledgeBase, chosen: dict[str, Any], fixed: set[str], depth: int = 0) -> bool:
    """Add answers to earlier questions so that every chosen question is asked."""
    if depth > len(kb.questions):
        return False
    for qid in list(chosen):
        question = kb.question_by_id[qid]
        if condition_holds(question.asked_when, chosen):
            continue
        for group in question.asked_when:
            trial = dict(chosen)
            ok = True
            for atom in group:
                if atom.subject not in kb.question_by_id:  # reported by _check_questions
                    ok = False
                    break
                if atom.subject in fixed and not atom.holds_in(trial):
                    ok = False
                    break
                options = [v for v in _candidates(kb.question_by_id[atom.subject], [atom]) if atom.accepts(v)]
                if not options:
                    ok = False
                    break
                trial.setdefault(atom.subject, options[0])
            if ok and _make_asked(kb, trial, fixed | {a.subject for a in group}, depth + 1):
                chosen.update(trial)
                break
        else:
            return False
    return True


def _check_reachable(kb: KnowledgeBase) -> list[str]:
    reachable_findings: set[str] = set()
    reachable_derived: set[str] = set()
    fired: set[str] = set()
    changed = True
    while changed:  # fixpoint: findings become reachable as the rules that conclude them do
        changed = False
        for rule in kb.rules:
            if rule.id in fired:
                continue
            for group in rule.when:
                needs_ok = all(
                    (a.kind != "finding" or a.subject in reachable_findings)
                    and (a.kind != "derived" or a.subject in reachable_derived)
                    for a in group
                )
                if needs_ok and _witness(kb, group) is not None:
                    fired.add(rule.id)
                    if rule.finding:
                        reachable_findings.add(rule.finding)
                    if rule.compute:
                        reachable_derived.add(rule.compute)
                    changed = True
                    break
    return [
        f"rule {r.id}: can never fire (no valid answers satisfy its conditions)" for r in kb.rules if r.id not in fired
    ]
