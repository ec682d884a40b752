"""The /fhir/ endpoints in the OpenAPI document (triage/web/openapi.py): media type
application/fhir+json, and every error an OperationOutcome (triage/web/errors.py)."""

from __future__ import annotations

from typing import Any

from ..fhir.settings import settings
from ..kb.records import KnowledgeBase

_STR = {"type": "string"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


FHIR_JSON = "application/fhir+json"
_FHIR_ITEMS = {"type": "array", "items": {"type": "object"}}


def _response_or_parameters(response: dict[str, Any]) -> dict[str, Any]:
    """A request body: the response itself, or a Parameters resource holding it."""
    parameters = {
        "type": "object",
        "required": ["resourceType", "parameter"],
        "properties": {
            "resourceType": {"const": "Parameters"},
            "parameter": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "resource"],
                    "properties": {"name": {"const": "questionnaire-response"}, "resource": response},
                },
            },
        },
    }
    return {
        "description": "The QuestionnaireResponse, or a Parameters resource with one questionnaire-response.",
        "anyOf": [*response.get("anyOf", [response]), parameters],
    }


FHIR_SCHEMAS: dict[str, Any] = {
    "OperationOutcome": {
        "type": "object",
        "description": "FHIR R4 OperationOutcome: every error under /fhir/, one issue per problem.",
        "required": ["resourceType", "issue"],
        "properties": {
            "resourceType": {"const": "OperationOutcome"},
            "issue": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["severity", "code", "diagnostics"],
                    "properties": {
                        "severity": {"enum": ["fatal", "error", "warning", "information"]},
                        "code": _STR,
                        "diagnostics": _STR,
                    },
                },
            },
        },
    },
    "Questionnaire": {
        "type": "object",
        "description": "FHIR R4 Questionnaire (docs/fhir.md), marked adaptive (SDC questionnaireAdaptive).",
        "required": ["resourceType", "url", "version", "status", "item"],
        "properties": {
            "resourceType": {"const": "Questionnaire"},
            "url": _STR,
            "version": _STR,
            "status": _STR,
            "item": _FHIR_ITEMS,
        },
    },
    "QuestionnaireResponse": {
        "type": "object",
        "description": "FHIR R4 QuestionnaireResponse in the sdc-questionnaireresponse-adapt shape.",
        "required": ["resourceType", "status"],
        "properties": {
            "resourceType": {"const": "QuestionnaireResponse"},
            "status": {"enum": ["in-progress", "completed", "amended", "entered-in-error", "stopped"]},
            "questionnaire": _STR,
            "contained": _FHIR_ITEMS,
            "item": _FHIR_ITEMS,
        },
    },
    "Bundle": {
        "type": "object",
        "description": "FHIR R4 Bundle: the outcome (collection) or the CodeSystems (searchset).",
        "required": ["resourceType", "type"],
        "properties": {"resourceType": {"const": "Bundle"}, "type": _STR, "entry": _FHIR_ITEMS},
    },
    "CapabilityStatement": {
        "type": "object",
        "required": ["resourceType", "status", "date", "kind", "fhirVersion", "format"],
        "properties": {"resourceType": {"const": "CapabilityStatement"}, "fhirVersion": {"const": "4.0.1"}},
    },
    "CodeSystem": {
        "type": "object",
        "required": ["resourceType", "url", "status", "content", "concept"],
        "properties": {"resourceType": {"const": "CodeSystem"}, "url": _STR, "concept": _FHIR_ITEMS},
    },
    "NextQuestionStart": {
        "type": "object",
        "description": "A first $next-question call: a QuestionnaireResponse with no contained Questionnaire "
        "and no questionnaire reference; the server starts it (status in-progress).",
        "required": ["resourceType"],
        "properties": {"resourceType": {"const": "QuestionnaireResponse"}},
        "not": {"anyOf": [{"required": ["contained"]}, {"required": ["questionnaire"]}]},
    },
    "NextQuestionRequest": _response_or_parameters(
        {"anyOf": [_ref("QuestionnaireResponse"), _ref("NextQuestionStart")]}
    ),
    "OutcomeRequest": _response_or_parameters(_ref("QuestionnaireResponse")),
}


def _fhir(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {FHIR_JSON: {"schema": _ref(schema)}}}


def fhir_paths(kb: KnowledgeBase) -> dict[str, Any]:
    """The FHIR endpoints of triage/web/fhir.py; every error there is an OperationOutcome."""
    base = f"/fhir/Questionnaire/{settings(kb).questionnaire_id}"
    return {
        base: {
            "get": {
                "operationId": "fhirQuestionnaire",
                "summary": "The FHIR R4 Questionnaire, marked adaptive",
                "responses": {"200": _fhir("Questionnaire", "OK")},
            }
        },
        base + "/$next-question": {
            "post": {
                "operationId": "fhirNextQuestion",
                "summary": "SDC $next-question: the next question, or the outcome",
                "description": "A QuestionnaireResponse (or Parameters holding one) in; the same response with "
                "the next question in its contained Questionnaire out, or completed with the outcome resources "
                "contained (docs/fhir.md).",
                "requestBody": {"required": True, "content": {FHIR_JSON: {"schema": _ref("NextQuestionRequest")}}},
                "responses": {
                    "200": _fhir("QuestionnaireResponse", "OK"),
                    "400": _fhir("OperationOutcome", "An invalid request: one issue per problem"),
                    "412": _fhir("OperationOutcome", "If-Match names another knowledge base"),
                    "413": _fhir("OperationOutcome", "The body is larger than 512 KB"),
                },
            }
        },
        "/fhir/QuestionnaireResponse/$outcome": {
            "post": {
                "operationId": "fhirOutcome",
                "summary": "The outcome Bundle of a finished QuestionnaireResponse",
                "description": "A QuestionnaireResponse (or Parameters holding one) in: completed, one that records an "
                "early stop (the stopped-early extension), or in-progress with answers that already give an urgent "
                "result (then provisional: the RiskAssessment is preliminary). The outcome Bundle out, as "
                "`triage assess --format fhir` gives it (docs/fhir.md).",
                "requestBody": {"required": True, "content": {FHIR_JSON: {"schema": _ref("OutcomeRequest")}}},
                "responses": {
                    "200": _fhir("Bundle", "OK"),
                    "400": _fhir("OperationOutcome", "An invalid or unfinished response: one issue per problem"),
                    "412": _fhir("OperationOutcome", "If-Match names another knowledge base"),
                    "413": _fhir("OperationOutcome", "The body is larger than 512 KB"),
                },
            }
        },
        "/fhir/metadata": {
            "get": {
                "operationId": "fhirMetadata",
                "summary": "The CapabilityStatement",
                "responses": {"200": _fhir("CapabilityStatement", "OK")},
            }
        },
        "/fhir/CodeSystem": {
            "get": {
                "operationId": "fhirCodeSystems",
                "summary": "Every CodeSystem we use, as a searchset Bundle",
                "responses": {"200": _fhir("Bundle", "OK")},
            }
        },
        "/fhir/CodeSystem/{name}": {
            "get": {
                "operationId": "fhirCodeSystem",
                "summary": "One of our CodeSystems",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": _STR}],
                "responses": {
                    "200": _fhir("CodeSystem", "OK"),
                    "404": _fhir("OperationOutcome", "No such CodeSystem"),
                },
            }
        },
    }
