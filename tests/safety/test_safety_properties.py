"""The safety properties of ../shared/spec/safety.md, checked with hypothesis against the
real knowledge base and the real experta engine (properties 1 to 8, and 11 to 14 of
knowledge base 1.2; 9 and 10 need the HTML report: test_report_properties.py, and 9's safety
net is checked here with 11).

Run more examples with ``pytest tests/safety --hypothesis-profile thorough``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from safety_support import (
    BACKGROUNDS,
    RED_FLAG_NO,
    RED_FLAG_POSITIVE,
    RED_FLAG_QUESTIONS,
    answer_sets,
    answers_with_unsure,
    any_answers,
    citation_problems,
    normalise,
    value_strategy,
    violations_backward_walking,
    violations_contradictions,
    violations_deterministic,
    violations_history,
    violations_monotone,
    violations_red_flags,
    violations_safety_net,
    violations_texts,
    violations_total,
    violations_traceable,
    violations_unknown,
    violations_waiting,
    violations_words,
    worse_steps,
)

from triage import assess, load_knowledge_base
from triage.answers import validate

KB = load_knowledge_base()


def _urgency(answers: dict) -> int:
    return assess(answers, kb=KB).urgency


# --- the generator and the independent tables fit the real questions -------------------------


@given(any_answers(KB))
def test_generated_answers_are_valid_and_all_asked(answers: dict) -> None:
    valid = validate(answers, KB)
    assert valid.answers == answers  # nothing dropped: only asked questions were generated
    assert not [w for w in valid.warnings if "not asked" in w]


def test_red_flag_questions_match_spec() -> None:
    """The policy tables name exactly the red-flag questions of answers.md, with real values."""
    assert tuple(KB.red_flags) == RED_FLAG_QUESTIONS
    for qid in RED_FLAG_QUESTIONS:
        question = KB.question_by_id[qid]
        values = {True, False} if question.type == "boolean" else set(question.choice_values)
        assert RED_FLAG_POSITIVE[qid] <= values and RED_FLAG_NO[qid] in values, qid
        assert question.required, f"{qid}: a red-flag question must be required where asked"


def test_backgrounds_are_valid() -> None:
    for name, background in BACKGROUNDS.items():
        answers = normalise(KB, background)
        assert validate(answers, KB).answers == answers, name


# --- 1. Total ---------------------------------------------------------------------------------


@given(any_answers(KB))
def test_p1_total(answers: dict) -> None:
    assert violations_total(KB, answers) == []


# --- 2. Deterministic and order-free -----------------------------------------------------------


@given(any_answers(KB), st.integers(0, 2**32 - 1))
def test_p2_deterministic_and_order_free(answers: dict, seed: int) -> None:
    assert violations_deterministic(KB, answers, seed) == []


# --- 3. Red flags are never missed -------------------------------------------------------------


@given(any_answers(KB))
def test_p3_red_flags_never_missed(answers: dict) -> None:
    assert violations_red_flags(KB, answers) == []


# --- 4. Monotone ------------------------------------------------------------------------------


@given(any_answers(KB), st.data())
def test_p4_monotone(answers: dict, data: st.DataObject) -> None:
    steps = worse_steps(KB, answers)
    if not steps:
        return
    qid, value = data.draw(st.sampled_from(steps), label="change toward worse")

    def fill(question, so_far):  # newly-asked required questions: any valid value
        return data.draw(value_strategy(KB, question, so_far), label=f"new answer {question.id}")

    after = normalise(KB, {**answers, qid: value}, fill)
    note(f"after: {after}")
    change = f"{qid}: {answers[qid]!r} -> {value!r}"
    assert violations_monotone(KB, answers, after, change, _urgency) == []


# --- 5. Unknown is never "no" -------------------------------------------------------------------


@given(answers_with_unsure(KB))
def test_p5_unknown_is_never_no(answers: dict) -> None:
    assert violations_unknown(KB, answers) == []


# --- 6. Backward walking only when safe --------------------------------------------------------


@given(answer_sets(KB, near=normalise(KB, BACKGROUNDS["osteoarthritis-with-pain"])))
def test_p6_backward_walking_only_when_safe(answers: dict) -> None:
    assert violations_backward_walking(KB, answers) == []


@given(any_answers(KB))
def test_p6_backward_walking_only_when_safe_anywhere(answers: dict) -> None:
    assert violations_backward_walking(KB, answers) == []


def test_p6_backward_walking_is_reachable() -> None:
    """The property is not vacuous: the background does reach try-backward-walking."""
    answers = normalise(KB, BACKGROUNDS["osteoarthritis-with-pain"])
    assert assess(answers, kb=KB).disposition.id == "try-backward-walking"
    assert violations_backward_walking(KB, answers) == []


# --- 7. No contradictions ---------------------------------------------------------------------


@given(any_answers(KB))
def test_p7_no_contradictions(answers: dict) -> None:
    assert violations_contradictions(KB, answers) == []


@given(any_answers(KB))
def test_p7_no_contradictions_in_any_text(answers: dict) -> None:
    """The text result, `explain` (both forms) and the report: nothing encourages walking or
    exercise at urgency 3 or more, and "Why" shows only the rules that set the result."""
    assert violations_texts(KB, answers) == []


CASES = sorted((Path(__file__).parents[1] / "cases").glob("*.json"))
SHARED = sorted((Path(__file__).parents[3] / "shared" / "vignettes-1.2").glob("*.json"))


@pytest.mark.parametrize("path", CASES + SHARED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_p7_every_case_fits_the_person(path: Path) -> None:
    """Done-when of the policy update, for every case: no shoes advice with cushioned shoes,
    no "avoid high-impact sport" without any, balance advice with a fall or unsteadiness
    (where exercise advice is allowed), no walking encouragement at urgency 3 or more."""
    answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
    assert violations_contradictions(KB, answers) == []
    assert violations_texts(KB, answers) == []


# --- 8. Traceable -----------------------------------------------------------------------------


@given(any_answers(KB))
def test_p8_traceable(answers: dict) -> None:
    assert violations_traceable(KB, answers) == []


def test_p8_every_rule_and_advice_item_is_sourced() -> None:
    """Statically, for every rule and advice item, fired or not; quotes read from the documents."""
    problems = []
    for rule in KB.rules:
        problems += citation_problems(KB, f"rule {rule.id}", rule.cite)
    for item in KB.advice.values():
        problems += citation_problems(KB, f"advice {item.id}", item.cite)
    assert problems == []


def test_p8_article_files_are_the_ones_in_rules_sources() -> None:
    articles = [s for s in KB.sources.values() if s.kind == "article"]
    assert articles
    for source in articles:
        path = Path(KB.root, source.file)
        assert path.is_file() and path.read_text(encoding="utf-8").strip(), source.key


@pytest.mark.parametrize("name", sorted(BACKGROUNDS))
def test_backgrounds_satisfy_every_property(name: str) -> None:
    answers = normalise(KB, BACKGROUNDS[name])
    for check in (
        violations_total,
        violations_red_flags,
        violations_unknown,
        violations_backward_walking,
        violations_contradictions,
        violations_texts,
        violations_traceable,
    ):
        assert check(KB, answers) == [], check.__name__
    assert violations_deterministic(KB, answers) == []


# --- 1.2: properties 9, 11, 12, 13, 14 ---------------------------------------------------------


@given(answers=any_answers(KB))
def test_p11_the_safety_net_points_up(answers: dict) -> None:
    """Properties 9 and 11: only the levels above, each with its signs; at emergency, while waiting."""
    assert violations_safety_net(KB, answers) == []


@given(answers=any_answers(KB))
def test_p13_while_waiting_means_waiting(answers: dict) -> None:
    assert violations_waiting(KB, answers) == []


@given(answers=any_answers(KB))
def test_p14_words_match_answers(answers: dict) -> None:
    assert violations_words(KB, answers) == []


@given(answers=any_answers(KB))
def test_p12_history_never_lowers_and_never_hides_a_sign(answers: dict) -> None:
    assert violations_history(KB, answers) == []


@pytest.mark.parametrize("path", CASES + SHARED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_case_meets_the_1_2_advice_properties(path: Path) -> None:
    """Done-when of issue 23, for every case: the safety net names no lower level (none at
    emergency), no heat with a hot or red knee, no walking build-up at urgency 1 or more."""
    answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
    for check in (violations_safety_net, violations_waiting, violations_words, violations_history):
        assert check(KB, answers) == [], (check.__name__, path.stem)
