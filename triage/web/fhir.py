"""FHIR over HTTP: the Questionnaire, and SDC `$next-question` (docs/fhir.md).

GET  /fhir/Questionnaire/knee-triage                  the Questionnaire, marked adaptive
POST /fhir/Questionnaire/knee-triage/$next-question   a QuestionnaireResponse (or Parameters
                                                      holding one) in, the next step out
POST /fhir/QuestionnaireResponse/$outcome             a finished response in, the outcome Bundle out
GET  /fhir/metadata                                   the CapabilityStatement
GET  /fhir/CodeSystem, /fhir/CodeSystem/<id>          our CodeSystems
Bad requests get 400 and an OperationOutcome with one issue per problem.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..answers import AnswersError
from ..fhir import build_bundle, build_questionnaire, next_question, settings
from ..fhir.assess import assess_response
from ..fhir.codesystems import capability_statement, code_system, code_system_names
from ..kb.load import load_knowledge_base
from .api import _body

fhir_api = Blueprint("fhir", __name__)
FHIR_JSON = "application/fhir+json"
# The contained Questionnaire grows with every question shown (about 50 KB at the end).
MAX_FHIR_BODY = 512 * 1024


@fhir_api.before_request
def _room_for_the_contained_questionnaire() -> None:
    request.max_content_length = MAX_FHIR_BODY


def _fhir(resource: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(resource)
    response.status_code = status
    response.mimetype = FHIR_JSON
    return response


def outcome(problems: list[str], status: int = 400, code: str = "invalid") -> Response:
    issues = [{"severity": "error", "code": code, "diagnostics": problem} for problem in problems]
    return _fhir({"resourceType": "OperationOutcome", "issue": issues}, status)


def _known(questionnaire_id: str) -> bool:
    return questionnaire_id == settings(load_knowledge_base()).questionnaire_id


@fhir_api.get("/fhir/Questionnaire/<questionnaire_id>")
def questionnaire_endpoint(questionnaire_id: str) -> Response:
    if not _known(questionnaire_id):
        return outcome([f"no Questionnaire {questionnaire_id!r}"], 404, "not-found")
    base = current_app.config["PUBLIC_URL"]  # configured: a Host header must not choose it (N14)
    return _fhir(build_questionnaire(load_knowledge_base(), adaptive_url=base + "/fhir"))


@fhir_api.post("/fhir/Questionnaire/<questionnaire_id>/$next-question")
def next_question_endpoint(questionnaire_id: str) -> Response:
    if not _known(questionnaire_id):
        return outcome([f"no Questionnaire {questionnaire_id!r}"], 404, "not-found")
    try:
        return _fhir(next_question(load_knowledge_base(), _unwrap(_body())))
    except AnswersError as error:
        return outcome(error.problems)


@fhir_api.post("/fhir/QuestionnaireResponse/$outcome")
def outcome_endpoint() -> Response:
    """A finished QuestionnaireResponse (or one in progress whose answers are already urgent:
    then provisional) in; the outcome Bundle, as `triage assess --format fhir` gives it, out."""
    try:
        found = assess_response(load_knowledge_base(), _unwrap(_body()))
    except AnswersError as error:
        return outcome(error.problems)
    return _fhir(build_bundle(found.assessment, provisional=found.provisional))


@fhir_api.get("/fhir/metadata")
def metadata_endpoint() -> Response:
    return _fhir(capability_statement(load_knowledge_base(), request.url_root + "fhir"))


@fhir_api.get("/fhir/CodeSystem")
def code_systems_endpoint() -> Response:
    kb = load_knowledge_base()
    systems = [code_system(kb, name) for name in code_system_names(kb)]
    entries = [{"fullUrl": f"{request.url_root}fhir/CodeSystem/{r['id']}", "resource": r} for r in systems if r]
    return _fhir({"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries})


@fhir_api.get("/fhir/CodeSystem/<name>")
def code_system_endpoint(name: str) -> Response:
    resource = code_system(load_knowledge_base(), name)
    if resource is None:
        return outcome([f"no CodeSystem {name!r}"], 404, "not-found")
    return _fhir(resource)


def _unwrap(body: Any) -> Any:
    """A Parameters resource with a questionnaire-response parameter gives that resource."""
    if isinstance(body, dict) and body.get("resourceType") == "Parameters":
        parameters = body.get("parameter")
        found = [
            p.get("resource")
            for p in (parameters if isinstance(parameters, list) else [])
            if isinstance(p, dict) and p.get("name") == "questionnaire-response"
        ]
        if len(found) != 1:
            raise AnswersError(["Parameters: expected one parameter 'questionnaire-response' holding the response"])
        return found[0]
    return body
