"""Every error under /fhir/ is a FHIR OperationOutcome (application/fhir+json) with the right
HTTP status, including Flask's own 404/405/413/500; /api/ errors keep their problem list."""

from __future__ import annotations

import json

import pytest
from fhir_support import validate_resource

flask = pytest.importorskip("flask")
from triage.web import create_app  # noqa: E402

NEXT = "/fhir/Questionnaire/knee-triage/$next-question"


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def assert_outcome(reply, status: int, code: str, *words: str) -> dict:
    assert reply.status_code == status
    assert reply.mimetype == "application/fhir+json"
    resource = reply.get_json()
    validate_resource(resource)
    assert resource["resourceType"] == "OperationOutcome" and resource["issue"]
    for issue in resource["issue"]:
        assert issue["severity"] in ("error", "fatal") and issue["code"] == code
    text = " ".join(issue["diagnostics"] for issue in resource["issue"])
    for word in words:
        assert word in text, text
    return resource


@pytest.mark.parametrize("path", ["/fhir/Patient/1", "/fhir/", "/fhir/Questionnaire/knee-triage/extra"])
def test_an_unknown_fhir_path_is_a_not_found_outcome(client, path):
    assert_outcome(client.get(path), 404, "not-found", path)


def test_a_wrong_method_is_a_not_supported_outcome_with_allow(client):
    reply = client.get(NEXT)
    assert_outcome(reply, 405, "not-supported", "GET")
    assert "POST" in reply.headers["Allow"]
    reply = client.delete("/fhir/Questionnaire/knee-triage")
    assert_outcome(reply, 405, "not-supported", "DELETE")
    assert "GET" in reply.headers["Allow"]


def test_an_oversized_body_is_a_too_long_outcome(client):
    huge = {"resourceType": "QuestionnaireResponse", "status": "in-progress", "id": "x" * 600_000}
    reply = client.post(NEXT, data=json.dumps(huge), content_type="application/fhir+json")
    assert_outcome(reply, 413, "too-long", "512 KB")


def test_an_unexpected_error_is_an_exception_outcome_without_details(monkeypatch):
    import triage.web.fhir as web_fhir

    def broken(*_args):
        raise RuntimeError("secret answers here")

    monkeypatch.setattr(web_fhir, "next_question", broken)
    reply = create_app().test_client().post(NEXT, data="{}", content_type="application/fhir+json")
    resource = assert_outcome(reply, 500, "exception", "something went wrong")
    assert "secret" not in json.dumps(resource)


def test_api_errors_keep_the_problem_list(client):
    reply = client.get("/api/v1/nothing")
    assert reply.status_code == 404 and reply.mimetype == "application/problem+json"  # RFC 9457
    assert reply.get_json() == {
        "type": "about:blank",
        "title": "Page not found",
        "status": 404,
        "detail": "there is nothing at /api/v1/nothing",
        "error": "Page not found",
        "problems": ["there is nothing at /api/v1/nothing"],
    }
    reply = client.get("/api/v1/assess")
    assert reply.status_code == 405 and reply.get_json()["error"] == "Method not allowed"
    assert "POST" in reply.headers["Allow"]
    reply = client.post("/api/v1/assess", data="x" * 70_000, content_type="application/json")
    assert reply.status_code == 413 and "64 KB" in reply.get_json()["problems"][0]


def test_a_page_path_named_like_fhir_is_not_fhir(client):
    reply = client.get("/fhirish")
    assert reply.status_code == 404 and reply.mimetype == "text/html"


def test_an_unexpected_api_error_is_a_500_problem_list(monkeypatch):
    """The handler itself once failed (it put a class property in the JSON)."""
    import triage.web.api as web_api

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret answers here")

    monkeypatch.setattr(web_api, "assess", broken)
    client = create_app().test_client()
    reply = client.post("/api/v1/assess", json={})
    assert reply.status_code == 500
    body = reply.get_json()
    assert (body["status"], body["error"]) == (500, "Internal Server Error")
    assert body["problems"] == ["something went wrong on our side"] and "secret" not in json.dumps(body)


@pytest.mark.parametrize("parameter", [None, 3, "x", [None]])
def test_parameters_without_a_parameter_list_is_a_400_outcome(client, parameter):
    body = {"resourceType": "Parameters", "parameter": parameter}
    reply = client.post(NEXT, data=json.dumps(body), content_type="application/fhir+json")
    assert_outcome(reply, 400, "invalid", "expected one parameter 'questionnaire-response'")


def test_the_openapi_document_lists_the_fhir_endpoints(client):
    """So that the schemathesis test (tests/test_web_openapi.py) exercises them too."""
    paths = client.get("/openapi.json").get_json()["paths"]
    questionnaire = paths["/fhir/Questionnaire/knee-triage"]["get"]["responses"]
    assert list(questionnaire["200"]["content"]) == ["application/fhir+json"]
    operation = paths["/fhir/Questionnaire/knee-triage/$next-question"]["post"]
    assert list(operation["requestBody"]["content"]) == ["application/fhir+json"]
    for status in ("400", "413"):
        content = operation["responses"][status]["content"]["application/fhir+json"]
        assert content["schema"] == {"$ref": "#/components/schemas/OperationOutcome"}
