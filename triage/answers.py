"""Answers files (format 1): parse and validate exactly as docs/answers.md says.

Every problem is collected and reported at once. Answers to questions that are not asked
(their asked-when condition is false) are dropped with a warning; the engine only ever
sees answers to questions that were asked.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import reprlib
from collections.abc import Mapping
from typing import Any, NamedTuple

from .kb.conditions import condition_holds, describe_condition
from .kb.records import KnowledgeBase, Question

MAX_PROBLEMS = 50  # listed; a hostile file can have 100,000 (the rest are counted)
MAX_SHOWN = 60  # characters of a value or key echoed in a message


class AnswersError(ValueError):
    """The answers are invalid; ``problems`` lists the problems, one line each (at most
    MAX_PROBLEMS of them, then a line counting the rest)."""

    def __init__(self, problems: list[str], missing: tuple[str, ...] = ()):
        problems = bounded(problems)
        super().__init__("; ".join(problems))
        self.problems = problems
        # Required questions with no answer, by id: said in plain words by ``how_to_finish``.
        self.missing = missing


def how_to_finish(kb: KnowledgeBase, missing: tuple[str, ...], ask: str = "triage ask --answers FILE") -> list[str]:
    """The missing answers as the questions a person reads, then how to finish the file:
    ``ask`` (``triage ask --answers FILE``) asks only those (docs/answers.md). Empty when none."""
    if not missing or not all(key in kb.wording for key in ("missing_answers", "finish_answers")):
        return []
    questions = [f"- {kb.question_by_id[q].text}" for q in missing if q in kb.question_by_id]
    return [kb.wording["missing_answers"], *questions, kb.wording["finish_answers"].format(ask=ask)]


def bounded(problems: list[str]) -> list[str]:
    """At most MAX_PROBLEMS problems, then "and N more problems". Bounding twice changes nothing."""
    if len(problems) <= MAX_PROBLEMS or (len(problems) == MAX_PROBLEMS + 1 and _COUNTED.fullmatch(problems[-1])):
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], f"and {rest:,} more problem{'s' if rest > 1 else ''}"]


_COUNTED = re.compile(r"and [\d,]+ more problems?")


class ValidAnswers(NamedTuple):
    answers: dict[str, Any]  # only questions that were asked, with typed values
    warnings: tuple[str, ...]


def parse_json(text: str) -> Any:
    """Parse an answers file; invalid JSON and duplicate keys are AnswersError."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise AnswersError([f"{shown_key(key)}: given more than once"])  # bounded, escaped
            seen[key] = value
        return seen

    try:
        if _too_deep(text):
            raise RecursionError
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=_reject_constant, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise AnswersError([f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]) from None
    except RecursionError:
        raise AnswersError(["invalid answers: nested too deeply (an answers file is one flat object)"]) from None


# Our own limit on nesting: Python's json module stops near its recursion limit up to 3.12,
# but parses 5,000 levels and more from 3.13. An answers file is flat; a FHIR
# QuestionnaireResponse with its contained Questionnaire nests about a dozen levels.
MAX_DEPTH = 200
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r"[^()]+")
_BRACKETS = str.maketrans({"[": "(", "{": "(", "]": ")", "}": ")"})
_DEPTH_STEP = {"(": 1, ")": -1}


def _too_deep(text: str) -> bool:
    """Whether JSON text nests more than MAX_DEPTH arrays and objects (strings left out).
    Linear, and in C for all but the brackets themselves."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False  # the usual case: not even that many brackets
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text).translate(_BRACKETS))
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH


MAX_DIGITS = 100  # no answer needs more; Python refuses to read ints of 4,301+ digits anyway


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise AnswersError([f"invalid JSON: a number of {len(digits):,} digits"])
    return int(digits)


CASE_KEYS = frozenset({"id", "description", "expected", "urgency", "reason", "answers"})


def unwrap_case(raw: Any) -> Any:
    """A patient-case file ({"id", "description", "answers": {...}, "expected", ...}) gives its answers."""
    # "expected" marks a case file even with keys of the corpus owner's (tags, notes, source).
    if isinstance(raw, dict) and isinstance(raw.get("answers"), dict) and (set(raw) <= CASE_KEYS or "expected" in raw):
        return raw["answers"]
    return raw


def _reject_constant(name: str) -> Any:
    raise AnswersError([f"invalid JSON: {name} is not a number"])


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as it is echoed in a message: JSON-like, one line, at most ``limit`` characters,
    with control characters, lone surrogates and other unprintables escaped (a file must not
    be able to send escape sequences to a terminal). Total: never raises."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):  # not JSON (bytes, a set...), a huge int, deep nesting
        text = _python_value(value)
    pieces: list[str] = []
    length = 0
    for char in text:  # escape only as much as is shown: a value can be megabytes long
        pieces.append(char if char.isprintable() else _escaped(char))
        length += len(pieces[-1])
        if length > limit:
            break
    else:
        return "".join(pieces)
    while length > limit - 1:  # room for the ellipsis, never cutting one of our escapes
        length -= len(pieces.pop())
    return "".join(pieces) + "…"


def printable(text: str, limit: int = 200) -> str:
    """Text from a file (a case id, a file name) as it is shown on a terminal or in XML: control
    characters, lone surrogates and other unprintables escaped, at most ``limit`` characters."""
    if text.isprintable() and len(text) <= limit:
        return text
    pieces = [char if char.isprintable() else _escaped(char) for char in text[: limit + 1]]
    out = "".join(pieces)
    return out if len(text) <= limit and len(out) <= limit else out[: limit - 1] + "…"


def _escaped(char: str) -> str:
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def _python_value(value: Any) -> str:
    if isinstance(value, int):
        return f"a whole number of {value.bit_length():,} bits"
    try:
        return reprlib.repr(value)
    except Exception:  # a hostile __repr__ must not turn a validation message into a crash
        return f"a {type(value).__name__} value"


def shown_key(key: Any) -> str:
    """A key or id as echoed: as typed if it is short plain text, else bounded and escaped like a value."""
    if isinstance(key, str) and key.isprintable() and len(key) <= MAX_SHOWN:
        return key
    return shown(key)


def check_value(question: Question, value: Any) -> tuple[Any, str | None]:
    """Type and range check of one answer. Returns (typed value, problem or None)."""
    qid = question.id
    if value is None:
        if question.allows_unsure:
            return None, None
        return None, (
            f"{qid}: null ('not sure') is only allowed on red-flag and history questions; "
            "leave the question out instead"
        )
    kind = question.type
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        return None, f"{qid}: expected true or false, got {shown(value)}"
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, f"{qid}: expected a number, got {shown(value)}"
        if isinstance(value, float) and not math.isfinite(value):
            return None, f"{qid}: expected a finite number"
        if isinstance(value, int) and abs(value) >= 10**MAX_DIGITS:
            return None, f"{qid}: {shown(value)} is far too large"
        if kind == "integer":
            if isinstance(value, float) and not value.is_integer():
                return None, f"{qid}: {value} is not a whole number"
            value = int(value)
        if question.min is not None and value < question.min:
            adults = " (this tool is for adults)" if qid == "age" else ""
            return None, f"{qid}: {value} is below the minimum {_num(question.min)}{adults}"
        if question.max is not None and value > question.max:
            return None, f"{qid}: {value} is above the maximum {_num(question.max)}"
        return value, None
    if kind == "choice":
        if isinstance(value, str) and value in question.choice_values:
            return value, None
        return None, f"{qid}: {shown(value)} is not one of {', '.join(question.choice_values)}"
    if kind == "string":
        if not isinstance(value, str):
            return None, f"{qid}: expected text, got {shown(value)}"
        if question.min_length is not None and len(value) < question.min_length:
            return None, f"{qid}: must be at least {question.min_length} character(s) long"
        if question.max_length is not None and len(value) > question.max_length:
            return None, f"{qid}: is {len(value)} characters long; the maximum is {question.max_length}"
        if any("\ud800" <= c <= "\udfff" for c in value):
            return None, f"{qid}: {shown(value)} holds a character that is not valid text (a lone surrogate)"
        return value, None
    return None, f"{qid}: unknown question type {kind!r}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def asked_questions(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[Question]:
    """The questions asked, in order, given (valid) answers to earlier questions."""
    asked: dict[str, Any] = {}
    result = []
    for question in kb.questions:
        if condition_holds(question.asked_when, asked):
            result.append(question)
            if question.id in answers:
                asked[question.id] = answers[question.id]
    return result


def missing_required(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[Question]:
    """Required questions that are asked, given (valid) answers, but not answered."""
    return [q for q in asked_questions(kb, answers) if q.required and q.id not in answers]


def validate(raw: Any, kb: KnowledgeBase, *, partial: bool = False) -> ValidAnswers:
    """Validate an answers object. ``partial`` skips "required" (for a questionnaire in progress)."""
    if not isinstance(raw, dict):
        raise AnswersError([f"an answers file is one JSON object {{...}}, not {type(raw).__name__}"])
    problems: list[str] = []
    warnings: list[str] = []
    known = kb.question_by_id
    unknown = [key for key in raw if key not in known]
    if unknown:
        import difflib  # only for the "did you mean" hint
    for key in unknown[:MAX_PROBLEMS]:  # a suggestion costs ~0.2 ms; 100,000 of them took 20 s
        close = difflib.get_close_matches(key, known, n=1) if isinstance(key, str) and len(key) < 100 else []
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(f"{shown_key(key)}: unknown question{hint}")
    problems += [f"{shown_key(key)}: unknown question" for key in unknown[MAX_PROBLEMS:]]

    typed: dict[str, Any] = {}
    invalid: set[str] = set()
    for question in kb.questions:
        if question.id in raw:
            value, problem = check_value(question, raw[question.id])
            if problem:
                problems.append(problem)
                invalid.add(question.id)
            else:
                typed[question.id] = value

    asked: dict[str, Any] = {}
    needed: set[str] = set()
    for question in kb.questions:
        if invalid and {atom.subject for group in question.asked_when for atom in group} & invalid:
            continue  # its condition rests on an invalid answer, already reported
        if not condition_holds(question.asked_when, asked):
            if question.id in raw and question.id not in invalid:
                warnings.append(
                    f"{question.id}: not asked (only when {describe_condition(question.asked_when)}); answer ignored"
                )
            continue
        if question.id in typed:
            asked[question.id] = typed[question.id]
        elif question.required and question.id not in raw and not partial:
            when = f" when {describe_condition(question.asked_when)}" if question.asked_when else ""
            problems.append(f"{question.id}: required{when}")
            needed.add(question.id)

    if ("height_cm" in asked) != ("weight_kg" in asked):
        warnings.append("BMI not worked out: it needs both height_cm and weight_kg")
    if problems:
        missing = tuple(q.id for q in kb.questions if q.required and q.id not in raw and q.id in needed)
        raise AnswersError(problems, missing)
    return ValidAnswers(asked, tuple(warnings))
