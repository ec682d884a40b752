"""Answers validation, as ../shared/spec/answers.md: every problem named at once, exit 2, nothing on stdout."""

from __future__ import annotations

import json

import pytest
from helpers import base_answers, run_cli

from triage import AnswersError, assess, load_knowledge_base
from triage.answers import validate


def problems_for(answers) -> list[str]:
    with pytest.raises(AnswersError) as error:
        validate(answers, load_knowledge_base())
    return error.value.problems


def test_valid_answers_pass():
    assert validate(base_answers(), load_knowledge_base()).answers["age"] == 34


def test_every_problem_is_listed_at_once():
    answers = base_answers() | {"age": 130, "swelling": "huge", "pain_score": "4", "colour": "blue"}
    del answers["fever"]
    problems = problems_for(answers)
    assert "age: 130 is above the maximum 120" in problems
    assert 'swelling: "huge" is not one of none, mild, marked, severe' in problems
    assert 'pain_score: expected a number, got "4"' in problems
    assert "colour: unknown question" in problems
    assert "fever: required" in problems
    assert len(problems) == 5


def test_required_when_asked():
    problems = problems_for(base_answers() | {"injury": True})
    assert "injury_days_ago: required when injury is true" in problems
    assert "deformity: required when injury is true" in problems
    # Ottawa items depend on injury_days_ago, which is missing: not reported twice.
    assert not any(p.startswith("tender_kneecap") for p in problems)


def test_ottawa_items_required_within_seven_days_only():
    injury = {"injury": True, "deformity": False, "injury_pop": False, "rapid_swelling": False}
    problems = problems_for(base_answers() | injury | {"injury_days_ago": 7})
    assert "tender_kneecap: required when injury_days_ago <= 7" in problems
    later = validate(base_answers() | injury | {"injury_days_ago": 8}, load_knowledge_base())
    assert "tender_kneecap" not in later.answers


def test_not_asked_answers_are_ignored_with_a_warning():
    valid = validate(base_answers() | {"injury_days_ago": 3, "clot_risk": True}, load_knowledge_base())
    assert "injury_days_ago" not in valid.answers and "clot_risk" not in valid.answers
    assert any(w.startswith("injury_days_ago: not asked") for w in valid.warnings)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("age", 17, "age: 17 is below the minimum 18 (this tool is for adults)"),
        ("age", 45.5, "age: 45.5 is not a whole number"),
        ("age", True, "age: expected a number, got true"),
        ("injury", "no", 'injury: expected true or false, got "no"'),
        ("height_cm", None, "height_cm: null ('not sure') is only allowed on red-flag and history questions"),
        ("name", "", "name: must be at least 1 character(s) long"),
        ("notes", "x" * 2001, "notes: is 2001 characters long; the maximum is 2000"),
        ("locking", "Stuck", 'locking: "Stuck" is not one of never, catches, stuck'),
    ],
)
def test_value_errors(key, value, message):
    assert any(p.startswith(message) for p in problems_for(base_answers() | {key: value}))


def test_null_is_not_sure_on_red_flags():
    result = assess(base_answers() | {"warmth": None, "hot_recent": False, "infection_risk": False})
    assert result.not_sure == ("warmth",)
    assert result.urgency >= 2


def test_null_is_not_sure_on_history_questions_and_alone_does_not_raise():
    """History (type H): "not sure" is a real answer, listed as unsure, and alone raises nothing."""
    for question in ("blood_thinners", "cancer_history", "pregnant"):
        follow_up = {"rest_pain": False} if question == "cancer_history" else {}
        result = assess(base_answers() | {question: None} | follow_up)
        assert result.not_sure == (question,)
        assert result.disposition.id == assess(base_answers()).disposition.id


def test_integral_float_is_accepted_as_integer():
    assert validate(base_answers() | {"age": 50.0}, load_knowledge_base()).answers["age"] == 50


def test_bmi_needs_both_height_and_weight():
    answers = base_answers()
    del answers["height_cm"]
    assert any("BMI" in w for w in validate(answers, load_knowledge_base()).warnings)


def test_cli_invalid_file_exits_2_with_every_problem(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(base_answers() | {"age": 130, "foo": 1}), encoding="utf-8")
    result = run_cli("assess", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "age: 130 is above the maximum 120" in result.stderr
    assert "foo: unknown question" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"age": ', "invalid JSON at line 1, column 9"),
        ('{"age": 40,\n "age": 41}', "age: given more than once"),
        ("[1, 2]", "an answers file is one JSON object"),
        ('{"age": NaN}', "NaN is not a number"),
    ],
)
def test_cli_bad_json(text, message):
    result = run_cli("assess", "-", input=text)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_cli_missing_file():
    result = run_cli("assess", "/nonexistent/answers.json")
    assert result.exit_code == 2
    assert "no such file" in result.stderr
