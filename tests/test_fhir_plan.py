"""The walking plan as FHIR R4: a CarePlan with scheduledTiming, the check-in Questionnaire and
each check-in as a QuestionnaireResponse to it, validated with fhir.resources (R4B models)."""

from __future__ import annotations

import pytest
from fhir_support import validate_resource
from helpers import base_answers
from plan_support import checkin_answers, plan_for, urgency0_cases

from triage.checkin import check_in, red_flags_for_everyone
from triage.fhir.plan import build_care_plan, build_checkin_questionnaire, build_checkin_response


def a_run():
    plan = plan_for(dict(urgency0_cases())["V10"])  # try-backward-walking
    for week, pain in ((1, 2), (2, 5), (3, 7)):
        plan = check_in(plan, checkin_answers(plan, week, None, pain)).plan
    flag = red_flags_for_everyone(plan)[1].id
    plan = check_in(
        plan, checkin_answers(plan, 4, 0, changes="not-sure", now={flag: None}) | {"why_no_walks": "rain"}
    ).plan
    return plan


@pytest.mark.parametrize(("name", "answers"), urgency0_cases())
def test_care_plan_for_every_case_at_urgency_0(name, answers) -> None:
    plan = plan_for(answers)
    care = build_care_plan(plan)
    validate_resource(care)
    walk = care["activity"][0]["detail"]
    repeat = walk["scheduledTiming"]["repeat"]
    week = plan.weeks[0]
    assert (repeat["frequency"], repeat["duration"], repeat["durationUnit"]) == (
        week.walks,
        week.minutes_per_walk,
        "min",
    )
    assert repeat["dayOfWeek"] == ["mon", "wed", "fri"]  # days 1, 3, 5 of a week starting on a Monday
    assert repeat["boundsPeriod"] == {"start": "2026-01-05", "end": "2026-01-11"}
    backward = [a for a in care["activity"] if a["detail"]["code"]["coding"][0]["code"] == "backward-walk"]
    assert bool(backward) == (plan.disposition == "try-backward-walking")
    assert "own choice" in care["description"]


def test_the_care_plan_follows_the_check_ins() -> None:
    plan = a_run()
    care = build_care_plan(plan)
    validate_resource(care)
    walks = [
        a["detail"]["scheduledTiming"]["repeat"]
        for a in care["activity"]
        if a["detail"]["code"]["coding"][0]["code"] == "walk"
    ]
    assert [w["duration"] for w in walks] == [w.minutes_per_walk for w in plan.weeks if w.walks]
    assert care["status"] == ("revoked" if plan.status == "escalated" else "active")


def test_checkin_questionnaire_and_responses_validate() -> None:
    plan = a_run()
    questionnaire = build_checkin_questionnaire(plan)
    validate_resource(questionnaire)
    links = {i["linkId"] for i in questionnaire["item"]} | {i["linkId"] for i in questionnaire["item"][4]["item"]}
    assert {q.id for q in red_flags_for_everyone(plan)} <= links
    for item in [*questionnaire["item"], *questionnaire["item"][4]["item"]]:
        assert all(c["question"] in links for c in item.get("enableWhen", []))
        if item["linkId"] in {q.id for q in red_flags_for_everyone(plan)}:
            assert item["text"].startswith("Now: ") and item["required"] is True
    for checkin in plan.checkins:
        response = build_checkin_response(plan, checkin)
        validate_resource(response)
        assert response["questionnaire"].startswith(questionnaire["url"] + "|")
        assert response["authored"] == checkin.date.isoformat()
        answered = {i["linkId"] for i in response["item"]} | {i["linkId"] for i in response["item"][-2]["item"]}
        assert answered <= links
        now = next(i for i in response["item"] if i["linkId"] == "now")
        assert {i["linkId"] for i in now["item"]} == set(checkin.answers["now"])
    last = build_checkin_response(plan, plan.checkins[-1])
    unsure = [
        i
        for i in next(i for i in last["item"] if i["linkId"] == "now")["item"]
        if i["answer"][0].get("valueCoding", {}).get("code") == "unsure"
    ]
    assert len(unsure) == 1


def test_walk_normally_is_a_minimum() -> None:
    plan = plan_for(base_answers())
    assert plan.weeks[0].minimum
    assert plan.params.wording["minimum"] in build_care_plan(plan)["activity"][0]["detail"]["description"]


def test_triage_fhir_plan_prints_a_valid_bundle(tmp_path) -> None:
    import json

    from helpers import run_cli

    from triage.plan_file import plan_bytes

    path = tmp_path / "plan.json"
    path.write_bytes(plan_bytes(a_run()))
    result = run_cli("fhir", "plan", str(path))
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.output)
    validate_resource(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["CarePlan", "Questionnaire", *["QuestionnaireResponse"] * 4]
    assert run_cli("fhir", "plan", str(path)).output == result.output
