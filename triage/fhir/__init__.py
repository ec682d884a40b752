"""FHIR R4 (4.0.1) and SDC: the Questionnaire out, QuestionnaireResponses in and out, the
outcome as a Bundle, and `$next-question`. Library code: JSON-ready dicts in and out, no I/O.
See docs/fhir.md."""

from .adaptive import next_question, start_response
from .outcome import build_bundle, outcome_resources
from .questionnaire import ExportError, build_questionnaire
from .response import build_response, read_response
from .settings import settings

__all__ = [
    "ExportError",
    "build_bundle",
    "build_questionnaire",
    "build_response",
    "next_question",
    "outcome_resources",
    "read_response",
    "settings",
    "start_response",
]
