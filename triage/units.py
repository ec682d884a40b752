"""Height and weight typed in the units people use, read as the metric value the knowledge base
stores (cm, kg). Pure: no input, no output; shared by the terminal and (when it wants) the web.

Height: ``163``, ``163 cm``, ``163,5cm``, ``1.63 m`` (or a bare ``1.63``), ``5ft 4``, ``5 ft 4 in``,
``5' 4"``, ``5'4``, ``5 feet 4 inches``, ``5 ft``, ``64 in``. Weight: ``70``, ``70 kg``,
``70,5``, ``11 st 4 lb``, ``11 stone 4``, ``11 st``, ``154 lb``, ``154 pounds``. A decimal comma
is read as a point. A bare number is in the question's own unit (cm, kg), except a height
from 1 to 2.5, which can only be metres. Every reading says what it understood
(``"5 ft 4 in = 163 cm"``), so a slip shows before it is saved.

Which question takes which kind is data: ``[question_units]`` in rules/screens.toml.
"""

from __future__ import annotations

import re
from typing import NamedTuple

CM_PER_INCH = 2.54
KG_PER_POUND = 0.45359237
POUNDS_PER_STONE = 14
LENGTH = "length"
MASS = "mass"

_NUM = r"(\d+(?:[.,]\d+)?|[.,]\d+)"
_SPACE = r"\s*"
_HEIGHT_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("cm", rf"{_NUM}{_SPACE}(?:cm|cms|centimet(?:er|re)s?)?"),
        ("m", rf"{_NUM}{_SPACE}(?:m|metres?|meters?)"),
        (
            "ft-in",
            rf"{_NUM}{_SPACE}(?:ft|feet|foot|'|’){_SPACE}(?:{_NUM}{_SPACE}(?:in|ins|inch|inches|\"|''|”|’’)?)?",
        ),
        ("in", rf"{_NUM}{_SPACE}(?:in|ins|inch|inches|\"|''|”)"),
    )
)
_WEIGHT_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("kg", rf"{_NUM}{_SPACE}(?:kg|kgs|kilos?|kilograms?|kilogrammes?)?"),
        ("st-lb", rf"{_NUM}{_SPACE}(?:st|stone|stones){_SPACE}(?:{_NUM}{_SPACE}(?:lb|lbs|pounds?)?)?"),
        ("lb", rf"{_NUM}{_SPACE}(?:lb|lbs|pounds?)"),
    )
)
FORMS = {
    LENGTH: "cm (163), metres (1.63 m) or feet and inches (5 ft 4)",
    MASS: "kg (70.5), stones and pounds (11 st 4 lb) or pounds (154 lb)",
}

HINTS = {LENGTH: "163 cm, 1.63 m or 5 ft 4", MASS: "70.5 kg, 11 st 4 lb or 154 lb"}  # the short prompt


class Reading(NamedTuple):
    """What a typed height or weight means: the metric value, and the sentence that says so."""

    value: float | None  # cm or kg; None when the text was not understood
    shown: str  # "5 ft 4 in = 163 cm", or the problem


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _tidy(value: float) -> float | int:
    rounded = round(float(value), 1)
    return int(rounded) if rounded.is_integer() else rounded


def _fmt(value: float) -> str:
    return str(_tidy(value))


def read_length(text: str) -> Reading:
    """A height, in cm. ``value`` is None (with the accepted forms) when it is not one."""
    typed = " ".join(text.strip().split())
    for name, pattern in _HEIGHT_FORMS:
        match = pattern.fullmatch(typed)
        if match is None:
            continue
        first = _number(match.group(1))
        if name == "cm":
            if 1 <= first <= 2.5:  # no adult is 2.5 cm tall: metres
                return Reading(_tidy(first * 100), f"{first:g} m = {_fmt(first * 100)} cm")
            return Reading(_tidy(first), f"{_fmt(first)} cm")
        if name == "m":
            return Reading(_tidy(first * 100), f"{first:g} m = {_fmt(first * 100)} cm")
        extra = _number(match.group(2)) if name == "ft-in" and match.group(2) else 0
        if extra >= 12:
            return Reading(None, f"There are 12 inches in a foot. Please type your height in {FORMS[LENGTH]}.")
        inches = first if name == "in" else first * 12 + extra
        cm = round(inches * CM_PER_INCH)
        feet, rest = divmod(inches, 12)
        said = f"{_fmt(feet)} ft {_fmt(rest)} in" if name == "ft-in" else f"{_fmt(inches)} in"
        return Reading(cm, f"{said} = {cm} cm")
    return Reading(None, f"Please type your height in {FORMS[LENGTH]}.")


def read_mass(text: str) -> Reading:
    """A weight, in kg. ``value`` is None (with the accepted forms) when it is not one."""
    typed = " ".join(text.strip().split())
    for name, pattern in _WEIGHT_FORMS:
        match = pattern.fullmatch(typed)
        if match is None:
            continue
        first = _number(match.group(1))
        if name == "kg":
            return Reading(_tidy(first), f"{_fmt(first)} kg")
        if name == "lb":
            kg = _tidy(first * KG_PER_POUND)
            return Reading(kg, f"{_fmt(first)} lb = {_fmt(kg)} kg")
        pounds = _number(match.group(2)) if match.group(2) else 0
        if pounds >= POUNDS_PER_STONE:
            return Reading(None, f"There are 14 pounds in a stone. Please type your weight in {FORMS[MASS]}.")
        kg = _tidy((first * POUNDS_PER_STONE + pounds) * KG_PER_POUND)
        return Reading(kg, f"{_fmt(first)} st {_fmt(pounds)} lb = {_fmt(kg)} kg")
    return Reading(None, f"Please type your weight in {FORMS[MASS]}.")


READERS = {LENGTH: read_length, MASS: read_mass}


def read(kind: str, text: str) -> Reading:
    return READERS[kind](text)


def as_imperial(kind: str, value: float) -> str:
    """The metric value in the other units ("5 ft 4 in", "11 st 4 lb"), for ranges and round trips."""
    if kind == LENGTH:
        inches = round(value / CM_PER_INCH)
        return f"{inches // 12} ft {inches % 12} in"
    pounds = round(value / KG_PER_POUND)
    return f"{pounds // POUNDS_PER_STONE} st {pounds % POUNDS_PER_STONE} lb"
