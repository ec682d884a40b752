"""Fuzzing the library's input side (issue #10): whatever it is given, ``parse_json`` and
``validate`` either accept it or raise AnswersError, with bounded, printable messages.

The values go beyond JSON on purpose (library callers can pass any Python object): bytes,
sets, complex numbers, huge integers, lone surrogates, non-string keys, and nesting far
deeper than the recursion limit. The ``thorough`` profile runs 100,000 inputs per test
(``pytest tests/test_hardening_fuzz.py --hypothesis-profile thorough``; figures in README).
"""

from __future__ import annotations

import json
import math
from typing import Any

from helpers import base_answers
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.answers import AnswersError, parse_json, validate
from triage.assessment import assess
from triage.kb.load import load_knowledge_base

KB = load_knowledge_base()
QUESTION_IDS = [q.id for q in KB.questions]
EXAMPLES = 100_000 if settings.get_current_profile_name() == "thorough" else settings.default.max_examples
MAX_PROBLEMS = 50  # listed, then one line counting the rest
MAX_LINE = 400  # characters in one problem line: a question id, a short echoed value, some words


def nested(depth: int, leaf: Any, kind: str) -> Any:
    """``leaf`` inside ``depth`` lists or dicts, built without recursion."""
    for _ in range(depth):
        leaf = [leaf] if kind == "list" else {"a": leaf}
    return leaf


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=4000, max_value=20_000).map(lambda digits: 10**digits),  # beyond int-str limits
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Cf"]), max_size=5),  # surrogates, escapes
    st.sampled_from(["yes", "no", "true", "1", "", "unsure", "not sure", "\ud800", "\x1b[31m"]),
    st.binary(max_size=10),
    st.complex_numbers(allow_nan=True),
    st.frozensets(st.integers(), max_size=3),
    st.sets(st.text(max_size=3), max_size=3),
)
values = st.one_of(
    st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.tuples(inner, inner),
            st.dictionaries(st.text(max_size=5), inner, max_size=3),
        ),
        max_leaves=8,
    ),
    st.builds(nested, st.integers(500, 3000), scalars, st.sampled_from(["list", "dict"])),  # deep nesting
    st.integers(0, 5).map(lambda n: [0] * (10**n)),  # long lists
    st.integers(1, 6).map(lambda n: "x" * (10**n)),  # long strings
)
keys = st.one_of(
    st.sampled_from(QUESTION_IDS),
    st.text(max_size=12),
    st.integers(),
    st.binary(max_size=4),
    st.tuples(st.integers(), st.text(max_size=2)),
    st.none(),
    st.sampled_from(["\x1b]0;title\x07", "\ud800", "ag", "Age", " age"]),
)
# Mostly a valid answers object with some answers changed, added or removed, so the checks
# after the first failing one are reached too; sometimes something that is not an object at all.
answer_objects = st.one_of(
    st.builds(
        lambda base, changes, dropped: {k: v for k, v in {**base, **changes}.items() if k not in dropped},
        st.just(base_answers()),
        st.dictionaries(keys, values, max_size=6),
        st.sets(st.sampled_from(QUESTION_IDS), max_size=4),
    ),
    st.dictionaries(keys, values, max_size=10),
    values,
)


def assert_good_error(error: AnswersError) -> None:
    assert 1 <= len(error.problems) <= MAX_PROBLEMS + 1
    for line in error.problems:
        assert isinstance(line, str) and 0 < len(line) <= MAX_LINE, line[:200]
        line.encode("utf-8")  # no lone surrogate: printing it cannot fail
        assert line.isprintable(), line  # no escape sequence reaches a terminal


@settings(max_examples=EXAMPLES)
@given(answer_objects)
def test_validate_accepts_or_raises_answers_error(raw: Any) -> None:
    try:
        valid = validate(raw, KB)
    except AnswersError as error:
        assert_good_error(error)
        return
    assessment = assess(valid.answers, kb=KB)  # what validates can be assessed
    assert 0 <= assessment.urgency <= 4
    json.dumps(assessment.to_dict(), ensure_ascii=False).encode("utf-8")


json_texts = st.one_of(
    st.text(max_size=60),
    st.builds(json.dumps, st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=5), st.lists)),
    st.integers(1, 6000).map(lambda n: '{"age": ' + "1" * n + "}"),  # huge numbers
    st.integers(1, 6000).map(lambda n: '{"age": ' + "[" * n + "]" * n + "}"),  # deep nesting
    st.integers(1, 6000).map(lambda n: "[" * n),  # deep and unterminated
    st.builds(
        lambda a, b: '{"age": ' + a + "e" + b + "}",
        st.from_regex(r"-?\d{1,400}", fullmatch=True),
        st.from_regex(r"-?\d{1,6}", fullmatch=True),
    ),
    st.sampled_from(['{"a": NaN}', '{"a": Infinity}', '{"a": 1, "a": 2}', "\ufeff{}", '{"\\ud800": 1}']),
)


@settings(max_examples=EXAMPLES)
@given(json_texts)
def test_parse_json_accepts_or_raises_answers_error(text: str) -> None:
    try:
        raw = parse_json(text)
    except AnswersError as error:
        assert_good_error(error)
        return
    try:
        validate(raw, KB)
    except AnswersError as error:
        assert_good_error(error)


def test_the_values_the_audit_found() -> None:
    deep_list = nested(100_000, 1, "list")
    for value in (b"40", {40}, frozenset({40}), 40j, deep_list, 10**5000, -(10**5000), math.nan, "\ud800", [0] * 10**6):
        for question in ("age", "name", "locking", "injury", "height_cm"):
            try:
                validate({**base_answers(), question: value}, KB)
            except AnswersError as error:
                assert_good_error(error)
            else:
                raise AssertionError(f"{question} = {value!r:.40} was accepted")
    for key in (b"age", 40, ("age",), None, "\ud800", "\x1b[2J", "k" * 10**6):
        try:
            validate({**base_answers(), key: 1}, KB)
        except AnswersError as error:
            assert_good_error(error)
        else:
            raise AssertionError(f"key {key!r:.40} was accepted")
