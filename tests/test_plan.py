"""The walking plan and its check-ins, as the library gives them (docs/plan.md)."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from helpers import CASES_DIR, base_answers, load_case
from plan_support import START, checkin_answers, day_of, plan_for, same_red_flags, urgency0_cases

from triage import AnswersError, assess, load_knowledge_base
from triage.checkin import check_in, red_flags_for_everyone, updated_answers
from triage.governance.check import check_knowledge_base
from triage.kb.paths import rules_dir
from triage.plan import PlanError, make_plan
from triage.plan_file import plan_bytes, read_plan
from triage.plan_text import plan_lines

KB = load_knowledge_base()


def answers_with(**changes):
    answers = base_answers() | changes
    return {k: v for k, v in answers.items() if v is not ...}


def raising_yes():
    """A red-flag question asked of everyone whose "yes" alone raises the urgency (from the KB)."""
    base = base_answers()
    for question in KB.questions:
        if question.red_flag and not question.asked_when and question.type == "boolean":
            try:
                if assess(base | {question.id: True}).urgency >= 1:
                    return question.id
            except AnswersError:  # needs follow-ups (an injury)
                continue
    raise AssertionError("no such question")


@pytest.mark.parametrize(("name", "answers"), urgency0_cases())
def test_every_shared_case_at_urgency_0_gets_a_plan(name, answers) -> None:
    plan = plan_for(answers)
    weeks = plan.weeks
    assert len(weeks) == 6 and weeks[0].walks and weeks[0].pace == "comfortable"
    assert all(w.walks is None for w in weeks[1:])  # "set at your check-in"
    assert [w.start for w in weeks] == [START + timedelta(days=7 * i) for i in range(6)]
    assert (weeks[0].backward_minutes > 0) == (plan.disposition == "try-backward-walking")
    assert weeks[0].minimum == (plan.disposition == "walk-normally")
    assert "own choice" in "\n".join(plan_lines(plan, "plan.json"))


def test_no_plan_above_urgency_0() -> None:
    assessment = assess(base_answers() | {raising_yes(): True})
    with pytest.raises(PlanError) as error:
        make_plan(assessment, START)
    assert error.value.urgency == assessment.urgency >= 1
    assert assessment.disposition.title in str(error.value)


@pytest.mark.parametrize(("tolerance", "pain", "minutes"), [
    ("under-10-min", 4, 5), ("10-to-30-min", 4, 10), ("over-30-min", 4, 20), (..., 4, 10), ("under-10-min", 0, 20),
])  # fmt: skip
def test_start_from_walking_tolerance(tolerance, pain, minutes) -> None:
    answers = answers_with(pain_score=pain, walking_tolerance=tolerance, walking_effect="aches-then-settles")
    if pain == 0:
        answers = base_answers()
    plan = plan_for(answers)
    assert (plan.weeks[0].walks, plan.weeks[0].minutes_per_walk) == (3, minutes)


def run(plan, *weeks):
    """Check in week after week: each item (walks, pain, morning)."""
    results = []
    for n, (walks, pain, morning) in enumerate(weeks, 1):
        result = check_in(plan, checkin_answers(plan, n, walks, pain, morning))
        plan = result.plan
        results.append(result)
    return plan, results


def test_green_up_amber_repeat_red_back_and_the_ladder() -> None:
    plan = plan_for(answers_with(pain_score=2, walking_tolerance="10-to-30-min", walking_effect="aches-then-settles"))
    plan, results = run(plan, (None, 2, "yes"), (None, 4, "yes"), (None, 6, "yes"), (2, 1, "yes"), (None, 1, "yes"))
    assert [r.checkin.colour for r in results] == ["green", "amber", "red", "green", "green"]
    assert [r.checkin.outcome for r in results] == ["up", "repeat", "back", "up", "up"]
    assert [w.minutes_per_walk for w in plan.weeks] == [10, 15, 15, 10, 15, 20]
    assert [w.pace for w in plan.weeks] == ["comfortable", *["brisk"] * 5]


def test_green_with_too_few_walks_repeats_and_zero_walks_have_no_colour() -> None:
    plan = plan_for(base_answers())
    first = check_in(plan, checkin_answers(plan, 1, 1))
    assert (first.checkin.colour, first.checkin.outcome) == ("green", "repeat")
    none = check_in(plan, checkin_answers(plan, 1, 0) | {"why_no_walks": "rain"})
    assert (none.checkin.colour, none.checkin.outcome) == (None, "repeat")


@pytest.mark.parametrize(("baseline", "pain", "morning", "colour"), [
    (2, 3, "yes", "green"), (2, 4, "yes", "amber"), (5, 5, "yes", "green"), (5, 7, "yes", "amber"),
    (5, 8, "yes", "red"), (2, 5, "yes", "amber"), (2, 6, "yes", "red"), (2, 0, "a-bit-worse", "amber"),
    (2, 0, "much-worse", "red"),
])  # fmt: skip
def test_traffic_light_against_the_baseline(baseline, pain, morning, colour) -> None:
    plan = plan_for(
        answers_with(pain_score=baseline, walking_tolerance="over-30-min", walking_effect="aches-then-settles")
    )
    result = check_in(plan, checkin_answers(plan, 1, None, pain, morning))
    assert result.checkin.colour == colour


def test_two_red_weeks_escalate_to_see_a_professional() -> None:
    plan = plan_for(base_answers())
    plan, results = run(plan, (None, 7, "yes"), (None, 1, "much-worse"))
    assert results[-1].escalated and results[-1].disposition.id == "see-a-professional"
    assert plan.status == "escalated" and all(w.walks is None for w in plan.weeks[2:])
    with pytest.raises(PlanError) as error:
        check_in(plan, checkin_answers(plan, 3))
    assert error.value.urgency == 1


def test_a_red_flag_reruns_the_assessment_and_escalates_first() -> None:
    plan = plan_for(base_answers())
    flag = red_flags_for_everyone(plan)[0].id
    for now in ({flag: None}, {raising_yes(): True}):  # not sure; yes
        result = check_in(plan, checkin_answers(plan, 1, now=now))
        assert result.escalated and result.checkin.red_flag
        assert result.assessment is not None and result.disposition == result.assessment.disposition
        assert result.disposition.urgency >= 1 and result.next_week is None


def test_a_check_in_before_day_5_needs_a_red_flag() -> None:
    plan = plan_for(base_answers())
    with pytest.raises(PlanError, match="too early"):
        check_in(plan, checkin_answers(plan, 1, day=3))
    early = check_in(plan, checkin_answers(plan, 1, day=3, now={raising_yes(): True}))
    assert early.escalated


def test_a_second_check_in_in_a_week_replaces_the_first_and_only_lowers() -> None:
    plan = plan_for(base_answers())
    amber = check_in(plan, checkin_answers(plan, 1, None, 5, "yes"))
    green = check_in(amber.plan, checkin_answers(amber.plan, 1, None, 1, "yes", day=6))
    assert green.checkin.replaces and green.checkin.outcome == "repeat"  # not up
    red = check_in(amber.plan, checkin_answers(amber.plan, 1, None, 9, "yes", day=7))
    assert red.checkin.outcome == "back"
    assert red.plan.weeks[0].step == 3 and red.plan.weeks[1].step == 2  # 3 x 20, then back to 3 x 15


def test_a_missed_week_repeats() -> None:
    plan = plan_for(answers_with(pain_score=2, walking_tolerance="10-to-30-min", walking_effect="aches-then-settles"))
    result = check_in(plan, checkin_answers(plan, 1))
    plan = result.plan
    later = check_in(plan, checkin_answers(plan, 3))
    steps = [w.minutes_per_walk for w in later.plan.weeks]
    assert steps[:4] == [10, 15, 15, 20]


def test_question_5_yes_never_steps_up() -> None:
    plan = plan_for(base_answers())
    result = check_in(plan, checkin_answers(plan, 1, changes="not-sure"))
    assert result.checkin.changes and result.checkin.outcome == "repeat" and result.assessment is not None


def test_injury_days_move_on_and_expire() -> None:
    answers = load_case(CASES_DIR / "V06.json")["answers"]
    plan = plan_for(answers)
    if not answers.get("injury"):
        injured = dict(plan.answers)
        injured |= {"injury": True, "injury_days_ago": 30}
        plan = plan._replace(current_answers=injured)
    moved = updated_answers(plan, date(2026, 1, 12), same_red_flags(plan) | {"injury": True})
    assert moved["injury_days_ago"] == 37
    expired = updated_answers(plan, date(2026, 1, 20), {})
    assert expired["injury"] is False and "injury_days_ago" not in expired


def test_the_plan_file_round_trips_and_a_changed_one_is_refused() -> None:
    plan = plan_for(base_answers())
    plan, _ = run(plan, (None, 2, "yes"), (None, 4, "yes"))
    data = plan_bytes(plan)
    again, notes = read_plan(data.decode(), KB)
    assert plan_bytes(again) == data and notes == []
    assert plan_bytes(plan_for(base_answers())) == plan_bytes(plan_for(base_answers()))  # byte for byte
    edited = json.loads(data)
    edited["weeks"][2]["minutes_per_walk"] = 30
    with pytest.raises(PlanError, match=r"weeks\[2\]"):
        read_plan(json.dumps(edited), KB)
    edited = json.loads(data)
    edited["checkins"][0]["answers"]["pain_during"] = 9
    with pytest.raises(PlanError, match="does not match"):
        read_plan(json.dumps(edited), KB)


def test_another_knowledge_base_reruns_the_assessment(tmp_path) -> None:
    plan = plan_for(base_answers())
    data = json.loads(plan_bytes(plan))
    data["knowledge_base"]["sha256"] = "0" * 64
    again, notes = read_plan(json.dumps(data), KB)
    assert notes and plan_bytes(again) == plan_bytes(plan)


def test_rules_check_catches_a_ladder_above_the_target(tmp_path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(rules_dir(), copy)
    text = (copy / "plan.toml").read_text(encoding="utf-8")
    (copy / "plan.toml").write_text(text.replace("minutes_per_week = 150", "minutes_per_week = 100"), encoding="utf-8")
    problems = check_knowledge_base(load_knowledge_base(copy))
    assert any("above the target" in p for p in problems)
    assert not [p for p in check_knowledge_base(KB) if "plan.toml" in p]


def test_rules_check_finds_every_plan_quote(tmp_path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(rules_dir(), copy)
    text = (copy / "plan.toml").read_text(encoding="utf-8")
    (copy / "plan.toml").write_text(
        text.replace("0-3/10 - Perfectly fine", "0-4/10 - Perfectly fine"), encoding="utf-8"
    )
    problems = check_knowledge_base(load_knowledge_base(copy))
    assert [p for p in problems if "quote not found in S57" in p]


def test_bad_check_in_answers_are_listed() -> None:
    plan = plan_for(base_answers())
    with pytest.raises(PlanError) as error:
        check_in(plan, {"date": "soon", "walks_done": 9, "now": {"nope": 1}, "changes": "maybe", "extra": 1})
    text = str(error.value)
    for part in ("date", "walks_done", "nope", "changes", "extra"):
        assert part in text
    with pytest.raises(PlanError, match="not answered"):
        check_in(plan, {"date": day_of(plan, 1), "walks_done": 3, "now": {}, "changes": "no"})
    with pytest.raises(PlanError, match="before the plan starts"):
        check_in(plan, checkin_answers(plan, 1) | {"date": "2025-12-01"})
    with pytest.raises(PlanError, match="ended"):
        check_in(plan, checkin_answers(plan, 1) | {"date": "2026-03-01"})


def test_a_new_injury_asks_its_follow_ups() -> None:
    plan = plan_for(base_answers())
    with pytest.raises(PlanError, match="injury_days_ago"):
        check_in(plan, checkin_answers(plan, 1, now={"injury": True}))
    from triage.checkin import next_now_question

    now = same_red_flags(plan) | {"injury": True}
    follow_up = next_now_question(plan, date(2026, 1, 9), now, None)
    assert follow_up is not None and follow_up != "changes" and follow_up.id == "injury_days_ago"
    while (question := next_now_question(plan, date(2026, 1, 9), now, None)) not in (None, "changes"):
        now[question.id] = 2 if question.type == "integer" else False if question.type == "boolean" else None
    result = check_in(plan, checkin_answers(plan, 1, now=now))
    assert result.assessment is not None and result.assessment.answers["injury_days_ago"] == 2
    assert result.escalated  # a "not sure" among the injury's own red flags


def test_unknown_keys_are_shown_escaped() -> None:
    plan = plan_for(base_answers())
    with pytest.raises(PlanError) as error:
        check_in(plan, checkin_answers(plan, 1) | {"\x1b[31mred": 1})
    assert "\x1b" not in str(error.value)


def test_a_newer_knowledge_base_with_more_questions_is_explained(tmp_path) -> None:
    plan = plan_for(base_answers())
    data = json.loads(plan_bytes(plan))
    data["knowledge_base"]["sha256"] = "0" * 64
    del data["answers"]["swelling"]
    with pytest.raises(PlanError, match="triage ask"):
        read_plan(json.dumps(data), KB)
