"""Compile the knowledge base into an experta KnowledgeEngine and run it.

Each TOML rule becomes one experta rule. Its conditions become patterns over three fact
types (Answer, Finding, Derived); experta does all matching and chaining. Every pattern is
bound (f0, f1, ...), so a firing records exactly which facts it matched, and which firing
produced each Finding or Derived fact: the explanation is read off that trace.
Rules only add facts and raise floors, never retract or lower, so firing order cannot
change the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._experta import AND, AS, OR, Fact, KnowledgeEngine, P
from ._experta import Rule as ExpertaRule
from .conditions import Atom
from .formulas import FORMULAS
from .knowledge import KnowledgeBase, Rule


class Answer(Fact):
    """An answer: question id and value (None = "not sure")."""


class Finding(Fact):
    """A finding concluded by a rule, by name."""


class Derived(Fact):
    """A derived value (such as BMI) computed by a rule."""


@dataclass(frozen=True)
class FactRecord:
    """What a fact in working memory is, in plain terms."""

    kind: str  # answer | finding | derived
    name: str
    value: Any = None
    produced_by: int | None = None  # index of the firing that declared it


@dataclass(frozen=True)
class Firing:
    rule_id: str
    matched: tuple[int, ...]  # fact ids, in the order of the rule's conditions


@dataclass(frozen=True)
class EngineRun:
    facts: dict[int, FactRecord]
    firings: tuple[Firing, ...]


def _total(predicate: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def safe(value: Any) -> bool:
        try:
            return bool(predicate(value))
        except Exception:  # a predicate that cannot decide does not match
            return False

    return safe


def _pattern(atom: Atom, red_flags: frozenset[str]) -> Fact:
    if atom.kind == "answer":
        return Answer(question=atom.subject, value=P(atom.accepts))
    if atom.kind == "derived":
        return Derived(name=atom.subject, value=P(atom.accepts))
    if atom.kind == "finding":
        return Finding(name=atom.subject)
    return Answer(question=P(_total(lambda q: q in red_flags)), value=P(_total(lambda v: v is None)))


def _lhs(rule: Rule, red_flags: frozenset[str]) -> Any:
    groups = [
        AND(*(getattr(AS, f"f{i}") << _pattern(atom, red_flags) for i, atom in enumerate(group))) for group in rule.when
    ]
    return groups[0] if len(groups) == 1 else OR(*groups)


def _rhs(rule: Rule) -> Callable[..., None]:
    formula = FORMULAS.get(rule.compute) if rule.compute else None

    def fire(engine: TriageEngineBase, **bound: Fact) -> None:
        facts = [bound[key] for key in sorted(bound, key=lambda k: int(k[1:]))]
        engine.record(rule, facts, formula)

    fire.__name__ = f"rule_{rule.id}"
    return fire


class TriageEngineBase(KnowledgeEngine):
    """The compiled rules are added to a subclass of this (see compile_engine_class)."""

    def start(self, answers: Mapping[str, Any]) -> EngineRun:
        self.reset()
        self._facts: dict[int, FactRecord] = {}
        self._firings: list[Firing] = []
        for question, value in answers.items():
            fact = self.declare(Answer(question=question, value=value))
            if fact is not None:
                self._facts[fact.__factid__] = FactRecord("answer", question, value)
        self.run()
        return EngineRun(dict(self._facts), tuple(self._firings))

    def record(self, rule: Rule, facts: list[Fact], formula: Callable[[Mapping[str, Any]], float] | None) -> None:
        index = len(self._firings)
        self._firings.append(Firing(rule.id, tuple(fact.__factid__ for fact in facts)))
        if rule.finding:
            self._conclude(Finding(name=rule.finding), FactRecord("finding", rule.finding, None, index))
        if formula is not None and rule.compute:
            inputs = {f["question"]: f["value"] for f in facts if isinstance(f, Answer)}
            try:
                value = formula(inputs)
            except (KeyError, ArithmeticError, ValueError, TypeError):
                return
            self._conclude(Derived(name=rule.compute, value=value), FactRecord("derived", rule.compute, value, index))

    def _conclude(self, fact: Fact, record: FactRecord) -> None:
        declared = self.declare(fact)
        if declared is not None:  # None: the same fact is already known (another rule concluded it)
            self._facts[declared.__factid__] = record


def compile_engine_class(kb: KnowledgeBase) -> type[TriageEngineBase]:
    """Build the engine class for a knowledge base. Done once per process per knowledge base."""
    red_flags = frozenset(kb.red_flags)
    methods = {f"rule_{i:03d}": ExpertaRule(_lhs(rule, red_flags))(_rhs(rule)) for i, rule in enumerate(kb.rules)}
    return type("TriageEngine", (TriageEngineBase,), methods)
