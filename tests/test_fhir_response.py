"""QuestionnaireResponses: out of answers files, into assessments, strictly checked; the
round trip answers -> response -> answers is the identity and keeps the disposition."""

from __future__ import annotations

import json
import os
import stat
from typing import Any

import pytest
from fhir_support import validate_resource
from helpers import CASES, base_answers, load_case, run_cli
from hypothesis import given
from hypothesis import strategies as st

from triage import assess
from triage.answers import AnswersError
from triage.fhir import build_response, read_response
from triage.kb.load import load_knowledge_base

KB = load_knowledge_base()


def response_for(answers: dict[str, Any]) -> dict[str, Any]:
    return build_response(KB, answers)


def item(resource: dict[str, Any], link: str) -> dict[str, Any]:
    return next(i for i in resource["item"] if i["linkId"] == link)


def problems_of(resource: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        assess(read_response(KB, resource))
    return caught.value.problems


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Valid answers from the questions alone (asked-when respected, red flags maybe unsure)."""
    from triage.kb.conditions import condition_holds

    answers: dict[str, Any] = {}
    for q in KB.questions:
        if not condition_holds(q.asked_when, answers) or (not q.required and draw(st.booleans())):
            continue
        if q.type == "boolean":
            value: Any = draw(st.booleans())
        elif q.type == "choice":
            value = draw(st.sampled_from(q.choice_values))
        elif q.type == "integer":
            value = draw(st.integers(int(q.min), int(q.max)))
        elif q.type == "number":
            value = draw(st.integers(int(q.min * 10), int(q.max * 10))) / 10
        else:
            value = draw(st.text(min_size=q.min_length or 0, max_size=min(q.max_length or 50, 50)))
        answers[q.id] = None if q.red_flag and draw(st.integers(0, 5)) == 0 else value
    return answers


@given(answer_sets())
def test_round_trip_is_the_identity_and_keeps_the_disposition(answers):
    resource = response_for(answers)
    assert resource["status"] == "completed"
    back = read_response(KB, json.loads(json.dumps(resource)))  # through JSON, as a client would send it
    assert back == answers
    assert [type(v) for v in back.values()] == [type(v) for v in answers.values()]
    assert assess(back).disposition == assess(answers).disposition


def test_the_round_trip_catches_not_sure_read_as_no(monkeypatch):
    """Mutant: a reader that takes "not sure" for "no" breaks both halves of the property."""
    import triage.fhir.response as module

    real = module.code_to_value
    monkeypatch.setattr(module, "code_to_value", lambda q, code: False if code == "unsure" else real(q, code))
    answers = {**base_answers(), "fever": None}
    back = read_response(KB, response_for(answers))
    assert back != answers
    assert assess(back).disposition != assess(answers).disposition


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_validates_and_assesses_the_same(path):
    case = load_case(path)
    resource = response_for(case["answers"])
    validate_resource(resource)
    assert assess(read_response(KB, resource)).disposition.id == case["expected"]


def test_not_sure_is_a_coding_not_a_missing_answer():
    resource = response_for({**base_answers(), "fever": None})
    assert item(resource, "fever")["answer"] == [
        {
            "valueCoding": {
                "system": "https://knee-triage.example/fhir/CodeSystem/yes-no-unsure",
                "code": "unsure",
                "display": "not sure",
            }
        }
    ]
    assert read_response(KB, resource)["fever"] is None


def test_an_incomplete_answers_file_is_in_progress():
    answers = base_answers()
    del answers["walking_effect"]
    resource = response_for(answers)
    assert resource["status"] == "in-progress"
    validate_resource(resource)
    assert "walking_effect: required" in problems_of(resource)


def test_a_missing_red_flag_is_an_error_never_a_no():
    resource = response_for(base_answers())
    resource["item"] = [i for i in resource["item"] if i["linkId"] != "fever"]
    assert problems_of(resource) == ["fever: required"]
    item(resource, "warmth")["answer"] = []  # an item left without an answer: the same
    assert problems_of(resource) == ["warmth: required", "fever: required"]


def test_unknown_link_ids_wrong_types_and_other_questionnaires_are_all_listed():
    resource = response_for(base_answers())
    resource["questionnaire"] = "http://elsewhere.example/Questionnaire/knee|1.0.0"
    resource["item"].append({"linkId": "fevr", "answer": [{"valueBoolean": True}]})
    item(resource, "age")["answer"] = [{"valueString": "40"}]
    item(resource, "warmth")["answer"] = [{"valueBoolean": False}]  # a red flag takes a Coding
    item(resource, "swelling")["answer"][0]["valueCoding"]["code"] = "huge"
    item(resource, "pain_score")["answer"] = [{"valueInteger": 11}]
    problems = problems_of(resource)
    assert problems == [
        "questionnaire: http://elsewhere.example/Questionnaire/knee|1.0.0 is another questionnaire; "
        "expected https://knee-triage.example/fhir/Questionnaire/knee-triage",
        "age: expected valueInteger, got valueString",
        'swelling: "huge" is not one of none, mild, marked, severe, unsure',
        "warmth: expected valueCoding, got valueBoolean",
        "fevr: unknown question (linkId) (did you mean fever?)",
        "pain_score: 11 is above the maximum 10",
    ]


def test_another_version_several_answers_and_a_foreign_code_system_are_rejected():
    resource = response_for(base_answers())
    resource["questionnaire"] = resource["questionnaire"].replace(f"|{KB.version}", "|0.9")
    item(resource, "clicking")["answer"] *= 2
    item(resource, "locking")["answer"][0]["valueCoding"]["system"] = "http://snomed.info/sct"
    assert problems_of(resource) == [
        f"questionnaire: version 0.9 is not this knowledge base's version {KB.version}",
        "locking: code system http://snomed.info/sct is not https://knee-triage.example/fhir/CodeSystem/answer-locking",
        "clicking: 2 answers given; this question takes one",
    ]


def test_enable_when_is_worked_out_again_not_trusted():
    """A client that shows (and sends) a question that should not be asked: ignored with a
    warning, as in an answers file; one that hides a question that should be: required."""
    resource = response_for(base_answers())  # no injury
    resource["item"].insert(2, {"linkId": "injury_days_ago", "answer": [{"valueInteger": 3}]})
    result = assess(read_response(KB, resource))
    assert any(w.startswith("injury_days_ago: not asked") for w in result.warnings)
    item(resource, "injury")["answer"][0]["valueCoding"].update(code="yes", display="yes")
    assert problems_of(resource) == [
        "deformity: required when injury is true",
        "injury_pop: required when injury is true",
        "rapid_swelling: required when injury is true",
        "tender_kneecap: required when injury_days_ago <= 7",
        "tender_fibular_head: required when injury_days_ago <= 7",
        "can_bend_90: required when injury_days_ago <= 7",
    ]


def test_nested_groups_and_echoed_help_items_are_read():
    resource = response_for(base_answers())
    first, rest = resource["item"][:3], resource["item"][3:]
    resource["item"] = [{"linkId": "group", "item": first}, {"linkId": "age.help"}, *rest]
    assert read_response(KB, resource) == base_answers()


@pytest.mark.parametrize("document", [[], "x", {"resourceType": "Patient"}])
def test_not_a_response_at_all(document):
    with pytest.raises(AnswersError) as caught:
        read_response(KB, document)
    assert len(caught.value.problems) >= 1 and "QuestionnaireResponse" in caught.value.problems[0]


# --- the command line ------------------------------------------------------------------------


def test_cli_response_then_assess_report_and_explain_from_fhir(tmp_path):
    case = next(p for p in CASES if p.stem == "V20")
    qr = tmp_path / "qr.json"
    result = run_cli("fhir", "response", str(case), "-o", str(qr))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(qr).st_mode) == 0o600  # health data: owner only
    assert run_cli("fhir", "response", str(case), "-o", str(qr)).exit_code == 2  # no overwrite without --force
    assert run_cli("fhir", "response", str(case), "-o", str(qr), "--force").exit_code == 0

    from_file = json.loads(run_cli("assess", str(case), "--format", "json").stdout)
    from_fhir = json.loads(run_cli("assess", "--from-fhir", str(qr), "--format", "json").stdout)
    assert from_fhir == from_file
    explained = run_cli("explain", "--from-fhir", str(qr))
    assert explained.exit_code == 0 and explained.output == run_cli("explain", str(case)).output
    report = run_cli("report", "--from-fhir", str(qr), "-o", str(tmp_path / "r.html"), "--now", "2026-01-31T09:00")
    assert report.exit_code == 0, report.output


def test_cli_bad_response_exits_2_with_the_problem_list_and_writes_nothing(tmp_path):
    resource = response_for(base_answers())
    resource["item"].append({"linkId": "zzz", "answer": [{"valueBoolean": True}]})
    qr = tmp_path / "qr.json"
    qr.write_text(json.dumps(resource), encoding="utf-8")
    out = tmp_path / "r.html"
    for args in (["assess"], ["explain"], ["report", "-o", str(out)]):
        result = run_cli(*args, "--from-fhir", str(qr))
        assert result.exit_code == 2
        assert f"triage: invalid answers in {qr}:\n  - zzz: unknown question (linkId)\n" in result.stderr
        assert "Traceback" not in result.output
    assert not out.exists()
    bad = run_cli("fhir", "response", "-", input='{"age": 130}')
    assert bad.exit_code == 2 and "age: 130 is above the maximum 120" in bad.stderr


def test_cli_response_reads_standard_input_and_a_case_file():
    case = next(p for p in CASES if p.stem == "V01")
    by_path = run_cli("fhir", "response", str(case))
    by_stdin = run_cli("fhir", "response", "-", input=json.dumps(load_case(case)["answers"]))
    assert by_path.exit_code == 0 and by_path.stdout == by_stdin.stdout


def test_cli_response_warns_about_answers_to_questions_not_asked():
    answers = {**base_answers(), "injury_days_ago": 3}  # no injury: not asked
    result = run_cli("fhir", "response", "-", input=json.dumps(answers))
    assert result.exit_code == 0
    assert "triage: warning: injury_days_ago: not asked" in result.stderr
    assert "injury_days_ago" not in result.stdout


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
SHAPED = st.fixed_dictionaries(
    {
        "resourceType": st.just("QuestionnaireResponse"),
        "questionnaire": st.sampled_from([build_response(KB, {})["questionnaire"], "x"]),
        "status": st.sampled_from(["completed", "stopped", 1]),
    },
    optional={
        "item": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "linkId": st.sampled_from([q.id for q in KB.questions] + ["zzz", 3]),
                    "answer": JSON,
                    "item": JSON,
                },
            )
        )
    },
)


@given(st.one_of(JSON, SHAPED))
def test_any_json_is_read_or_refused_with_problems_never_a_crash(document):
    try:
        assess(read_response(KB, document))
    except AnswersError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
