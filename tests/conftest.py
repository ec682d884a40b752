"""Shared pytest configuration: the hypothesis profiles.

- ``ci`` (default): a fast run for every commit (tens of examples per property).
- ``thorough``: thousands of examples per property; ``pytest --hypothesis-profile thorough``.

An assessment takes a few milliseconds, but some examples also render a report or run
several assessments (monotonicity), so no per-example deadline.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from triage.kb.paths import KB_ENV

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}

settings.register_profile("ci", max_examples=60, **_COMMON)
settings.register_profile("thorough", max_examples=2500, **_COMMON)
settings.register_profile("dev", max_examples=15, **_COMMON)
# The hypothesis pytest plugin applies --hypothesis-profile after this file is imported.
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The parsed-knowledge-base cache (triage/kb/cache.py) goes to a folder of this test run, not
# the user's own cache; subprocesses (the CLI tests) inherit it.
if "TRIAGE_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["TRIAGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="triage-test-cache-")


@pytest.fixture(autouse=True)
def _restore_triage_kb():
    """`triage --kb DIR` sets TRIAGE_KB in the process (so that workers inherit it); undo that per test."""
    before = os.environ.get(KB_ENV)
    yield
    if before is None:
        os.environ.pop(KB_ENV, None)
    else:
        os.environ[KB_ENV] = before
