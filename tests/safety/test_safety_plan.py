"""The walking plan's safety properties (walking-plan.md, "Safety properties"; docs/plan.md),
as hypothesis tests over generated plans and check-in sequences, against the real knowledge
base, the real rules/plan.toml and the real engine. Each property is shown to bite: a broken
copy of the code (a mutant, patched in for one test) makes it fail.

1. No plan at urgency 1 or more; backward walking only for try-backward-walking, and none
   after a re-run that no longer gives it.
2. A check-in with a red flag "yes" or "not sure" never gives repeat or up, and never a lower
   urgency than before or than the assessment run again.
3. Monotone: worse answers (fewer walks, more pain, worse next morning) never give a higher
   outcome (escalate < back < repeat < up). 0 walks is not "worse" here: with no walk, pain
   during walks is not asked (walking-plan.md: no colour, repeat).
4. Every step up follows a green check-in for the week before.
5. No week above the 150-minute target, except walk-normally (minutes are a minimum).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import assume, find, given, note, settings
from hypothesis import strategies as st
from plan_support import START, checkin_answers, same_red_flags, urgency0_cases
from safety_support import BACKGROUNDS, answer_sets

import triage.checkin
import triage.plan
from triage import AnswersError, assess, load_knowledge_base
from triage.checkin import CheckInResult, check_in, red_flags_for_everyone, updated_answers
from triage.checkin_rules import outcome_of
from triage.plan import OUTCOMES, Plan, PlanError, make_plan

KB = load_knowledge_base()
URGENCY = {d.id: d.urgency for d in KB.dispositions}
NEAR = [answers for _, answers in urgency0_cases()] + [BACKGROUNDS["osteoarthritis-with-pain"]]
EVERYONE = [q for q in KB.questions if q.red_flag and not q.asked_when]


# --- generators ---------------------------------------------------------------------------------


@st.composite
def plans(draw: st.DrawFn, params: Any = None) -> Plan:
    """A plan for a shared urgency-0 case, its pain and walking tolerance redrawn."""
    answers = dict(draw(st.sampled_from(NEAR)))
    if answers.get("pain_score"):
        answers["pain_score"] = draw(st.integers(1, 6))
        answers["walking_tolerance"] = draw(
            st.sampled_from([*KB.question_by_id["walking_tolerance"].choice_values, ...])
        )
        answers = {k: v for k, v in answers.items() if v is not ...}
    try:
        assessment = assess(answers, kb=KB)
    except AnswersError:
        assume(False)
    assume(assessment.urgency == 0)
    return make_plan(assessment, START, params=params)


@st.composite
def red_flag_change(draw: st.DrawFn, plan: Plan) -> dict[str, Any]:
    """One red-flag question asked of everyone answered "not sure", or another choice."""
    question = draw(st.sampled_from(EVERYONE))
    values: list[Any] = [None, *(question.choice_values if question.type == "choice" else [True, False])]
    return {question.id: draw(st.sampled_from(values))}


@st.composite
def weekly(draw: st.DrawFn, plan: Plan, week: int) -> dict[str, Any]:
    planned = plan.weeks_through(week)[week - 1].walks or 0
    now = draw(red_flag_change(plan)) if draw(st.integers(0, 4)) == 0 else {}
    changes = draw(st.sampled_from(["no", "no", "no", "yes", "not-sure"]))
    early = None in now.values() and draw(st.booleans())
    answers = checkin_answers(
        plan, week, draw(st.integers(0, planned)), draw(st.integers(0, 10)),
        draw(st.sampled_from(["yes", "a-bit-worse", "much-worse"])),
        day=draw(st.integers(1, 4)) if early else draw(st.integers(5, 7)), now=now, changes=changes,
    )  # fmt: skip
    # a new answer may make follow-ups asked (a new injury): answer them least worryingly
    when = START.fromisoformat(answers["date"])
    while missing := triage.checkin.missing_required(KB, updated_answers(plan, when, answers["now"])):
        for question in missing:
            least = {"boolean": False, "integer": question.min}.get(question.type)
            answers["now"][question.id] = question.choice_values[0] if question.type == "choice" else least
    return answers


Run = list[tuple[Plan, dict[str, Any], CheckInResult]]


def run(draw: st.DrawFn, plan: Plan) -> Run:
    """Six weeks: each week checked in (maybe twice) or missed, until the plan stops."""
    steps: Run = []
    for week in range(1, plan.params.weeks + 1):
        for _ in range(draw(st.sampled_from([1, 1, 1, 0, 2]))):
            answers = draw(weekly(plan, week))
            try:
                result = check_in(plan, answers)
            except PlanError as error:
                assume(not any(m in str(error) for m in ("too early", "not answered", "before the last check-in")))
                raise
            steps.append((plan, answers, result))
            plan = result.plan
            if plan.status == "escalated":
                return steps
    return steps


# --- the properties, as functions returning violations ------------------------------------------


def red_flag_in(plan: Plan, answers: dict[str, Any]) -> int | None:
    """The independent oracle: None if no red flag; else the urgency of the answers run again."""
    now = answers["now"]
    carried = plan.current_answers or plan.answers
    if not any(v is None or carried.get(k) != v for k, v in now.items()):
        return None
    urgency = assess(updated_answers(plan, START.fromisoformat(answers["date"]), now), kb=KB).urgency
    unsure = any(now.get(q.id, 0) is None for q in EVERYONE)
    return urgency if urgency >= 1 or unsure else None


def violations(steps: Run) -> Iterator[str]:
    for before, answers, result in steps:
        c = result.checkin
        urgency = red_flag_in(before, answers)
        if urgency is not None:
            if c.outcome in ("repeat", "up"):
                yield f"week {c.week}: red flag, outcome {c.outcome}"
            if URGENCY[c.disposition] < max(urgency, URGENCY[before.disposition]):
                yield f"week {c.week}: red flag, {c.disposition} below urgency {urgency}"
        if c.rerun and c.rerun[0] not in before.params.backward_for:
            later = [w for w in result.plan.weeks if w.week > c.week and w.backward_minutes]
            if later:
                yield f"week {c.week}: backward walking goes on after a re-run gave {c.rerun[0]}"
    if steps:
        plan = steps[-1][2].plan
        last = {c.week: c for c in plan.checkins}
        weeks = plan.weeks
        for prev, week in itertools.pairwise(weeks):
            stepped_up = week.step is not None and prev.step is not None and week.step > prev.step
            if stepped_up and getattr(last.get(prev.week), "colour", None) != "green":
                yield f"week {week.week}: a step up after a week that was not green"
        for week in weeks:
            if week.minutes_per_week and week.minutes_per_week > plan.params.target and not week.minimum:
                yield f"week {week.week}: {week.minutes_per_week} minutes, above the target"
            if week.backward_minutes and plan.first_disposition not in plan.params.backward_for:
                yield f"week {week.week}: backward walking in a plan for {plan.first_disposition}"


@st.composite
def runs(draw: st.DrawFn) -> Run:
    return run(draw, draw(plans()))


# --- the tests ----------------------------------------------------------------------------------


@given(answer_sets(KB))
def test_no_plan_at_urgency_1_or_more(answers) -> None:
    try:
        assessment = assess(answers, kb=KB)
    except AnswersError:
        return
    if assessment.urgency >= 1:
        with pytest.raises(PlanError):
            make_plan(assessment, START)
    else:
        make_plan(assessment, START)


@given(runs())
def test_plan_properties_over_check_in_sequences(steps) -> None:
    note(str([(s[2].checkin.week, s[2].checkin.colour, s[2].checkin.outcome) for s in steps]))
    assert list(violations(steps)) == []


WORSE_MORNING = {"yes": ["a-bit-worse", "much-worse"], "a-bit-worse": ["much-worse"], "much-worse": []}


@given(st.data())
def test_worse_answers_never_give_a_higher_outcome(data) -> None:
    plan = data.draw(plans())
    answers = data.draw(weekly(plan, 1))
    assume(answers.get("walks_done"))
    worse = dict(answers)
    worse["walks_done"] = data.draw(st.integers(1, answers["walks_done"]))
    worse["pain_during"] = data.draw(st.integers(answers["pain_during"], 10))
    worse["next_morning"] = data.draw(
        st.sampled_from([answers["next_morning"], *WORSE_MORNING[answers["next_morning"]]])
    )
    a, b = check_in(plan, answers).checkin.outcome, check_in(plan, worse).checkin.outcome
    assert OUTCOMES.index(b) <= OUTCOMES.index(a), (answers, worse)


# --- each property bites: broken copies of the code ---------------------------------------------


@contextmanager
def patched(module: Any, name: str, replacement: Callable[..., Any]) -> Iterator[None]:
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


def find_violation(strategy: st.SearchStrategy[Run]) -> list[str]:
    found = find(
        strategy, lambda steps: bool(list(violations(steps))), settings=settings(max_examples=400, database=None)
    )
    return list(violations(found))


def test_bites_a_step_up_after_a_red_week() -> None:
    def up_after_red(p, colour, *args, **kwargs):
        outcome, reasons = outcome_of(p, colour, *args, **kwargs)
        return ("up" if colour == "red" and outcome == "back" else outcome), reasons

    with patched(triage.checkin, "outcome_of", up_after_red):
        problems = find_violation(runs())
    assert any("not green" in p for p in problems)


def test_bites_a_red_flag_check_in_that_lowers_the_disposition() -> None:
    def no_rerun(updated, kb):  # the assessment run again, but its result ignored
        return assess(updated, kb=kb)._replace(disposition=kb.dispositions[0])

    with patched(triage.checkin, "assess", no_rerun):
        problems = find_violation(runs())
    assert any("red flag" in p for p in problems)


def test_bites_a_ladder_that_ignores_the_target() -> None:
    real = load_plan_with_low_target()
    with patched(triage.plan, "capped_ladder", lambda p: p.ladder):
        problems = find_violation(runs_with(real))
    assert any("above the target" in p for p in problems)
    # the real code keeps to that target
    assert not list(violations(find(runs_with(real), lambda s: len(s) >= 3, settings=settings(database=None))))


def load_plan_with_low_target():
    """The real numbers with a lower target (45 minutes): most starts and steps are above it."""
    params = triage.plan.load_plan_parameters(KB)
    return params._replace(target=45)


def runs_with(params) -> st.SearchStrategy[Run]:
    @st.composite
    def strategy(draw: st.DrawFn) -> Run:
        plan = draw(plans(params))
        return run(draw, plan)

    return strategy()


def test_the_oracle_sees_not_sure_as_a_red_flag() -> None:
    plan = make_plan(assess(NEAR[0], kb=KB), START)
    answers = checkin_answers(plan, 1, now={EVERYONE[0].id: None})
    assert red_flag_in(plan, answers) is not None
    assert red_flag_in(plan, checkin_answers(plan, 1)) is None
    assert same_red_flags(plan) == {q.id: plan.answers[q.id] for q in red_flags_for_everyone(plan)}
