"""An early stop is a complete record: the saved answers file says so, and the library,
`assess`, `explain` and `report` read it; a file that merely lacks answers is still an error."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli

import triage
from triage.early_stop import RECORD_KEY

AMBULANCE = {"age": 40, "injury": True, "injury_days_ago": 2, "deformity": True}  # knee out of place
SEEN_TODAY = {"age": 60, "injury": True, "injury_days_ago": 3, "deformity": False}  # Ottawa: 55+


def record(disposition: str) -> dict:
    return {"disposition": disposition, "because": [], "reason": "stopped"}


def test_the_library_reads_the_record_and_names_what_was_not_asked():
    result = triage.assess({**AMBULANCE, RECORD_KEY: record("emergency")})
    assert result.disposition.id == "emergency"
    assert result.early_stop is not None
    assert result.early_stop.because == ("RF-DISLOCATION",)
    assert "injury_pop" in result.early_stop.not_asked and "walking_effect" in result.early_stop.not_asked
    assert "deformity" not in result.early_stop.not_asked
    assert result.to_dict()[RECORD_KEY]["not_asked"] == list(result.early_stop.not_asked)


def test_a_file_that_merely_lacks_answers_is_still_an_error():
    with pytest.raises(triage.AnswersError) as error:
        triage.assess(AMBULANCE)
    assert "injury_pop: required when injury is true" in error.value.problems


def test_a_record_the_answers_do_not_justify_is_an_error():
    # Not urgent at all: the missing answers are needed.
    with pytest.raises(triage.AnswersError) as error:
        triage.assess({"age": 40, "injury": False, RECORD_KEY: record("emergency")})
    assert any("not an urgent result" in p for p in error.value.problems)
    assert "walking_effect: required" in error.value.problems
    # Urgent care today, but the questions that could still make it an emergency are missing.
    with pytest.raises(triage.AnswersError) as error:
        triage.assess({**SEEN_TODAY, RECORD_KEY: record("urgent-care-today")})
    assert error.value.problems == [
        "foot_cold_numb: required (asked even after an early stop at urgent-care-today)",
        "calf_swelling: required (asked even after an early stop at urgent-care-today)",
    ]
    # With them, it is a complete record.
    done = triage.assess(
        {**SEEN_TODAY, "foot_cold_numb": False, "calf_swelling": False, RECORD_KEY: record("urgent-care-today")}
    )
    assert done.disposition.id == "urgent-care-today"
    assert "can_bear_weight" in done.early_stop.not_asked


def test_a_malformed_record_is_an_error():
    with pytest.raises(triage.AnswersError) as error:
        triage.assess({**AMBULANCE, RECORD_KEY: "yes"})
    assert error.value.problems[0].startswith(f"{RECORD_KEY}: expected")


def test_assess_explain_and_report_read_the_record(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**AMBULANCE, RECORD_KEY: record("emergency")}), encoding="utf-8")
    assessed = run_cli("assess", str(path))
    assert assessed.exit_code == 0, assessed.output
    assert "CALL AN AMBULANCE NOW" in assessed.stdout
    assert "The questions stopped early" in assessed.stdout
    explained = run_cli("explain", str(path))
    assert explained.exit_code == 0 and "Result: emergency" in explained.stdout
    assert "The questions stopped early" in explained.stdout
    html = tmp_path / "r.html"
    reported = run_cli("report", str(path), "-o", str(html), "--now", "2026-01-31T09:00")
    assert reported.exit_code == 0, reported.output
    text = html.read_text(encoding="utf-8")
    assert "The questions stopped early" in text
    assert "not asked: the result was already urgent" in text and "not answered" not in text


def test_explain_shows_a_rule_once_with_every_answer_that_matched(tmp_path):
    from helpers import base_answers

    answers = base_answers() | {"fever": None, "warmth": None, "night_pain": None, "redness": None}
    out = run_cli("explain", "-", input=json.dumps(answers)).stdout
    assert out.count("RF-UNSURE:") == 1
    for qid in ("fever", "warmth", "night_pain", "redness"):
        assert f"[{qid}]" in out
