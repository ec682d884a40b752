"""The knowledge base compiled to CLIPS: an independent engine to check experta against.

Not used to assess anyone: it is the oracle of tests/test_clips_oracle.py (same answers,
same dispositions, fired rules and findings) and the yardstick of scripts/benchmark.py.
It needs clipspy (``pip install -e '.[bench]'``), imported only when a ``ClipsEngine`` is made.

The translation is direct: one ``answers`` template with a slot per question (``MISSING``
when left out, ``UNSURE`` for "not sure", ``TRUE``/``FALSE`` for yes/no), ``finding`` and
``derived`` templates, and one defrule per alternative of each rule (``red_flag = "unsure"``
expanded as the experta engine does). A firing calls back into Python to record itself;
dispositions are read off the fired rules' floors, as in ``assessment.build_assessment``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..kb.conditions import NUMERIC_TESTS, Atom
from ..kb.formulas import FORMULAS
from ..kb.records import KnowledgeBase
from .engine import expand_unsure

_CLIPS_OP = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}
assert set(_CLIPS_OP) == set(NUMERIC_TESTS)


def clips_value(value: Any) -> str:
    """A Python answer as a CLIPS constant."""
    if value is None:
        return "UNSURE"
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a CLIPS string: "..." with \" and \\ escapes


def atom_test(atom: Atom, var: str) -> str:
    """The CLIPS test for one atom on the value bound to ``var`` (never true for MISSING)."""
    test, operand = atom.test, atom.operand
    if test == "present":
        known = f"(and (neq {var} MISSING) (neq {var} UNSURE))"
    elif test == "unsure":
        return f"(eq {var} UNSURE)"
    elif test == "is":
        known = (
            f"(and (numberp {var}) (= {var} {operand!r}))" if _number(operand) else f"(eq {var} {clips_value(operand)})"
        )
    elif test == "in":
        known = f"(and (stringp {var}) {_any([f'(eq {var} {clips_value(v)})' for v in sorted(operand)])})"
    else:
        known = f"(and (numberp {var}) ({_CLIPS_OP[test]} {var} {operand!r}))"
    if atom.or_unsure:
        return f"(or (eq {var} UNSURE) {known})"
    return known


def atom_literal(atom: Atom) -> str | None:
    """The same test as a CLIPS literal constraint (matched in CLIPS's alpha network without
    a function call), where one exists: yes/no, choices, "not sure", present."""
    test, operand = atom.test, atom.operand
    if test == "present":
        return None if atom.or_unsure else "~MISSING&~UNSURE"
    if test == "unsure":
        return "UNSURE"
    if test == "is" and not _number(operand):
        values = [clips_value(operand)]
    elif test == "in":
        values = [clips_value(v) for v in sorted(operand)]
    else:
        return None
    return "|".join([*values, "UNSURE"] if atom.or_unsure else values)


def _slot(q: str, atoms: list[Atom]) -> str:
    literal = atom_literal(atoms[0]) if len(atoms) == 1 else None
    if literal is not None:
        return f"({q} ?{q}&{literal})"
    return f"({q} ?{q}{_constraint([atom_test(atom, f'?{q}') for atom in atoms])})"


def _any(tests: list[str]) -> str:
    return tests[0] if len(tests) == 1 else f"(or {' '.join(tests)})"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compile_clips(kb: KnowledgeBase) -> list[str]:
    """The CLIPS constructs for a knowledge base, in build order."""
    slots = " ".join(f"(slot {q.id} (default MISSING))" for q in kb.questions)
    constructs = [
        f"(deftemplate answers {slots})",
        "(deftemplate finding (slot name))",
        "(deftemplate derived (slot name) (slot value))",
    ]
    for rank, rule in enumerate(kb.rules):
        for alt, group in enumerate(expand_unsure(rule, kb.red_flags)):
            constructs.append(_defrule(kb, rank, rule.id, alt, group, rule.finding, rule.compute))
    return constructs


def _defrule(
    kb: KnowledgeBase,
    rank: int,
    rule_id: str,
    alt: int,
    group: tuple[Atom, ...],
    finding: str | None,
    compute: str | None,
) -> str:
    slot_atoms: dict[str, list[Atom]] = {}
    patterns: list[str] = []
    for i, atom in enumerate(group):
        if atom.kind == "answer":
            slot_atoms.setdefault(atom.subject, []).append(atom)
        elif atom.kind == "finding":
            patterns.append(f"(finding (name {clips_value(atom.subject)}))")
        elif atom.kind == "derived":
            patterns.append(f"(derived (name {clips_value(atom.subject)}) (value ?d{i}&:{atom_test(atom, f'?d{i}')}))")
    needs = set(slot_atoms) | ({"weight_kg", "height_cm"} if compute else set())
    if needs:
        slots = " ".join(_slot(q, slot_atoms[q]) if q in slot_atoms else f"({q} ?{q})" for q in sorted(needs))
        patterns.insert(0, f"(answers {slots})")
    actions = [f"(py-fired {clips_value(rule_id)} {alt})"]
    if finding:
        actions.append(f"(assert (finding (name {clips_value(finding)})))")
    if compute:
        actions.append(f"(bind ?value (py-compute {clips_value(compute)} ?weight_kg ?height_cm))")
        actions.append(f"(if (neq ?value FALSE) then (assert (derived (name {clips_value(compute)}) (value ?value))))")
    return f"(defrule r{rank:04d}-{alt} (declare (salience {-rank})) {' '.join(patterns)} => {' '.join(actions)})"


def _constraint(tests: list[str]) -> str:
    if not tests:
        return ""
    return f"&:{tests[0]}" if len(tests) == 1 else f"&:(and {' '.join(tests)})"


@dataclass(frozen=True)
class ClipsResult:
    disposition: str
    fired: tuple[str, ...]  # rule ids, in knowledge-base order
    findings: tuple[str, ...]


def _compute(name: str, weight: Any, height: Any) -> Any:
    try:
        return FORMULAS[name]({"weight_kg": weight, "height_cm": height})
    except (KeyError, ArithmeticError, ValueError, TypeError):
        return False  # as the experta engine: no value, no derived fact


class ClipsEngine:
    """One CLIPS environment for a knowledge base; ``assess`` resets it per case.

    clipspy keeps a wrapper per fact it has seen, which slows it down over thousands of
    cases, so the environment is rebuilt every ``rebuild_every`` cases.
    """

    def __init__(self, kb: KnowledgeBase, rebuild_every: int = 250) -> None:
        self.kb = kb
        self.constructs = compile_clips(kb)
        self.rebuild_every = rebuild_every
        self._fired: set[str] = set()
        self._order = {rule.id: i for i, rule in enumerate(kb.rules)}
        self._floors = {rule.id: rule.floor for rule in kb.rules}
        self._findings = {rule.id: rule.finding for rule in kb.rules}
        self._build()

    def _build(self) -> None:
        import clips

        self.env = clips.Environment()
        self.env.define_function(lambda rule_id, alt: self._fired.add(str(rule_id)), name="py-fired")
        self.env.define_function(_compute, name="py-compute")
        for construct in self.constructs:
            self.env.build(construct)
        self._answers = self.env.find_template("answers")  # assert_fact: ~10x quicker than assert_string
        symbols = {None: clips.Symbol("UNSURE"), True: clips.Symbol("TRUE"), False: clips.Symbol("FALSE")}
        self._to_clips = lambda v: symbols[v] if v is None or isinstance(v, bool) else v
        self._runs = 0

    def assess(self, answers: Mapping[str, Any]) -> ClipsResult:
        """Run valid answers (as validate() returns them) through CLIPS."""
        if self._runs >= self.rebuild_every:
            self._build()
        self._runs += 1
        self._fired = set()
        self.env.reset()
        self._answers.assert_fact(**{q: self._to_clips(v) for q, v in answers.items()})
        self.env.run()
        fired = tuple(sorted(self._fired, key=self._order.__getitem__))
        rank = max((self.kb.disposition_by_id[f].rank for r in fired if (f := self._floors[r])), default=0)
        findings = tuple(dict.fromkeys(f for r in fired if (f := self._findings[r])))
        return ClipsResult(self.kb.dispositions[rank].id, fired, findings)
