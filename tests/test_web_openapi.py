"""schemathesis against /openapi.json (in-process WSGI, bounded examples): no 5xx, and every
response matches the documented schema, for /api/ and the /fhir/ endpoints alike. The answers
schema is generated from the questions. SCHEMATHESIS_EXAMPLES=300 for a longer run (25 per operation in CI)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, settings

from triage.web import create_app

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import positive_data_acceptance  # noqa: E402

APP = create_app()
FULL = schemathesis.openapi.from_wsgi("/openapi.json", APP)
# POST /api/v1/assess: its body, the answers with every asked-when requirement of knowledge
# base 1.2 (11 conditional questions), is beyond what schemathesis can generate from (its
# canonical form outgrows the tool: tens of alternatives of 60 properties each). The test
# below covers it instead: valid answers from the questions themselves, the documented schema
# and the documented responses.
schema = FULL.exclude(path="/api/v1/assess", method="POST")
ASSESS = FULL["/api/v1/assess"]["POST"]


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_openapi_document(case):
    excluded = []
    if case.path.endswith(("$next-question", "$outcome")):
        # Whether a QuestionnaireResponse can go on depends on its contained Questionnaire (the
        # questions shown, the answers they allow): JSON Schema cannot say which bodies are
        # acceptable, so a schema-valid one may get 400. Schema-violating ones must still be
        # rejected (negative_data_rejection stays on), and every reply must match the document.
        excluded.append(positive_data_acceptance)
    # Also documented, but judged by the library alone: whether an early-stop record is justified
    # by its answers, and whether a QuestionnaireResponse's items fit the questions. Plain answers
    # and patient cases without a record must still be accepted when schema-valid.
    body = case.body if isinstance(case.body, dict) else {}
    if case.path == "/api/v1/assess" and ("resourceType" in body or "stopped_early" in json.dumps(body)):
        excluded.append(positive_data_acceptance)
    case.call_and_validate(excluded_checks=excluded)


from hypothesis import given  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402
from safety.safety_support import any_answers  # noqa: E402

from triage import load_knowledge_base  # noqa: E402
from triage.schema import answers_schema  # noqa: E402

KB = load_knowledge_base()
DOCUMENTED = Draft202012Validator(APP.test_client().get("/openapi.json").get_json()["components"]["schemas"]["Answers"])


@given(answers=any_answers(KB))
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_assess_takes_every_valid_answer_set_and_replies_as_documented(answers):
    """Positive data: every valid answer set (generated from rules/questions.toml) meets the
    documented schema, is accepted, and the reply matches the document."""
    assert not list(DOCUMENTED.iter_errors(answers))
    assert answers_schema(KB, early_stop=False)["required"]  # the same schema the API documents
    response = APP.test_client().post("/api/v1/assess", json=answers)
    assert response.status_code == 200, response.get_json()
    ASSESS.validate_response(response)


@given(answers=any_answers(KB))
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_assess_refuses_answers_without_a_required_one_as_documented(answers):
    """Negative data: without a required answer, the schema says invalid and the API says 400."""
    required = [q.id for q in KB.questions if q.required and q.id in answers]
    broken = {k: v for k, v in answers.items() if k != required[-1]}
    assert list(DOCUMENTED.iter_errors(broken))
    response = APP.test_client().post("/api/v1/assess", json=broken)
    assert response.status_code == 400
    ASSESS.validate_response(response)
