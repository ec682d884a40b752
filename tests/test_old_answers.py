"""An answers file saved under knowledge base 1.1 lacks the answers 1.2 requires (answers.md):
`assess` refuses it, naming the missing questions in plain words and saying how to finish it;
`triage ask --answers OLD.json` asks only those, then saves a complete file; the web API's
400 says the same. tests/fixtures/V30-kb-1.1.json is the shared case V30 as saved under 1.1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli

from triage import load_knowledge_base
from triage.answers import AnswersError, how_to_finish, validate
from triage.assessment import assess

OLD = Path(__file__).parent / "fixtures" / "V30-kb-1.1.json"
KB = load_knowledge_base()
NEW_IN_1_2 = ["calf_pain", "breathless", "breathless_other", "blood_thinners", "cancer_history"]


def old_answers() -> dict:
    return json.loads(OLD.read_text(encoding="utf-8"))["answers"]


def test_the_library_names_what_is_missing_never_a_silent_no():
    with pytest.raises(AnswersError) as error:
        validate(old_answers(), KB)
    assert set(NEW_IN_1_2) <= set(error.value.missing)
    lines = how_to_finish(KB, error.value.missing, "triage ask --answers old.json")
    assert all(f"- {KB.question_by_id[q].text}" in lines for q in error.value.missing)
    assert lines[-1].startswith("To finish it, run: triage ask --answers old.json")


def test_assess_refuses_it_in_plain_words_and_says_how_to_finish():
    result = run_cli("assess", str(OLD))
    assert result.exit_code == 2 and result.stdout == ""
    said = " ".join(result.stderr.split())
    assert "calf_pain: required" in said  # the problems, by id
    assert "It may have been saved before they were added to the questions" in said
    for qid in NEW_IN_1_2:  # and the questions, as a person reads them
        assert " ".join(KB.question_by_id[qid].text.split()) in said
    assert f"ask --answers {OLD}" in said


def test_ask_with_the_old_file_asks_only_the_missing_questions_then_saves_a_complete_file(tmp_path):
    missing = validate_missing()
    answers_file = tmp_path / "answers.json"
    lines = ["n"] * len(missing) + [""] * 10  # "no" to each missing question; Enter skips the optional ones
    result = run_cli("ask", "--answers", str(OLD), "-a", str(answers_file), input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    for qid in missing:
        assert " ".join(KB.question_by_id[qid].text.split()[:6]) in " ".join(result.output.split())
    assert "Does the knee lock?" not in result.output  # answered in the old file: not asked again
    saved = json.loads(answers_file.read_text(encoding="utf-8"))
    assert all(saved[q] is False for q in missing)
    assert assess(saved).disposition.id == json.loads(OLD.read_text(encoding="utf-8"))["expected"]


def validate_missing() -> tuple[str, ...]:
    try:
        validate(old_answers(), KB)
    except AnswersError as error:
        return error.missing
    raise AssertionError("the 1.1 file was accepted")


def test_the_web_api_400_says_the_same():
    pytest.importorskip("flask")
    from triage.web import create_app

    reply = create_app().test_client().post("/api/v1/assess", json=old_answers())
    assert reply.status_code == 400
    body = reply.get_json()
    assert "calf_pain: required" in body["problems"]
    assert [m["id"] for m in body["missing"]] == list(validate_missing())
    assert all(m["question"] == KB.question_by_id[m["id"]].text for m in body["missing"])
    assert "triage ask --answers" in body["how_to_finish"]
    assert "saved before they were added" in body["how_to_finish"]
