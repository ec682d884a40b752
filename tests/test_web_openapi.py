"""schemathesis against /openapi.json (in-process WSGI, bounded examples): no 5xx, and every
response matches the documented schema, for /api/ and the /fhir/ endpoints alike. The answers
schema is generated from the questions. SCHEMATHESIS_EXAMPLES=300 for a longer run (25 per operation in CI)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from triage.web import create_app

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import positive_data_acceptance  # noqa: E402

APP = create_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


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
    case.call_and_validate(excluded_checks=excluded)
