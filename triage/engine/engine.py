"""Compile the knowledge base into an experta KnowledgeEngine and run it.

Working memory holds one ``Answers`` fact with a slot per answered question (like a CLIPS
deftemplate), plus the ``Finding`` and ``Derived`` facts that rules conclude. Each TOML
rule becomes one experta rule: its conditions on answers become slot constraints on the
Answers pattern, its conditions on findings become Finding patterns, so experta does all
matching and chaining. (One Answers fact rather than one fact per answer: the RETE
network then tests each slot once, instead of testing every answer fact against every
question's node, which made assessments about 8 times slower.)

Every pattern is bound, so each firing records which alternative matched, hence exactly
which answers and which findings it used, and which firing produced each finding: the
explanation is read off that trace. Rules only add facts and raise floors, never retract
or lower, so firing order cannot change the outcome.
"""

from __future__ import annotations

import inspect
import logging
import operator
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..kb.conditions import Atom
from ..kb.formulas import FORMULAS
from ..kb.records import KnowledgeBase, Rule
from ._experta import AND, AS, OR, Agenda, Fact, FactList, KnowledgeEngine, P, Strategy, plain_fact, watchers
from ._experta import Rule as ExpertaRule
from .matcher import TriageMatcher


class Answers(Fact):
    """All answers of one person: slot = question id, value (None = "not sure")."""


class Finding(Fact):
    """A finding concluded by a rule, by name."""


class Derived(Fact):
    """A derived value (such as BMI) computed by a rule."""


class FactRecord(NamedTuple):
    """One thing in working memory, in plain terms: an answer, a finding or a derived value."""

    kind: str  # answer | finding | derived
    name: str
    value: Any = None
    produced_by: int | None = None  # index of the firing that concluded it


class Firing(NamedTuple):
    rule_id: str
    matched: tuple[int, ...]  # record ids (EngineRun.facts), in the order of the rule's conditions


class EngineRun(NamedTuple):
    facts: dict[int, FactRecord]
    firings: tuple[Firing, ...]


def expand_unsure(rule: Rule, red_flags: tuple[str, ...]) -> tuple[tuple[Atom, ...], ...]:
    """`red_flag = "unsure"` stands for one alternative per red-flag question."""
    groups: list[tuple[Atom, ...]] = []
    for group in rule.when:
        wildcard = [a for a in group if a.kind == "red_flag_unsure"]
        if not wildcard:
            groups.append(group)
            continue
        rest = tuple(a for a in group if a.kind != "red_flag_unsure")
        groups += [(Atom("answer", q, "unsure"), *rest) for q in red_flags]
    return tuple(groups)


def _slot_predicate(atoms: tuple[Atom, ...]) -> Callable[[Any], bool]:
    """One total predicate for all the conditions a group puts on one answer."""
    if len(atoms) == 1:
        return atoms[0].accepts  # Atom.accepts never raises

    def accepts(value: Any) -> bool:
        return all(atom.accepts(value) for atom in atoms)

    return accepts


class Predicates:
    """One P object per distinct test, so experta shares the alpha node that runs it.

    experta merges alpha tests only when they are the same constraint; a fresh closure per
    rule made each rule's test a node of its own (332 nodes instead of 308 today, and the
    gap grows with the rule base).
    """

    def __init__(self) -> None:
        self._made: dict[tuple[Atom, ...], Any] = {}

    def __call__(self, atoms: tuple[Atom, ...]) -> Any:
        if atoms not in self._made:
            self._made[atoms] = P(_slot_predicate(atoms))
        return self._made[atoms]


def _group_patterns(index: int, group: tuple[Atom, ...], shared: Predicates) -> list[Any]:
    slots: dict[str, list[Atom]] = {}
    for atom in group:
        if atom.kind == "answer":
            slots.setdefault(atom.subject, []).append(atom)
    patterns = []
    if slots:
        constraints = {q: shared(tuple(atoms)) for q, atoms in slots.items()}
        patterns.append(getattr(AS, f"g{index}_answers") << Answers(**constraints))
    for i, atom in enumerate(group):
        if atom.kind == "finding":
            patterns.append(getattr(AS, f"g{index}_f{i}") << Finding(name=atom.subject))
        elif atom.kind == "derived":
            patterns.append(getattr(AS, f"g{index}_f{i}") << Derived(name=atom.subject, value=shared((atom,))))
    return patterns


class RuleOrderStrategy(Strategy):
    """Conflict resolution: fire in knowledge-base rule order, then by matched facts.

    Any order gives the same outcome (rules only add facts and raise floors); a fixed order
    makes the trace repeatable. It replaces experta's DepthStrategy, whose lru_cache over
    activations compared whole activations hundreds of times per case.
    """

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        if removed:
            gone = {id(act) for act in removed}
            agenda.activations = [act for act in agenda.activations if id(act) not in gone and act not in removed]
        if added:
            # Agenda.get_next() pops from the end: keep the next activation last. Each key is
            # worked out once, not at every sort (an activation waits through several).
            for act in added:
                act.triage_order = _activation_key(act)
            agenda.activations.extend(added)
            agenda.activations.sort(key=_ORDER, reverse=True)


_ORDER = operator.attrgetter("triage_order")


def _activation_key(activation: Any) -> tuple[int, tuple[int, ...], int]:
    # Two alternatives of one rule can match the same facts (e.g. `red_flag = "unsure"`); the
    # alternative's index breaks that tie, which experta would otherwise break by set order
    # (memory addresses), so the trace would differ between processes.
    facts = tuple(sorted(fact["__factid__"] for fact in activation.facts))
    return (getattr(activation.rule, "rank", -1), facts, _alternative(activation.context))


def _alternative(context: Mapping[str, Any]) -> int:
    """The index of the OR alternative that matched, read off its bound names (g<index>_...)."""
    return min((int(name.split("_", 1)[0][1:]) for name in context if name.startswith("g")), default=-1)


class TriageEngineBase(KnowledgeEngine):
    """The compiled rules are added to a subclass of this (see compile_engine_class)."""

    __strategy__ = RuleOrderStrategy
    __matcher__ = TriageMatcher
    question_order: tuple[str, ...] = ()  # set by compile_engine_class

    def __init__(self) -> None:
        super().__init__()
        self._deffacts = self.get_deffacts()  # experta looks them up with inspect at every reset
        self._order = {q: i for i, q in enumerate(self.question_order)}

    def reset(self, **kwargs: Any) -> None:
        """experta's reset, with the deffacts found once (they take no arguments here)."""
        if kwargs:
            super().reset(**kwargs)
            return
        self.agenda = Agenda()
        self.facts = FactList()
        self.matcher.reset()
        self._KnowledgeEngine__declare(*(fact for deffacts in self._deffacts for fact in deffacts()))  # type: ignore[attr-defined]
        self.running = False

    def run(self, steps: float = float("inf")) -> None:
        """experta's run loop, less the FIRE log line it formats for every firing even when
        nobody listens (a tenth of a run); it is still written when the RULES watcher is on."""
        self.running = True
        execution = 0
        while steps > 0 and self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
            if watchers.worth("AGENDA", "DEBUG"):
                for idx, act in enumerate(self.agenda.activations):
                    facts = ", ".join(str(f) for f in act.facts)
                    watchers.AGENDA.debug("%d: %r %r", idx, act.rule.__name__, facts)
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps -= 1
            execution += 1
            if watchers.RULES.isEnabledFor(logging.INFO):
                facts = ", ".join(str(f) for f in activation.facts)
                watchers.RULES.info("FIRE %s %s: %s", execution, activation.rule.__name__, facts)
            activation.rule(self, **{k: v for k, v in activation.context.items() if not k.startswith("__")})
        self.running = False

    def start(self, answers: Mapping[str, Any]) -> EngineRun:
        self.reset()
        # Answers are records 0..n-1 in question order, so the trace does not depend on dict order.
        order = self._order
        ordered = sorted(answers, key=lambda q: (order.get(q, len(order)), q))
        self._records = {i: FactRecord("answer", q, answers[q]) for i, q in enumerate(ordered)}
        self._answer_ids = {q: i for i, q in enumerate(ordered)}
        self._concluded: dict[tuple[str, str], int] = {}
        self._firings: list[Firing] = []
        # KnowledgeEngine.declare, less its checks for patterns and "__" among the values and
        # keys: these are validated answers to questions with plain ids.
        self.facts.declare(plain_fact(Answers, {q: answers[q] for q in ordered}))
        self.strategy.update_agenda(self.agenda, *self.get_activations())
        self.run()
        return EngineRun(dict(self._records), tuple(self._firings))

    def record(self, rule: Rule, group: tuple[Atom, ...], bound: Mapping[str, Fact]) -> None:
        matched: list[int] = []
        for atom in group:
            if atom.kind == "answer":
                matched.append(self._answer_ids[atom.subject])
            elif atom.kind == "finding":
                matched.append(self._concluded[("finding", atom.subject)])
            else:
                matched.append(self._concluded[("derived", atom.subject)])
        index = len(self._firings)
        self._firings.append(Firing(rule.id, tuple(dict.fromkeys(matched))))
        if rule.finding:
            self._conclude(
                plain_fact(Finding, {"name": rule.finding}), FactRecord("finding", rule.finding, None, index)
            )
        formula = FORMULAS.get(rule.compute or "")
        if formula is not None and rule.compute:
            answers = next((fact for fact in bound.values() if isinstance(fact, Answers)), {})
            try:
                value = formula(answers)
            except (KeyError, ArithmeticError, ValueError, TypeError):
                return
            self._conclude(
                plain_fact(Derived, {"name": rule.compute, "value": value}),
                FactRecord("derived", rule.compute, value, index),
            )

    def _conclude(self, fact: Fact, record: FactRecord) -> None:
        key = (record.kind, record.name)
        if key in self._concluded:
            return  # already known: another rule concluded it first
        record_id = len(self._records)
        self._records[record_id] = record
        self._concluded[key] = record_id
        self.declare(fact)


# experta calls inspect.signature on a rule's function each time it copies the rule (about
# ten times per rule while building the network); a ready __signature__ answers at once.
_RHS_SIGNATURE = inspect.Signature(
    [
        inspect.Parameter("engine", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("bound", inspect.Parameter.VAR_KEYWORD),
    ]
)


def _rhs(rule: Rule, groups: tuple[tuple[Atom, ...], ...]) -> Callable[..., None]:
    def fire(engine: TriageEngineBase, **bound: Fact) -> None:
        # The bound names say which alternative matched: g<index>_...
        index = int(next(iter(bound)).split("_", 1)[0][1:])
        engine.record(rule, groups[index], bound)

    fire.__name__ = f"rule_{rule.id}"
    fire.__signature__ = _RHS_SIGNATURE  # type: ignore[attr-defined]
    return fire


def _compile_rule(rule: Rule, rank: int, red_flags: tuple[str, ...], shared: Predicates) -> ExpertaRule:
    groups = expand_unsure(rule, red_flags)
    alternatives = [AND(*_group_patterns(i, group, shared)) for i, group in enumerate(groups)]
    lhs = alternatives[0] if len(alternatives) == 1 else OR(*alternatives)
    fire = _rhs(rule, groups)
    fire.rank = rank  # type: ignore[attr-defined]  # for RuleOrderStrategy; experta copies it to every OR branch
    return ExpertaRule(lhs)(fire)


def compile_engine_class(kb: KnowledgeBase) -> type[TriageEngineBase]:
    """Build the engine class for a knowledge base. Done once per process per knowledge base."""
    shared = Predicates()
    methods: dict[str, Any] = {
        f"rule_{i:03d}": _compile_rule(rule, i, kb.red_flags, shared) for i, rule in enumerate(kb.rules)
    }
    methods["question_order"] = tuple(q.id for q in kb.questions)
    return type("TriageEngine", (TriageEngineBase,), methods)
