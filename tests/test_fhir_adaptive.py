"""`$next-question` (SDC adaptive questionnaires), as library calls: a client loop that
answers each question appended to the contained Questionnaire reaches every case's
disposition, asking only questions we would ask; bad requests are listed problems."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir_support import validate_resource
from helpers import CASES, base_answers, load_case

from triage.answers import AnswersError, asked_questions, validate
from triage.fhir import next_question, start_response
from triage.fhir.response import answer_item
from triage.fhir.settings import settings
from triage.kb.load import load_knowledge_base

KB = load_knowledge_base()
FHIR = settings(KB)


def run_client(
    answers: dict[str, Any], *, check_all: bool = False, limit: int = 80
) -> tuple[dict[str, Any], list[str]]:
    """Answer each appended question from ``answers`` (left out: sent without an answer).
    Every reply is validated with ``check_all``, else the final one (fhir.resources is slow)."""
    response = start_response(KB)
    asked: list[str] = []
    for _ in range(limit):
        response = json.loads(json.dumps(next_question(KB, response)))  # over the wire, as JSON
        if check_all or response["status"] == "completed":
            validate_resource(response)
        if response["status"] == "completed":
            return response, asked
        link = response["contained"][0]["item"][-1]["linkId"]
        asked.append(link)
        if link in answers:
            response.setdefault("item", []).append(answer_item(FHIR, KB.question_by_id[link], answers[link]))
    raise AssertionError("the questionnaire never ended")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_each_case_ends_with_its_disposition(path):
    case = load_case(path)
    answers = validate(case["answers"], KB).answers
    final, asked = run_client(answers, check_all=path.stem == "V20")
    risk = next(r for r in final["contained"] if r["resourceType"] == "RiskAssessment")
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == case["expected"]
    assert risk["basis"] == [{"reference": "#"}]
    expected_order = [q.id for q in asked_questions(KB, answers)]
    assert asked == [q for q in expected_order if q in asked]  # in order, and never a question not asked
    assert final["contained"][0]["item"][-1]["linkId"] == "outcome"
    if case["urgency"] < 3:
        assert asked == expected_order  # no early stop below urgent-care-today
    has_request = any(r["resourceType"] == "ServiceRequest" for r in final["contained"])
    assert has_request == (case["urgency"] >= 1)


def test_an_emergency_stops_early():
    answers = {**base_answers(), "calf_swelling": True, "breathless": True}
    final, asked = run_client(answers)
    assert asked[-1] == "breathless" and "pain_score" not in asked
    risk = next(r for r in final["contained"] if r["resourceType"] == "RiskAssessment")
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "emergency"


def test_the_first_call_may_send_an_empty_response():
    reply = next_question(KB, {"resourceType": "QuestionnaireResponse", "status": "in-progress"})
    assert reply["questionnaire"] == "#adaptive"
    assert [i["linkId"] for i in reply["contained"][0]["item"]] == ["disclaimer", "age"]


def problems(request: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        next_question(KB, request)
    return caught.value.problems


def test_bad_requests_are_listed_problems():
    first = next_question(KB, start_response(KB))
    assert problems([]) == ["the request is a QuestionnaireResponse (resourceType QuestionnaireResponse)"]
    assert problems(first) == ["age: required"]  # shown, required, not answered
    wrong = json.loads(json.dumps(first))
    wrong["item"] = [
        {"linkId": "age", "answer": [{"valueInteger": 40}]},
        {"linkId": "fever", "answer": [{"valueCoding": {"code": "yes"}}]},
    ]
    assert problems(wrong) == ["fever: answered but never asked (not in the contained Questionnaire)"]
    other = json.loads(json.dumps(first))
    other["contained"][0]["url"] = "http://elsewhere.example/Questionnaire/x"
    other["status"] = "completed"
    assert problems(other) == [
        'contained Questionnaire: url "http://elsewhere.example/Questionnaire/x" is another questionnaire; '
        "expected https://knee-triage.example/fhir/Questionnaire/knee-triage",
        "status: completed; only an in-progress response can go on",
    ]
    huge = json.loads(json.dumps(first))  # echoed values are bounded and escaped, as in every message
    huge["contained"][0]["url"], huge["contained"][0]["version"] = "http://x/" + "u" * 100_000, "9" * 100_000
    assert [p.split(" ")[2] for p in problems(huge)[:2]] == ["url", "version"]
    assert all(len(p) < 250 for p in problems(huge))
    huge["questionnaire"] = "#\x1b[2J" + "r" * 100_000
    (problem,) = problems(huge)
    assert problem.startswith("contained: no Questionnaire with id ") and len(problem) < 150
    assert "\x1b" not in problem
    young = json.loads(json.dumps(first))
    young["item"] = [{"linkId": "age", "answer": [{"valueInteger": 12}]}]
    assert problems(young) == ["age: 12 is below the minimum 18 (this tool is for adults)"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"questionnaire": "", "contained": {}}, "questionnaire: expected a reference to a contained Questionnaire"),
        ({"questionnaire": None, "contained": []}, "questionnaire: expected a reference to a contained Questionnaire"),
        ({"questionnaire": "#adaptive", "contained": {}}, "contained: expected a list of resources (JSON objects)"),
        ({"questionnaire": "#adaptive", "contained": [1]}, "contained: expected a list of resources (JSON objects)"),
    ],
)
def test_a_present_but_mistyped_questionnaire_is_a_problem_not_a_fresh_start(fields, expected):
    """Found by schemathesis: an empty or wrongly typed questionnaire/contained was taken for
    "first call" and silently replaced; only leaving both out starts afresh."""
    found = problems({"resourceType": "QuestionnaireResponse", "status": "in-progress", **fields})
    assert len(found) == 1 and found[0].startswith(expected)


def test_a_changed_answer_disables_a_shown_question_without_error():
    """The person said "injury: yes", saw "how many days ago?", then changed to "no"."""
    response = start_response(KB)
    for link, value in (("age", 40), ("sex", "male"), ("injury", True)):
        response = next_question(KB, response)
        assert response["contained"][0]["item"][-1]["linkId"] == link
        response.setdefault("item", []).append(answer_item(FHIR, KB.question_by_id[link], value))
    response = next_question(KB, response)
    assert response["contained"][0]["item"][-1]["linkId"] == "injury_days_ago"
    response["item"][2] = answer_item(FHIR, KB.question_by_id["injury"], False)
    response = next_question(KB, response)
    assert response["contained"][0]["item"][-1]["linkId"] == "can_bear_weight"
