"""pytest plugin for experta's own unit tests (scripts/experta-tests.sh): every adaptation of
ours loaded first. triage.engine._experta (the import fix and the patched internals) and, with
TRIAGE_EXPERTA_MATCHER=1, our TriageMatcher as every KnowledgeEngine's matcher."""

import os

from triage.engine import _experta
from triage.engine.matcher import TriageMatcher

if os.environ.get("TRIAGE_EXPERTA_MATCHER") == "1":
    _experta.KnowledgeEngine.__matcher__ = TriageMatcher
