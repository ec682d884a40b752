"""The FHIR routes beyond $next-question: the outcome of a QuestionnaireResponse (provisional
when it is in progress but already urgent), the CapabilityStatement and our CodeSystems."""

from __future__ import annotations

import json

import pytest
from fhir_support import validate_resource
from helpers import CASES, load_case

from triage.assessment import assess
from triage.fhir import build_bundle, build_response
from triage.fhir.codesystems import code_system_names
from triage.fhir.response import answer_item
from triage.fhir.settings import settings
from triage.kb.load import load_knowledge_base

flask = pytest.importorskip("flask")
from triage.web import create_app  # noqa: E402

KB = load_knowledge_base()
FHIR = settings(KB)
OUTCOME = "/fhir/QuestionnaireResponse/$outcome"
CALF_AND_BREATH = {"age": 40, "injury": False, "calf_swelling": True, "breathless": True}


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


def in_progress(answers: dict) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": FHIR.questionnaire_url,
        "status": "in-progress",
        "item": [answer_item(FHIR, KB.question_by_id[q], v) for q, v in answers.items()],
    }


def test_a_partial_emergency_gets_a_provisional_emergency_outcome(client):
    qr = in_progress(CALF_AND_BREATH)
    reply = client.post(OUTCOME, json=qr)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    bundle = reply.get_json()
    validate_resource(bundle)
    kinds = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    risk = kinds["RiskAssessment"]
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "emergency"
    assert risk["status"] == "preliminary" and risk["note"][0]["text"].startswith("Provisional")
    assert kinds["QuestionnaireResponse"]["status"] == "in-progress"
    assert kinds["ServiceRequest"]["priority"] == "stat"
    api = client.post("/api/v1/assess", json=qr).get_json()
    assert api["disposition"] == "emergency" and api["provisional"] is True
    assert "can_bear_weight" in api["not_yet_answered"]


def test_a_partial_response_that_is_not_urgent_is_still_refused(client):
    qr = in_progress({"age": 40, "injury": False})
    for path in (OUTCOME, "/api/v1/assess"):
        reply = client.post(path, json=qr)
        assert reply.status_code == 400
        assert "can_bear_weight: required" in json.dumps(reply.get_json())


def test_a_completed_response_with_answers_missing_is_provisional_only_when_urgent(client):
    """LHC-Forms marks its export completed whatever is missing: the status does not hide an
    emergency, and the outcome's response says in-progress (it is not finished)."""
    bundle = client.post(OUTCOME, json={**in_progress(CALF_AND_BREATH), "status": "completed"}).get_json()
    assert bundle["entry"][0]["resource"]["status"] == "in-progress"
    assert bundle["entry"][1]["resource"]["status"] == "preliminary"
    reply = client.post(OUTCOME, json={**in_progress({"age": 40, "injury": False}), "status": "completed"})
    assert reply.status_code == 400 and "required" in json.dumps(reply.get_json())


def test_a_wrong_answer_is_refused_even_when_urgent(client):
    qr = in_progress({**CALF_AND_BREATH, "age": 300})
    reply = client.post(OUTCOME, json=qr)
    assert reply.status_code == 400 and "age: 300 is above the maximum" in json.dumps(reply.get_json())


def test_the_outcome_route_gives_what_the_cli_gives(client):
    for path in CASES:
        answers = load_case(path)["answers"]
        reply = client.post(OUTCOME, json=build_response(KB, answers))
        assert reply.status_code == 200
        assert reply.get_json() == json.loads(json.dumps(build_bundle(assess(answers))))


def test_metadata_is_a_capability_statement_listing_the_routes(client):
    reply = client.get("/fhir/metadata")
    assert reply.status_code == 200 and reply.mimetype == "application/fhir+json"
    statement = reply.get_json()
    validate_resource(statement)
    operations = {o["name"] for r in statement["rest"][0]["resource"] for o in r.get("operation", [])}
    assert operations == {"next-question", "outcome"}


def test_every_code_we_emit_is_in_a_code_system_we_serve(client):
    """Walk every outcome Bundle and the Questionnaire: each coding under our canonical is a
    concept of a CodeSystem served at /fhir/CodeSystem/<id>."""
    served: dict[str, set[str]] = {}
    listing = client.get("/fhir/CodeSystem").get_json()
    assert listing["total"] == len(code_system_names(KB))
    for entry in listing["entry"]:
        system = entry["resource"]
        validate_resource(system)
        assert client.get(f"/fhir/CodeSystem/{system['id']}").get_json() == system
        served[system["url"]] = {c["code"] for c in system["concept"]}
    found: list[tuple[str, str]] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("system"), str) and node["system"].startswith(FHIR.canonical):
                found.append((node["system"], node["code"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(client.get(f"/fhir/Questionnaire/{FHIR.questionnaire_id}").get_json())
    for path in CASES:
        walk(build_bundle(assess(load_case(path)["answers"])))
    assert found and all(code in served.get(system, set()) for system, code in found), [
        f for f in found if f[1] not in served.get(f[0], set())
    ][:5]
    assert client.get("/fhir/CodeSystem/nope").status_code == 404


def test_the_openapi_document_is_valid_openapi_3_1(client):
    jsonschema = pytest.importorskip("jsonschema")
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    document = client.get("/openapi.json").get_json()
    jsonschema.Draft202012Validator(OPENAPI_31).validate(document)
    for path in (OUTCOME, "/fhir/metadata", "/fhir/CodeSystem", "/fhir/CodeSystem/{name}"):
        assert path in document["paths"]


def test_the_cli_gives_the_provisional_outcome_too(tmp_path):
    from helpers import run_cli

    qr_file = tmp_path / "partial.json"
    qr_file.write_text(json.dumps(in_progress(CALF_AND_BREATH)), encoding="utf-8")
    result = run_cli("assess", "--from-fhir", str(qr_file), "--format", "json")
    assert result.exit_code == 0 and "warning: provisional" in result.stderr
    data = json.loads(result.stdout)
    assert data["disposition"] == "emergency" and data["provisional"] is True
    bundle = json.loads(run_cli("assess", "--from-fhir", str(qr_file), "--format", "fhir").stdout)
    assert bundle["entry"][1]["resource"]["status"] == "preliminary"
    qr_file.write_text(json.dumps(in_progress({"age": 40, "injury": False})), encoding="utf-8")
    refused = run_cli("assess", "--from-fhir", str(qr_file))
    assert refused.exit_code == 2 and "can_bear_weight: required" in refused.output


def test_a_first_next_question_call_without_status_is_documented_as_it_is_served(client):
    """A first $next-question call may leave out contained, questionnaire and status (the
    server starts the response): the OpenAPI document must say so (schemathesis found a
    status-less first call accepted while the document required status), and a later call
    without status is still refused, as the document says."""
    import jsonschema

    document = client.get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    wrapper = {**schemas["NextQuestionRequest"], "components": {"schemas": schemas}}
    path = "/fhir/Questionnaire/knee-triage/$next-question"
    first = {"resourceType": "QuestionnaireResponse", "note": "anything else"}
    assert client.post(path, json=first).status_code == 200
    jsonschema.validate(first, wrapper)
    later = {**first, "questionnaire": "#adaptive"}  # not a first call, and no status
    assert client.post(path, json=later).status_code == 400
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(later, wrapper)
