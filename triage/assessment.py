"""The library API: ``assess(answers) -> Assessment``.

Validation, one run of the compiled experta engine, and the result read off its trace:
the disposition is the highest floor any fired rule set; advice comes from the
disposition and the fired rules, minus items that would contradict the disposition
(``max_urgency``) or that the answers show do not fit the person (``unless``).

What a person is shown, so that nothing contradicts the disposition (every front end
uses these; the JSON keeps every fired rule for traceability):

- ``Assessment.reasons``: the rules that set the disposition (their floor is the result),
  in knowledge-base order. Shown first, with their ``because``.
- ``Assessment.also_noted``: fired rules with a lower floor, most urgent first, to be
  listed apart in neutral words (their ``title``). Rules whose ``max_urgency`` (in the
  TOML) is below the result's urgency are left out: at urgency 3 or more nothing about
  walking or exercise is shown.
- ``Assessment.worked_out``: fired rules with no floor (BMI, probable osteoarthritis,
  fall risk...), with the same ``max_urgency`` filter.
- ``Assessment.advice``: the advice items, already filtered the same way.
- ``Assessment.shows(rule)``: the filter itself, for any other view of the fired rules.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, NamedTuple

from .answers import AnswersError, ValidAnswers, validate
from .early_stop import RECORD_KEY, EarlyStop, check_record, split_record
from .engine.engine import EngineRun, TriageEngineBase, compile_engine_class
from .kb.conditions import Condition
from .kb.load import load_knowledge_base
from .kb.records import Advice, Citation, Disposition, KnowledgeBase, Rule

_CLASSES: dict[tuple[str, str], type[TriageEngineBase]] = {}
_LOCAL = threading.local()


def engine_for(kb: KnowledgeBase) -> TriageEngineBase:
    """The engine for a knowledge base: its class compiled once per process, one engine per
    thread (an engine holds the working memory of the case it runs, so it is never shared
    between threads; a web worker with one thread has exactly one). Reset for every case."""
    key = (str(kb.root), kb.sha256)
    engines: dict[tuple[str, str], TriageEngineBase] | None = getattr(_LOCAL, "engines", None)
    if engines is None:
        engines = _LOCAL.engines = {}
    if key not in engines:
        if key not in _CLASSES:
            _CLASSES.setdefault(key, compile_engine_class(kb))
        engines[key] = _CLASSES[key]()
    return engines[key]


class Assessment(NamedTuple):  # immutable; a NamedTuple for a quick start (see kb/records.py)
    kb: KnowledgeBase
    disposition: Disposition
    fired: tuple[Rule, ...]  # each fired rule once, in knowledge-base order
    findings: tuple[str, ...]
    advice: tuple[Advice, ...]
    safety_net: tuple[Advice, ...]
    not_sure: tuple[str, ...]  # red-flag questions answered "not sure"
    answers: dict[str, Any]  # the answers that were asked (what the engine saw)
    warnings: tuple[str, ...]
    run: EngineRun
    early_stop: EarlyStop | None = None  # the answers file records that the questions stopped early

    @property
    def urgency(self) -> int:
        return self.disposition.urgency

    def shows(self, rule: Rule) -> bool:
        """May this fired rule be shown to the person at this result's urgency?"""
        return rule.max_urgency >= self.urgency

    @property
    def reasons(self) -> tuple[Rule, ...]:
        """The rules that set the disposition: the reasons shown first."""
        return tuple(r for r in self.fired if r.floor == self.disposition.id)

    @property
    def also_noted(self) -> tuple[Rule, ...]:
        """Fired rules with a lower floor that may be shown (most urgent first; knowledge-base
        order within a level). List them apart, by title."""
        ranks = self.kb.disposition_by_id
        lower = [r for r in self.fired if r.floor and r.floor != self.disposition.id and self.shows(r)]
        return tuple(sorted(lower, key=lambda r: -ranks[r.floor or ""].rank))

    @property
    def worked_out(self) -> tuple[Rule, ...]:
        """Fired rules that set no floor (derived facts, advice only) and may be shown."""
        return tuple(r for r in self.fired if not r.floor and self.shows(r))

    def to_dict(self) -> dict[str, Any]:
        """The JSON result (docs/policy.md, "The machine-readable result"), plus a few extra keys."""
        return {
            "disposition": self.disposition.id,
            "urgency": self.disposition.urgency,
            "title": self.disposition.title,
            "timeframe": self.disposition.timeframe,
            "rules_fired": [
                {"id": r.id, "title": r.title, "floor": r.floor, "sources": source_keys(r.cite)} for r in self.fired
            ],
            "findings": list(self.findings),
            "advice": [_advice_dict(a) for a in self.advice],
            "safety_net": [_advice_dict(a) for a in self.safety_net],
            "not_sure": list(self.not_sure),
            "warnings": list(self.warnings),
            "knowledge_base": {"version": self.kb.version, "sha256": self.kb.sha256},
            **({"stopped_early": self.early_stop.to_dict()} if self.early_stop else {}),
        }


def source_keys(cites: tuple[Citation, ...]) -> list[str]:
    return list(dict.fromkeys(c.source for c in cites))


def _advice_dict(item: Advice) -> dict[str, Any]:
    return {
        "id": item.id,
        "group": item.group,
        "text": item.text,
        **({"lead": item.lead, "points": list(item.points)} if item.points else {}),
        "details": item.details,
        "sources": source_keys(item.cite),
    }


def assess(answers: Mapping[str, Any] | Any, *, kb: KnowledgeBase | None = None, partial: bool = False) -> Assessment:
    """Assess one answers object. Raises AnswersError (listing every problem) if invalid.

    ``partial`` accepts answers with required questions still missing (a questionnaire in
    progress): since rules only raise the floor, its urgency can only go up as answers come.
    An answers file that records an early stop (triage/early_stop.py) is accepted without the
    questions that were never asked, as long as its answers still justify the stop.
    """
    kb = kb or load_knowledge_base()
    raw = dict(answers) if isinstance(answers, Mapping) else answers  # anything else: validate() says why
    recorded = isinstance(raw, Mapping) and RECORD_KEY in raw  # present, even as null: checked below
    raw, record = split_record(raw)
    valid = validate(raw, kb, partial=partial or record is not None)
    run = engine_for(kb).start(valid.answers)
    assessment = build_assessment(kb, valid, run)
    if not recorded:
        return assessment
    d = assessment.disposition
    deciding = tuple(r.id for r in assessment.reasons)
    early, problems, warnings = check_record(kb, record, valid.answers, d.id, deciding)
    if problems and not partial:
        raise AnswersError(problems)
    return assessment._replace(early_stop=early, warnings=(*assessment.warnings, *warnings))


def holds(condition: Condition, answers: Mapping[str, Any], findings: tuple[str, ...]) -> bool:
    """An advice or headline condition: answer atoms on the answers, finding atoms on the
    findings of this assessment (empty: never holds for ``unless``, callers check first)."""
    return any(
        all(atom.subject in findings if atom.kind == "finding" else atom.holds_in(answers) for atom in group)
        for group in condition
    )


def build_assessment(kb: KnowledgeBase, valid: ValidAnswers, run: EngineRun) -> Assessment:
    fired_ids = {firing.rule_id for firing in run.firings}
    fired = tuple(rule for rule in kb.rules if rule.id in fired_ids)  # knowledge-base order: order-free output
    ladder = kb.dispositions
    rank = max((kb.disposition_by_id[r.floor].rank for r in fired if r.floor), default=0)
    disposition = ladder[rank]
    findings = tuple(dict.fromkeys(r.finding for r in fired if r.finding))
    advice_ids = [*disposition.advice, *(a for r in fired for a in r.advice)]

    def fits(item: Advice) -> bool:
        """Given at this urgency (min..max), and not ruled out by the answers or findings."""
        at_level = item.min_urgency <= disposition.urgency <= item.max_urgency
        return at_level and not (item.unless and holds(item.unless, valid.answers, findings))

    kept = [item for item in (kb.advice[a] for a in dict.fromkeys(advice_ids)) if fits(item)]
    # What to do now first, then while waiting to be seen, then the rest (a stable sort).
    advice = tuple(sorted(kept, key=lambda item: (item.group != "now", item.group != "waiting")))
    not_sure = tuple(q for q in kb.unsure_allowed if q in valid.answers and valid.answers[q] is None)
    for headline in disposition.headlines:  # the headline fits the reason (dispositions.md, Advice)
        if holds(headline.when, valid.answers, findings):
            disposition = disposition._replace(title=headline.title, summary=headline.summary)
            break
    return Assessment(
        kb=kb,
        disposition=disposition,
        fired=fired,
        findings=findings,
        advice=advice,
        # Only the levels above this one, each with its own signs; at emergency, while waiting.
        safety_net=tuple(item for item in (kb.advice[a] for a in kb.safety_net) if fits(item)),
        not_sure=not_sure,
        answers=valid.answers,
        warnings=valid.warnings,
        run=run,
    )
