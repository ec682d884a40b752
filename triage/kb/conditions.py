"""Conditions: the small vocabulary rules and asked-when clauses are written in.

A condition is a list of alternatives; each alternative is a list of atoms that must all
hold. An atom tests one answer, one finding or one derived value. The same atom gives the
predicate that the experta patterns use and the plain-Python check the questionnaire
uses for asked-when, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

NUMERIC_TESTS = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}
VALUE_TESTS = ("is", "in", "not_in", *NUMERIC_TESTS, "present", "unsure")
SUBJECTS = ("q", "finding", "derived", "red_flag")


class ConditionError(ValueError):
    """A condition in the knowledge base is malformed."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Atom(NamedTuple):  # a NamedTuple for a quick start, as the records in records.py
    """One test. kind: answer | finding | derived | red_flag_unsure."""

    kind: str
    subject: str
    test: str = "present"
    operand: Any = None
    or_unsure: bool = False

    def accepts(self, value: Any) -> bool:
        """Does this value pass the test? Total: never raises, whatever it is given."""
        try:
            if value is None:
                return self.test == "unsure" or self.or_unsure
            return self._accepts_known(value)
        except Exception:  # experta may hand us anything; a crash is a miss
            return False

    def _accepts_known(self, value: Any) -> bool:
        test, operand = self.test, self.operand
        if test == "present":
            return True
        if test == "unsure":
            return False
        if test == "is":
            if isinstance(operand, bool) or isinstance(value, bool):
                return value is operand
            return value == operand
        if test == "in":
            return isinstance(value, str) and value in operand
        if test == "not_in":
            return not (isinstance(value, str) and value in operand)
        if not (_is_number(value) and _is_number(operand)):
            return False
        if test == "at_least":
            return value >= operand
        if test == "at_most":
            return value <= operand
        if test == "above":
            return value > operand
        if test == "below":
            return value < operand
        return False

    def holds_in(self, answers: Mapping[str, Any]) -> bool:
        """Plain-Python check against an answers dict (used for asked-when)."""
        if self.kind != "answer":
            return False
        if self.subject not in answers:
            # "not one of" holds when the question was left out (answers.md: a left-out sex
            # counts as not male); every other test needs an answer.
            return self.test == "not_in"
        return self.accepts(answers[self.subject])

    def describe(self) -> str:
        """Plain words, for messages and explanations."""
        if self.kind == "finding":
            return f"finding {self.subject}"
        if self.kind == "red_flag_unsure":
            return "any red-flag question answered 'not sure'"
        test, operand = self.test, self.operand
        if test == "present":
            text = f"{self.subject} is answered"
        elif test == "unsure":
            text = f"{self.subject} is 'not sure'"
        elif test == "is":
            text = f"{self.subject} is {_word(operand)}"
        elif test == "in":
            text = f"{self.subject} is " + " or ".join(sorted(operand))
        elif test == "not_in":
            text = f"{self.subject} is not " + " or ".join(sorted(operand)) + " (or left out)"
        else:
            text = f"{self.subject} {NUMERIC_TESTS[test]} {_word(operand)}"
        return text + (" (or 'not sure')" if self.or_unsure else "")


def _word(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Condition = tuple[tuple[Atom, ...], ...]


def parse_atom(table: Mapping[str, Any]) -> Atom:
    """Build an atom from its TOML table, e.g. ``{ q = "age", at_least = 55 }``."""
    subjects = [key for key in SUBJECTS if key in table]
    tests = [key for key in VALUE_TESTS if key in table]
    unknown = set(table) - set(SUBJECTS) - set(VALUE_TESTS) - {"or_unsure"}
    if unknown:
        raise ConditionError(f"unknown key(s) {sorted(unknown)} in condition {dict(table)}")
    if len(subjects) != 1:
        raise ConditionError(f"a condition names exactly one of q, finding, derived, red_flag: {dict(table)}")
    subject = subjects[0]
    if subject == "finding":
        if tests:
            raise ConditionError(f"a finding condition takes no test: {dict(table)}")
        return Atom("finding", str(table["finding"]))
    if subject == "red_flag":
        if table["red_flag"] != "unsure" or tests:
            raise ConditionError(f'the only red_flag condition is red_flag = "unsure": {dict(table)}')
        return Atom("red_flag_unsure", "", "unsure")
    if len(tests) > 1:
        raise ConditionError(f"a condition has at most one test: {dict(table)}")
    test = tests[0] if tests else "present"
    operand = table.get(test)
    if test in ("in", "not_in"):
        if not isinstance(operand, list) or not all(isinstance(v, str) for v in operand):
            raise ConditionError(f"'in' takes a list of strings: {dict(table)}")
        operand = frozenset(operand)
    elif test in NUMERIC_TESTS and not _is_number(operand):
        raise ConditionError(f"'{test}' takes a number: {dict(table)}")
    elif test in ("present", "unsure"):
        if operand not in (True, None):
            raise ConditionError(f"'{test}' takes only true: {dict(table)}")
        operand = None
    kind = "answer" if subject == "q" else "derived"
    return Atom(kind, str(table[subject]), test, operand, bool(table.get("or_unsure", False)))


def parse_condition(table: Mapping[str, Any], key: str) -> Condition:
    """Read ``key`` (all of) or ``key_any`` (any of several all-of groups) from a table."""
    all_of, any_of = table.get(key), table.get(f"{key}_any")
    if all_of is not None and any_of is not None:
        raise ConditionError(f"use either {key} or {key}_any, not both")
    if all_of is not None:
        groups = [all_of]
    elif any_of is not None:
        groups = any_of
    else:
        return ()
    if not isinstance(groups, list) or not all(isinstance(g, list) and g for g in groups):
        raise ConditionError(f"{key}: expected a non-empty list of conditions")
    return tuple(tuple(parse_atom(atom) for atom in group) for group in groups)


def condition_holds(condition: Condition, answers: Mapping[str, Any]) -> bool:
    """True when any alternative holds in full; an empty condition always holds."""
    if not condition:
        return True
    return any(all(atom.holds_in(answers) for atom in group) for group in condition)


def describe_condition(condition: Condition) -> str:
    return ", or ".join(" and ".join(atom.describe() for atom in group) for group in condition)
