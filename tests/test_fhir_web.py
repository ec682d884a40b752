"""FHIR over HTTP on `triage serve` (Flask test client): the Questionnaire marked adaptive,
`POST /fhir/Questionnaire/knee-triage/$next-question` to the end of every case, problems as
an OperationOutcome, and /api/v1/assess reading a QuestionnaireResponse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir_support import validate_resource
from helpers import CASES, base_answers, load_case

from triage.answers import validate
from triage.fhir import build_response
from triage.fhir.response import answer_item
from triage.fhir.settings import settings
from triage.kb.load import load_knowledge_base

flask = pytest.importorskip("flask")
from triage.web import create_app  # noqa: E402

KB = load_knowledge_base()
FHIR = settings(KB)
NEXT = "/fhir/Questionnaire/knee-triage/$next-question"


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def post(client, path: str, body: Any):
    return client.post(path, data=json.dumps(body), content_type="application/fhir+json")


def test_the_questionnaire_points_to_next_question(client):
    reply = client.get("/fhir/Questionnaire/knee-triage")
    assert reply.status_code == 200 and reply.mimetype == "application/fhir+json"
    questionnaire = reply.get_json()
    validate_resource(questionnaire)
    # the configured address (PUBLIC_URL), never the Host header
    assert questionnaire["extension"][0]["valueUrl"] == "http://127.0.0.1:8000/fhir"
    assert client.get("/fhir/Questionnaire/other").status_code == 404


@pytest.mark.parametrize("path", [p for p in CASES if p.stem in ("V01", "V20", "E13", "V40")], ids=lambda p: p.stem)
def test_next_question_over_http_to_the_outcome(client, path):
    case = load_case(path)
    answers = validate(case["answers"], KB).answers
    response: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
    for _ in range(80):
        reply = post(client, NEXT, response)
        assert reply.status_code == 200, reply.get_json()
        response = reply.get_json()
        if response["status"] == "completed":
            break
        link = response["contained"][0]["item"][-1]["linkId"]
        if link in answers:
            response.setdefault("item", []).append(answer_item(FHIR, KB.question_by_id[link], answers[link]))
    validate_resource(response)
    risk = next(r for r in response["contained"] if r["resourceType"] == "RiskAssessment")
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == case["expected"]


def test_parameters_wrapping_and_problems_as_operation_outcome(client):
    start = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
    wrapped = {"resourceType": "Parameters", "parameter": [{"name": "questionnaire-response", "resource": start}]}
    first = post(client, NEXT, wrapped)
    assert first.status_code == 200
    bad = post(client, NEXT, first.get_json())  # age shown, not answered
    assert bad.status_code == 400 and bad.mimetype == "application/fhir+json"
    assert bad.get_json() == {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": "age: required"}],
    }
    validate_resource(bad.get_json())
    assert client.get(NEXT).status_code == 405
    not_json = client.post(NEXT, data="{", content_type="application/fhir+json")
    assert not_json.status_code == 400 and "invalid JSON" in not_json.get_json()["issue"][0]["diagnostics"]


def test_a_late_request_may_exceed_the_api_body_limit_but_not_a_larger_one(client):
    """The contained Questionnaire grows with each question (about 50 KB at the end)."""
    large = {"resourceType": "QuestionnaireResponse", "status": "in-progress", "id": "x" * 100_000}
    assert post(client, NEXT, large).status_code == 200
    huge = {**large, "id": "x" * 600_000}
    reply = post(client, NEXT, huge)
    assert reply.status_code == 413 and "512 KB" in reply.get_json()["issue"][0]["diagnostics"]


def test_api_assess_reads_a_questionnaire_response(client):
    resource = build_response(KB, base_answers())
    reply = client.post("/api/v1/assess", json=resource)
    assert reply.status_code == 200
    assert reply.get_json() == client.post("/api/v1/assess", json=base_answers()).get_json()
    resource["item"].append({"linkId": "zzz", "answer": [{"valueBoolean": True}]})
    bad = client.post("/api/v1/assess", json=resource)
    assert bad.status_code == 400
    assert bad.get_json()["problems"] == ["zzz: unknown question (linkId)"]
