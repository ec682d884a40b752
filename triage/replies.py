"""One typed line read as a reply to one question (``triage ask`` on a terminal). Pure: no
input, no output.

``?`` asks for the question's help, ``<`` goes back. Yes/no: ``y``/``n``. Choices: the
number, the value or the label. Numbers: digits. Red-flag questions have no default: an
empty line asks again, and "not sure" (``s``) is an explicit answer, saved as ``null``.
Optional questions: an empty line skips. Free text: anything except a lone ``?`` or ``<``.
Every value is then checked with ``answers.check_value``, as in an answers file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .answers import check_value
from .kb.records import Question
from .units import FORMS, LENGTH, as_imperial
from .units import read as read_measure

BACK = "<"
HELP = "?"
NOT_SURE_WORDS = frozenset({"s", "not sure", "notsure", "unsure", "not-sure", "don't know", "dont know", "dk"})
YES_WORDS = frozenset({"y", "yes"})
NO_WORDS = frozenset({"n", "no"})


@dataclass(frozen=True)
class Reply:
    """What one typed line means for one question."""

    kind: str  # answer | skip | help | back | invalid | too-young
    value: Any = None
    message: str = ""
    note: str = ""  # what a height or weight in other units was read as ("5 ft 4 in = 163 cm")


def number_words(question: Question) -> str:
    """ "a whole number from 18 to 120": what a number question takes, in words."""
    whole = "a whole number" if question.type == "integer" else "a number"
    if question.min is not None and question.max is not None:
        return f"{whole} from {_num(question.min)} to {_num(question.max)}"
    return whole


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _not_sure_hint(question: Question) -> str:
    return ", or s if you are not sure" if question.allows_unsure else ""


_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_reply(question: Question, text: str, unit: str | None = None) -> Reply:
    """Read one typed line as a reply to ``question``. Pure: no input, no output. ``unit``
    (length or mass: the knowledge base's ``units``) accepts the other units people use."""
    typed = text.strip()
    lowered = " ".join(typed.lower().replace("’", "'").split())
    if typed == HELP:
        return Reply("help")
    if typed == BACK:
        return Reply("back")
    if not typed:
        if question.required:
            extra = " If you are not sure, type s." if question.allows_unsure else ""
            return Reply("invalid", message=f"This question needs an answer.{extra}")
        return Reply("skip")
    if question.allows_unsure and lowered in NOT_SURE_WORDS:
        return Reply("answer", None)

    kind = question.type
    value: Any
    if unit is not None and kind in ("integer", "number"):
        return _measure(question, typed, unit)
    if kind == "boolean":
        if lowered in YES_WORDS:
            value = True
        elif lowered in NO_WORDS:
            value = False
        else:
            return Reply("invalid", message=f"Please type y for yes or n for no{_not_sure_hint(question)}.")
    elif kind == "integer":
        if not _INTEGER.fullmatch(typed):
            return Reply("invalid", message=f"Please type {number_words(question)}{_not_sure_hint(question)}.")
        value = int(typed)
        if question.id == "age" and question.min is not None and 0 <= value < question.min:
            return Reply("too-young", value)
    elif kind == "number":
        if not _NUMBER.fullmatch(typed):
            return Reply("invalid", message=f"Please type {number_words(question)}{_not_sure_hint(question)}.")
        number = float(typed)
        value = int(number) if number.is_integer() else number
    elif kind == "choice":
        found = _choice(question, lowered)
        if found is None:
            return Reply(
                "invalid",
                message=f"Please type a number from 1 to {len(question.choices)}{_not_sure_hint(question)}.",
            )
        value = found
    else:  # string
        value = typed

    value, problem = check_value(question, value)
    if problem:
        if kind in ("integer", "number"):
            return Reply("invalid", message=f"Please type {number_words(question)}.")
        message = _without_id(question, problem)
        return Reply("invalid", message=message[:1].upper() + message[1:] + ".")
    return Reply("answer", value)


def _measure(question: Question, typed: str, unit: str) -> Reply:
    """A height or weight in any accepted unit, checked in the stored (metric) unit."""
    reading = read_measure(unit, typed)
    if reading.value is None:
        return Reply("invalid", message=reading.shown)
    value, problem = check_value(question, reading.value)
    if problem:
        metric = "cm" if unit == LENGTH else "kg"
        low, high = question.min, question.max
        span = (
            f" from {_num(low)} to {_num(high)} {metric} ({as_imperial(unit, low)} to {as_imperial(unit, high)})"
            if low is not None and high is not None
            else ""
        )
        what = "height" if unit == LENGTH else "weight"
        return Reply("invalid", message=f"{reading.shown}: please type a {what}{span}, in {FORMS[unit]}.")
    changed = "=" in reading.shown or "," in typed or not _NUMBER.fullmatch(typed)
    return Reply("answer", value, note=reading.shown if changed else "")


def _choice(question: Question, lowered: str) -> str | None:
    if lowered.isdigit() and 1 <= int(lowered) <= len(question.choices):
        return question.choices[int(lowered) - 1][0]
    for value, label in question.choices:
        if lowered in (value.lower(), label.lower()):
            return value
    return None


def _without_id(question: Question, problem: str) -> str:
    prefix = f"{question.id}: "
    return problem[len(prefix) :] if problem.startswith(prefix) else problem
