"""SDC adaptive questionnaires: the `$next-question` operation, without HTTP.

The request is a QuestionnaireResponse whose questionnaire is a contained Questionnaire
holding the questions shown so far (the sdc-questionnaireresponse-adapt shape). The reply
is the same response with the next question appended to the contained Questionnaire, or,
when the questionnaire is over or stops early (triage/cli/questionnaire.py's Flow decides, as
for `triage ask`), status "completed", an outcome display item and the outcome resources
(RiskAssessment, CarePlan, ServiceRequest) contained.
"""

from __future__ import annotations

import copy
from typing import Any

from ..answers import AnswersError, asked_questions, shown, validate
from ..early_stop import make_record
from ..flow import Flow, Progress
from ..kb.records import KnowledgeBase
from .outcome import CONTAINED_IDS, outcome_resources
from .questionnaire import NOTICE_LINK, notice_item, question_item
from .response import read_response
from .settings import settings
from .stop import stop_extension, stop_url

CONTAINED_ID = "adaptive"
OUTCOME_LINK = "outcome"
OUTCOME_IDS = {local for local in CONTAINED_IDS.values() if local}  # risk, plan, request


def start_response(kb: KnowledgeBase) -> dict[str, Any]:
    """An empty adaptive response: what a client sends first (or what a server may offer)."""
    fhir = settings(kb)
    contained = {
        "resourceType": "Questionnaire",
        "id": CONTAINED_ID,
        "url": fhir.questionnaire_url,
        "version": fhir.version,
        "status": "active",
        "item": [notice_item(kb)],  # the disclaimer first, as in the full Questionnaire
    }
    return {
        "resourceType": "QuestionnaireResponse",
        "contained": [contained],
        "questionnaire": f"#{CONTAINED_ID}",
        "status": "in-progress",
    }


def next_question(kb: KnowledgeBase, request: Any) -> dict[str, Any]:
    """The reply to `$next-question`; AnswersError (a listed problem each) on a bad request."""
    from ..answers import shown_key  # echoes bounded and escaped (here: `shown` is a local name below)

    fhir = settings(kb)
    if not isinstance(request, dict) or request.get("resourceType") != "QuestionnaireResponse":
        raise AnswersError(["the request is a QuestionnaireResponse (resourceType QuestionnaireResponse)"])
    response = copy.deepcopy(request)
    # A first call may leave both out; a present one, even null or empty, is checked below.
    if "contained" not in response and "questionnaire" not in response:
        response = {**start_response(kb), **{k: v for k, v in response.items() if k not in ("contained",)}}
        response["questionnaire"] = f"#{CONTAINED_ID}"
    questionnaire, problems = _contained(response, fhir.questionnaire_url, fhir.version)
    if response.get("status") != "in-progress":
        problems.append(f"status: {shown_key(response.get('status'))}; only an in-progress response can go on")
    if problems:
        raise AnswersError(problems)
    shown = [item.get("linkId") for item in questionnaire.get("item", []) if isinstance(item, dict)]
    unknown = [
        f"{shown_key(link)}: unknown question (linkId) in the contained Questionnaire"
        for link in shown
        if link not in kb.question_by_id and link not in (OUTCOME_LINK, NOTICE_LINK)
    ]
    if unknown:
        raise AnswersError(unknown)
    answers = read_response(kb, response, partial=True, header=False)
    valid = validate(answers, kb, partial=True)
    asked = {q.id for q in asked_questions(kb, valid.answers)}  # a changed answer may have disabled some shown ones
    missing = [f"{q}: required" for q in shown if q in asked and kb.question_by_id[q].required and q not in answers]
    not_shown = [
        f"{q}: answered but never asked (not in the contained Questionnaire)" for q in answers if q not in shown
    ]
    if missing or not_shown:
        raise AnswersError(missing + not_shown)
    progress = Progress(
        dict(valid.answers),
        [q for q in shown if q in kb.question_by_id],
        {q for q in shown if q in kb.question_by_id and q not in valid.answers},
    )
    flow = Flow(kb, progress)
    upcoming = flow.next_question()
    if upcoming is not None:
        questionnaire.setdefault("item", []).append(question_item(kb, fhir, upcoming))
        return response
    return _complete(kb, response, questionnaire, flow)


def _contained(response: dict[str, Any], url: str, version: str) -> tuple[dict[str, Any], list[str]]:
    reference = response.get("questionnaire")
    if not (isinstance(reference, str) and reference.startswith("#")):
        return {}, [f"questionnaire: expected a reference to a contained Questionnaire ('#id'), got {shown(reference)}"]
    contained = response.get("contained")
    if not isinstance(contained, list) or not all(isinstance(r, dict) for r in contained):
        return {}, [f"contained: expected a list of resources (JSON objects), got {shown(contained)}"]
    found = [r for r in contained if isinstance(r, dict) and r.get("id") == reference[1:]]
    if len(found) != 1 or found[0].get("resourceType") != "Questionnaire":
        return {}, [f"contained: no Questionnaire with id {shown(reference[1:])}"]
    questionnaire = found[0]
    problems = []
    if questionnaire.get("url") not in (None, url):
        problems.append(
            f"contained Questionnaire: url {shown(questionnaire.get('url'))} is another questionnaire; expected {url}"
        )
    if questionnaire.get("version") not in (None, version):
        problems.append(f"contained Questionnaire: version {shown(questionnaire.get('version'))} is not {version}")
    if not isinstance(questionnaire.get("item", []), list):
        problems.append("contained Questionnaire: item must be a list")
    return questionnaire, problems


def _complete(kb: KnowledgeBase, response: dict[str, Any], questionnaire: dict[str, Any], flow: Flow) -> dict[str, Any]:
    """The last reply: the outcome, and an early stop recorded (so the response reads back)."""
    assessment = flow.assessment
    d = assessment.disposition
    if flow.finish_status() == "stopped-early":
        fhir = settings(kb)
        record = make_record(kb, d.id, tuple(r.id for r in assessment.reasons))
        extensions = response.get("extension")
        others = (
            [e for e in extensions if isinstance(e, dict) and e.get("url") != stop_url(fhir)]
            if isinstance(extensions, list)
            else []
        )
        response["extension"] = [*others, stop_extension(kb, fhir, record)]
    questionnaire.setdefault("item", []).append(
        {"linkId": OUTCOME_LINK, "type": "display", "text": f"{d.title} ({d.timeframe}). {d.summary}"}
    )
    response["status"] = "completed"
    response["contained"] = [
        r for r in response["contained"] if not (isinstance(r, dict) and r.get("id") in OUTCOME_IDS)
    ] + outcome_resources(assessment, contained=True)
    return response
