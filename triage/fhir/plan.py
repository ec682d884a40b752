"""The walking plan in FHIR R4: the plan as a CarePlan (one activity per walking, strengthening
and backward-walking schedule of each week that is set, with scheduledTiming), the check-in
as a Questionnaire, and each check-in as a QuestionnaireResponse to it (docs/fhir.md).

The check-in Questionnaire's "now" group is the knowledge base's own items (question_item:
the same texts, options and enableWhen as the main Questionnaire) for every red-flag question
asked of everyone, their follow-ups, and question 5's questions, enabled when question 5 is
not "no". A question whose asked-when depends on answers outside the check-in (age, sex) is
left out: FHIR's enableWhen can only point at items of the same Questionnaire.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..checkin import red_flags_for_everyone
from ..kb.records import KnowledgeBase, Question
from ..plan import CheckIn, Plan, Week
from .questionnaire import question_item
from .response import answer_item
from .settings import FhirSettings, settings

DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATUS = {"active": "active", "finished": "completed", "escalated": "revoked"}


def checkin_questionnaire_url(fhir: FhirSettings) -> str:
    return f"{fhir.questionnaire_url}-checkin"


def _timing(week: Week, days: tuple[int, ...], minutes: int, last_day: int) -> dict[str, Any]:
    return {
        "repeat": {
            "boundsPeriod": {"start": week.start.isoformat(), "end": week.day(last_day).isoformat()},
            "frequency": len(days),
            "period": 1,
            "periodUnit": "wk",
            **({"duration": minutes, "durationUnit": "min"} if minutes else {}),
            "dayOfWeek": [DAY_CODES[week.day(d).weekday()] for d in days],
        }
    }


def _activity(fhir: FhirSettings, code: str, text: str, description: str, timing: dict[str, Any]) -> dict[str, Any]:
    concept = {
        "coding": [{"system": fhir.system("walking-plan-activity"), "code": code, "display": text}],
        "text": text,
    }
    return {
        "detail": {
            "code": concept,
            "status": "not-started",
            "description": description,
            "scheduledTiming": timing,
        }
    }


def build_care_plan(plan: Plan) -> dict[str, Any]:
    """The plan as a CarePlan: the weeks that are set, each schedule an activity."""
    from ..plan_text import week_lines

    fhir = settings(plan.kb)
    p = plan.params
    d = plan.kb.disposition_by_id[plan.disposition]
    activities = []
    for week in plan.weeks:
        if week.walks is None:
            continue
        lines = week_lines(plan, week)
        walking = " ".join(
            x.removeprefix("- ") for x in [*lines[:3], *([p.wording["minimum"]] if week.minimum else [])]
        )
        activities.append(
            _activity(
                fhir,
                "walk",
                "Walk",
                walking,
                _timing(week, week.walk_days, week.minutes_per_walk or 0, p.days_per_week),
            )
        )
        activities.append(
            _activity(
                fhir,
                "strengthen",
                "Strengthening exercises",
                lines[3][2:],
                _timing(week, week.strength_days, 0, p.days_per_week),
            )
        )
        if week.backward_minutes:
            activities.append(
                _activity(
                    fhir,
                    "backward-walk",
                    "Backward walking",
                    lines[4][2:],
                    _timing(week, week.backward_days, week.backward_minutes, p.days_per_week),
                )
            )
    end = plan.start + timedelta(days=p.weeks * p.days_per_week - 1)
    name = plan.answers.get("name")
    return {
        "resourceType": "CarePlan",
        "status": STATUS[plan.status],
        "intent": "proposal",
        "category": [
            {"coding": [{"system": fhir.system("disposition"), "code": d.id, "display": d.title}], "text": d.title}
        ],
        "title": f"Walking plan: {p.weeks} weeks",
        "description": " ".join(
            (p.wording["own_choice"], p.wording["safety_net"], f"Later weeks: {p.wording['later_week']}.")
        ),
        "period": {"start": plan.start.isoformat(), "end": end.isoformat()},
        "subject": {"display": name if isinstance(name, str) and name.strip() else fhir.text["subject_unnamed"]},
        "activity": activities,
    }


def _now_questions(plan: Plan) -> list[Question]:
    """Question 4's questions, the required follow-ups whose asked-when stays inside them (a
    new injury's), and question 5's questions that are asked of everyone."""
    kb: KnowledgeBase = plan.kb
    chosen = {q.id for q in red_flags_for_everyone(plan)}
    chosen |= {q for q in plan.params.asks_again if q in kb.question_by_id and not kb.question_by_id[q].asked_when}
    growing = True
    while growing:
        growing = False
        for q in kb.questions:
            subjects = {atom.subject for group in q.asked_when for atom in group}
            if q.id not in chosen and q.required and subjects and subjects <= chosen:
                chosen.add(q.id)
                growing = True
    return [q for q in kb.questions if q.id in chosen]


def _choice_item(fhir: FhirSettings, link: str, text: str, choices: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    system = fhir.system(f"walking-plan-{link.replace('_', '-')}")
    return {
        "linkId": link,
        "text": text,
        "type": "choice",
        "required": True,
        "answerOption": [{"valueCoding": {"system": system, "code": c, "display": t}} for c, t in choices],
    }


def build_checkin_questionnaire(plan: Plan) -> dict[str, Any]:
    fhir = settings(plan.kb)
    p, w = plan.params, plan.params.wording
    walked = {"question": "walks_done", "operator": ">", "answerInteger": 0}
    morning = _choice_item(fhir, "next_morning", w["q_next_morning"], p.next_morning_choices)
    changes = _choice_item(fhir, "changes", w["q_changes"], p.changes_choices)
    no = changes["answerOption"][[c for c, _ in p.changes_choices].index("no")]["valueCoding"]
    now_items = []
    for question in _now_questions(plan):
        item = question_item(plan.kb, fhir, question)
        item["text"] = w["now_prefix"] + item["text"]
        if question.id in p.asks_again and question not in red_flags_for_everyone(plan):
            item["enableWhen"] = [{"question": "changes", "operator": "!=", "answerCoding": no}]
            item["required"] = False
        now_items.append(item)
    return {
        "resourceType": "Questionnaire",
        "id": f"{fhir.questionnaire_id}-checkin",
        "url": checkin_questionnaire_url(fhir),
        "version": fhir.version,
        "name": "KneeTriageWalkingPlanCheckIn",
        "title": "Walking plan: the weekly check-in",
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{w['own_choice']} {w['safety_net']}",
        "item": [
            {"linkId": "walks_done", "text": " ".join(w["q_walks_done"].format(planned="").split()), "type": "integer"},
            {"linkId": "why_no_walks", "text": w["q_why_no_walks"], "type": "string", "maxLength": 500,
             "enableWhen": [{"question": "walks_done", "operator": "=", "answerInteger": 0}]},
            {"linkId": "pain_during", "text": w["q_pain_during"], "type": "integer", "enableWhen": [walked]},
            {**morning, "enableWhen": [walked]},
            {"linkId": "now", "text": w["now_intro"], "type": "group", "item": now_items},
            changes,
        ],
    }  # fmt: skip


def build_checkin_response(plan: Plan, checkin: CheckIn) -> dict[str, Any]:
    """One check-in as a QuestionnaireResponse to the check-in Questionnaire."""
    fhir = settings(plan.kb)
    questionnaire = build_checkin_questionnaire(plan)
    options = {i["linkId"]: i.get("answerOption", []) for i in questionnaire["item"]}
    a = checkin.answers
    items: list[dict[str, Any]] = []
    for key in ("walks_done", "why_no_walks", "pain_during"):
        if key in a:
            value_key = "valueString" if key == "why_no_walks" else "valueInteger"
            items.append({"linkId": key, "answer": [{value_key: a[key]}]})
    for key in ("next_morning", "changes"):
        if key in a:
            coding = next(o["valueCoding"] for o in options[key] if o["valueCoding"]["code"] == a[key])
            items.append({"linkId": key, "answer": [{"valueCoding": coding}]})
    now = a.get("now", {})
    now_items = [answer_item(fhir, q, now[q.id]) for q in plan.kb.questions if q.id in now]
    items.insert(len(items) - ("changes" in a), {"linkId": "now", "item": now_items})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{checkin_questionnaire_url(fhir)}|{fhir.version}",
        "status": "completed",
        "authored": checkin.date.isoformat(),
        "item": items,
    }


def plan_bundle(plan: Plan) -> dict[str, Any]:
    """A Bundle (collection): the CarePlan, the check-in Questionnaire, one response per
    check-in. Ids are name-based UUIDs of the plan's content: the same plan, the same bytes."""
    import json
    import uuid

    seed = json.dumps(plan.to_dict(), sort_keys=True, ensure_ascii=False)
    resources = [
        build_care_plan(plan),
        build_checkin_questionnaire(plan),
        *(build_checkin_response(plan, c) for c in plan.checkins),
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{seed}/{n}')}", "resource": r}
            for n, r in enumerate(resources)
        ],
    }
