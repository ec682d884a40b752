"""The outcome as a FHIR R4 Bundle (type collection).

QuestionnaireResponse (the answers the engine saw), RiskAssessment (the disposition as a
qualitative risk, the fired rules as reasons), CarePlan (the advice as activities) and, for
urgency 1 or more, a ServiceRequest (priority from rules/dispositions.toml, the timeframe as
text). Ids are name-based UUIDs of the knowledge base and the answers, and nothing carries
a clock time, so the same answers give the same bytes in any process.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ..answers import ValidAnswers
from ..assessment import Assessment
from ..early_stop import make_record
from ..kb.records import Advice
from .response import response_for
from .settings import FhirSettings, settings

CONTAINED_IDS = {"QuestionnaireResponse": "", "RiskAssessment": "risk", "CarePlan": "plan", "ServiceRequest": "request"}


def build_bundle(assessment: Assessment, *, provisional: bool = False) -> dict[str, Any]:
    """The outcome. ``provisional``: from a response still in progress whose answers already
    give an urgent result (``assess_response``): the RiskAssessment is "preliminary"."""
    kb = assessment.kb
    fhir = settings(kb)
    seed = json.dumps([kb.sha256, assessment.answers], sort_keys=True, ensure_ascii=False)
    ids = {
        kind: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{fhir.canonical}/{kind}/{seed}')}" for kind in CONTAINED_IDS
    }
    valid = ValidAnswers(assessment.answers, assessment.warnings)  # validated by assess(): not again
    early = assessment.early_stop
    stop = make_record(kb, early.disposition, early.because) if early is not None else None
    status = "in-progress" if provisional else "completed"
    response = {**response_for(kb, valid, status=status, stop=stop), "subject": _subject(fhir, assessment)}
    resources = [response, *outcome_resources(assessment, refs=ids, provisional=provisional)]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": ids[r["resourceType"]], "resource": r} for r in resources],
    }


def outcome_resources(
    assessment: Assessment, *, refs: dict[str, str] | None = None, contained: bool = False, provisional: bool = False
) -> list[dict[str, Any]]:
    """RiskAssessment, CarePlan and (urgency 1 or more) ServiceRequest. ``refs`` gives the
    reference of each resource type; ``contained`` gives them ids and '#' references instead,
    to sit inside the QuestionnaireResponse they were made from."""
    fhir = settings(assessment.kb)
    if contained:
        refs = {kind: f"#{local}" for kind, local in CONTAINED_IDS.items()}
    assert refs is not None
    subject = _subject(fhir, assessment)
    risk = risk_assessment(fhir, assessment, subject, refs)
    if provisional:
        risk["status"] = "preliminary"
        risk["note"] = [{"text": fhir.text["provisional_note"]}, *risk.get("note", [])]
    resources = [risk, care_plan(fhir, assessment, subject, refs)]
    priority = fhir.priority.get(assessment.urgency)
    if assessment.urgency >= 1 and priority:
        resources.append(service_request(fhir, assessment, subject, refs, priority))
    if contained:
        resources = [
            {"resourceType": r["resourceType"], "id": CONTAINED_IDS[r["resourceType"]], **r} for r in resources
        ]
    return resources


def _subject(fhir: FhirSettings, assessment: Assessment) -> dict[str, str]:
    name = assessment.answers.get("name")
    unnamed = fhir.text["subject_unnamed"]
    return {"display": name if isinstance(name, str) and name.strip() else unnamed}


def _disposition_concept(fhir: FhirSettings, assessment: Assessment) -> dict[str, Any]:
    d = assessment.disposition
    coded = {"system": fhir.system("disposition"), "code": d.id, "display": d.title}
    return {"coding": [coded], "text": d.title}


def _not_sure_notes(fhir: FhirSettings, assessment: Assessment) -> list[dict[str, str]]:
    questions = assessment.kb.question_by_id
    note = fhir.text["not_sure_note"]
    return [{"text": note.format(question=questions[qid].text)} for qid in assessment.not_sure]


def risk_assessment(
    fhir: FhirSettings, assessment: Assessment, subject: dict[str, str], ids: dict[str, str]
) -> dict[str, Any]:
    kb, d = assessment.kb, assessment.disposition
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": subject,
        "method": {"text": f"triage knowledge base {kb.version} (sha256 {kb.sha256})"},
        "basis": [{"reference": ids["QuestionnaireResponse"]}],
        "prediction": [
            {
                "outcome": {"text": d.summary},
                "qualitativeRisk": _disposition_concept(fhir, assessment),
                "rationale": fhir.text["rationale"].format(
                    urgency=d.urgency, top=max(x.urgency for x in kb.dispositions), timeframe=d.timeframe
                ),
            }
        ],
        "mitigation": d.summary,
    }
    if assessment.fired:
        resource["reasonCode"] = [
            {"coding": [{"system": fhir.system("rule"), "code": r.id, "display": r.title}], "text": r.because}
            for r in assessment.fired
        ]
    notes = _not_sure_notes(fhir, assessment)
    if notes:
        resource["note"] = notes
    return resource


def _activity(fhir: FhirSettings, item: Advice) -> dict[str, Any]:
    description = f"{item.text} {item.details}".strip()
    code = {"coding": [{"system": fhir.system("advice"), "code": item.id, "display": item.group}], "text": item.group}
    return {"detail": {"code": code, "status": "not-started", "description": description}}


def care_plan(
    fhir: FhirSettings, assessment: Assessment, subject: dict[str, str], ids: dict[str, str]
) -> dict[str, Any]:
    d = assessment.disposition
    return {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "proposal",
        "category": [_disposition_concept(fhir, assessment)],
        "title": d.title,
        "description": d.summary,
        "subject": subject,
        "supportingInfo": [{"reference": ids["RiskAssessment"]}, {"reference": ids["QuestionnaireResponse"]}],
        "activity": [_activity(fhir, a) for a in (*assessment.advice, *assessment.safety_net)],
    }


def service_request(
    fhir: FhirSettings, assessment: Assessment, subject: dict[str, str], ids: dict[str, str], priority: str
) -> dict[str, Any]:
    d = assessment.disposition
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "proposal",
        "priority": priority,
        "code": _disposition_concept(fhir, assessment),
        "subject": subject,
        "occurrenceTiming": {"code": {"text": d.timeframe}},
        "reasonReference": [{"reference": ids["RiskAssessment"]}],
        "supportingInfo": [{"reference": ids["QuestionnaireResponse"]}],
        "patientInstruction": d.summary,
    }
    notes = _not_sure_notes(fhir, assessment)
    if notes:
        resource["note"] = notes
    return resource
