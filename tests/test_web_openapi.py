"""schemathesis against /openapi.json (in-process WSGI, bounded examples): no 5xx, and every
response matches the documented schema. The answers schema is generated from the questions.
SCHEMATHESIS_EXAMPLES=300 for a longer run (25 per operation in CI)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from triage.web import create_app

schemathesis = pytest.importorskip("schemathesis")

APP = create_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_openapi_document(case):
    case.call_and_validate()
