"""schemathesis against /openapi.json (in-process WSGI, bounded examples): no 5xx, and every
response matches the documented schema. The answers schema is generated from the questions."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from triage.web import create_app  # noqa: E402

APP = create_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=int(__import__("os").environ.get("SCHEMATHESIS_EXAMPLES", "25")), deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case):
    case.call_and_validate()
