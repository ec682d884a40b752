"""A QuestionnaireResponse to an assessment, for the outcome route and the API (docs/fhir.md).

A finished response (completed, amended, or one that records an early stop) is assessed as an
answers file is. A response with required answers missing whose answers already give an
urgent result (urgent-care-today or emergency) gets that result marked provisional, not an
error: rules only raise the floor, so more answers could only make it more urgent, and a form
that cannot stop early (a static renderer such as LHC-Forms, which marks its export
``completed`` whatever is missing) must still be able to say "call 999 now". Whatever its
status, such a response is not finished: the outcome's QuestionnaireResponse says
``in-progress``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..answers import AnswersError, missing_required
from ..assessment import Assessment, assess
from ..early_stop import URGENT
from ..kb.records import KnowledgeBase
from .response import read_response


class ResponseOutcome(NamedTuple):
    assessment: Assessment
    provisional: bool  # answers missing, but those given already urgent
    not_yet_answered: tuple[str, ...]  # required questions still open (provisional only)


def assess_response(kb: KnowledgeBase, resource: Any) -> ResponseOutcome:
    """The assessment of a QuestionnaireResponse; AnswersError lists every problem."""
    in_progress = isinstance(resource, dict) and resource.get("status") == "in-progress"
    answers = read_response(kb, resource, partial=in_progress)  # unreadable answers: not also "required"
    try:
        return ResponseOutcome(assess(answers, kb=kb), False, ())
    except AnswersError as incomplete:
        partial = assess(answers, kb=kb, partial=True)  # AnswersError here: wrong, not only incomplete
        if partial.urgency < URGENT:
            raise incomplete from None
        missing = tuple(q.id for q in missing_required(kb, partial.answers))
        return ResponseOutcome(partial, True, missing)
