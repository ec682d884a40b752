"""Headers for API clients (triage/web/meta.py), problem details, `so_far`, and the
OpenAPI operation ids and examples."""

from __future__ import annotations

import pytest

from triage.assessment import assess
from triage.kb.load import load_knowledge_base

flask = pytest.importorskip("flask")
from triage.web import create_app  # noqa: E402
from triage.web.openapi import example_answers  # noqa: E402

KB = load_knowledge_base()


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def test_request_id_and_knowledge_base_headers(client):
    reply = client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert reply.headers["X-Request-Id"] == "abc-123"
    assert reply.headers["X-Knowledge-Base-Version"] == KB.version
    assert reply.headers["X-Knowledge-Base-Sha256"] == KB.sha256
    made = {client.get("/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"] for bad in ("a b", "x" * 65)}
    assert len(made) == 2 and all(len(v) == 32 for v in made)  # not echoed: a fresh id each


def test_if_match_pins_the_knowledge_base(client):
    answers = example_answers(KB)
    for tag in (KB.version, f'"{KB.version}"', KB.sha256, "*", f'"0.0.1", "{KB.version}"'):
        assert client.post("/api/v1/assess", json=answers, headers={"If-Match": tag}).status_code == 200, tag
    reply = client.post("/api/v1/assess", json=answers, headers={"If-Match": '"0.0.1"'})
    assert reply.status_code == 412 and reply.mimetype == "application/problem+json"
    assert "0.0.1" in reply.get_json()["problems"][0]
    fhir = client.post("/fhir/QuestionnaireResponse/$outcome", json={}, headers={"If-Match": "0.0.1"})
    assert fhir.status_code == 412 and fhir.get_json()["issue"][0]["code"] == "conflict"
    assert client.get("/healthz", headers={"If-Match": "0.0.1"}).status_code == 200  # only POSTs are pinned


def test_problem_details_keep_every_problem(client):
    reply = client.post("/api/v1/assess", json={"age": 3})
    body = reply.get_json()
    assert reply.status_code == 400 and reply.mimetype == "application/problem+json"
    assert body["status"] == 400 and body["title"] == body["error"] == "invalid answers"
    assert len(body["problems"]) > 1 and body["problems"][0].startswith("age: 3")


def test_so_far_is_not_yet_known_until_something_raises_it(client):
    first = client.post("/api/v1/next", json={"answers": {}}).get_json()
    assert first["so_far"] == {"disposition": "not-yet-known", "urgency": 0, "at_least": True}
    unsure = client.post("/api/v1/next", json={"answers": {"age": 40, "injury": None}}).get_json()
    assert unsure["status"] == "question" and unsure["so_far"]["disposition"] == "see-a-doctor-soon"


def test_the_openapi_document_names_every_operation_and_its_examples_are_accepted(client):
    document = client.get("/openapi.json").get_json()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)) and len(ids) >= 11
    examples = document["paths"]["/api/v1/assess"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    answers = examples["answers"]["value"]
    assert assess(answers).answers == answers  # complete and valid for this knowledge base
    for example in examples.values():
        assert client.post("/api/v1/assess", json=example["value"]).status_code == 200
