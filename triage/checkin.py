"""The weekly check-in: ``check_in(plan, answers) -> CheckInResult`` (docs/plan.md).

No I/O, no clock (the check-in's date is one of its answers). The answers:

    {"date": "YYYY-MM-DD", "walks_done": 3, "pain_during": 2, "next_morning": "yes",
     "why_no_walks": "...", "now": {question id: answer, ...}, "changes": "no"}

``now`` holds every red-flag question asked of everyone (null = not sure), in the
knowledge base's own ids and choices, plus any follow-up the updated answers make asked
(a new injury's questions; question 5's). ``next_now_question`` says which is still missing.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from .answers import AnswersError, asked_questions, check_value, missing_required, shown
from .assessment import Assessment, assess
from .checkin_rules import colour_of, outcome_of
from .kb.records import Disposition, Question
from .plan import OUTCOMES, CheckIn, Plan, PlanError, Week

KEYS = ("date", "walks_done", "pain_during", "next_morning", "why_no_walks", "now", "changes")
MAX_WHY = 500


class CheckInResult(NamedTuple):
    plan: Plan  # with this check-in added
    checkin: CheckIn
    disposition: Disposition  # the plan's, or the escalation's
    assessment: Assessment | None  # the assessment run again, when it was
    next_week: Week | None  # None when escalated or finished

    def __repr__(self) -> str:  # not the whole knowledge base
        c = self.checkin
        return f"CheckInResult(week {c.week} day {c.day}: {c.colour}, {c.outcome}, {self.disposition.id})"

    @property
    def escalated(self) -> bool:
        return self.checkin.outcome == "escalate"


def red_flags_for_everyone(plan: Plan) -> tuple[Question, ...]:
    """Question 4: every red-flag question asked of everyone, in knowledge-base order."""
    return tuple(q for q in plan.kb.questions if q.red_flag and not q.asked_when)


def place(plan: Plan, when: date) -> tuple[int, int]:
    """(plan week, day of that week) of a date; PlanError outside the plan."""
    days = (when - plan.start).days
    if days < 0:
        raise PlanError([f"date: {when.isoformat()} is before the plan starts ({plan.start.isoformat()})"])
    week, day = divmod(days, plan.params.days_per_week)
    if week >= plan.params.weeks:
        end = plan.weeks[-1].day(plan.params.days_per_week)
        raise PlanError([f"date: the plan ended on {end.isoformat()}; run triage assess again, or make a new plan"])
    return week + 1, day + 1


def updated_answers(plan: Plan, when: date, now: dict[str, Any]) -> dict[str, Any]:
    """The answers carried over (injury_days_ago moved on) with the check-in's on top; only
    answers to questions still asked are kept."""
    p = plan.params
    answers = dict(plan.current_answers or plan.answers)
    elapsed = (when - (plan.answers_date or plan.start)).days
    if answers.get("injury") is True and isinstance(answers.get("injury_days_ago"), int):
        days = answers["injury_days_ago"] + elapsed
        if days > p.injury_window_days:
            answers["injury"] = False
        else:
            answers["injury_days_ago"] = days
    if now.get("injury") is True and answers.get("injury") is not True:
        answers.pop("injury_days_ago", None)  # a new injury: its own follow-ups are asked
    answers.update(now)
    asked = {q.id for q in asked_questions(plan.kb, answers)}
    return {k: v for k, v in answers.items() if k in asked}


def next_now_question(
    plan: Plan, when: date, now: dict[str, Any], changes: str | None, skipped: frozenset[str] = frozenset()
) -> Question | str | None:
    """What to ask next after the traffic light: a Question, "changes" (question 5) or None.
    ``skipped``: optional questions left empty (not asked again)."""
    for question in red_flags_for_everyone(plan):
        if question.id not in now:
            return question
    for question in missing_required(plan.kb, updated_answers(plan, when, now)):
        return question
    if changes is None:
        return "changes"
    if changes != "no":
        asked = {q.id for q in asked_questions(plan.kb, updated_answers(plan, when, now))}
        for qid in plan.params.asks_again:
            if qid in asked and qid not in now and qid not in skipped:
                return plan.kb.question_by_id[qid]
        for question in missing_required(plan.kb, updated_answers(plan, when, now)):
            return question
    return None


def _read(plan: Plan, raw: Any) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise PlanError([f"check-in answers are one JSON object, not {type(raw).__name__}"])
    problems += [f"{shown(k)}: unknown check-in answer" for k in raw if k not in KEYS]
    out: dict[str, Any] = {}
    try:
        out["date"] = date.fromisoformat(raw.get("date"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        problems.append("date: must be a date, YYYY-MM-DD")
    for key, low, high in (("walks_done", 0, 7), ("pain_during", 0, 10)):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high):
            problems.append(f"{key}: must be a whole number from {low} to {high}")
        elif value is not None:
            out[key] = value
    morning = raw.get("next_morning")
    if morning is not None and morning not in dict(plan.params.next_morning_choices):
        problems.append(f"next_morning: must be one of {', '.join(dict(plan.params.next_morning_choices))}")
    elif morning is not None:
        out["next_morning"] = morning
    why = raw.get("why_no_walks")
    if why is not None and (not isinstance(why, str) or len(why) > MAX_WHY):
        problems.append(f"why_no_walks: text of at most {MAX_WHY} characters")
    changes = raw.get("changes")
    if changes not in dict(plan.params.changes_choices):
        problems.append(f"changes: must be one of {', '.join(dict(plan.params.changes_choices))}")
    out["changes"] = changes
    now = raw.get("now")
    out["now"] = {}
    if not isinstance(now, dict):
        problems.append("now: the red-flag answers, one JSON object")
    else:
        for key, value in now.items():
            question = plan.kb.question_by_id.get(key) if isinstance(key, str) else None
            if question is None:
                problems.append(f"now: {shown(key)}: unknown question")
                continue
            typed, problem = check_value(question, value)
            if problem:
                problems.append(f"now: {problem}")
            else:
                out["now"][key] = typed
    return out, problems


class _Given(NamedTuple):
    """A check-in's answers, checked: where it falls, and the answers as they are now."""

    raw: dict[str, Any]
    when: date
    week: int
    day: int
    planned: int
    done: int | None
    pain: int | None
    morning: str | None
    changes: bool
    now: dict[str, Any]
    updated: dict[str, Any]


def _given(plan: Plan, answers: dict[str, Any]) -> _Given:
    """Every problem with the answers at once (PlanError), else the answers, checked."""
    ci, problems = _read(plan, answers)
    if problems:
        raise PlanError(problems)
    when: date = ci["date"]
    week, day = place(plan, when)
    if plan.checkins and when < plan.checkins[-1].date:
        last = plan.checkins[-1].date.isoformat()
        raise PlanError([f"date: {when.isoformat()} is before the last check-in ({last})"])
    now: dict[str, Any] = ci["now"]
    missing = [q.id for q in red_flags_for_everyone(plan) if q.id not in now]
    updated = updated_answers(plan, when, now)
    missing += [q.id for q in missing_required(plan.kb, updated) if q.id not in missing]
    planned = plan.weeks_through(week)[week - 1].walks or 0
    done = ci.get("walks_done")
    if done is not None and done > planned:
        problems.append(f"walks_done: at most the {planned} planned walks")
    if done:
        missing += [k for k in ("pain_during", "next_morning") if k not in ci]
    if missing:
        problems.append(f"not answered: {', '.join(missing)}")
    if problems:
        raise PlanError(problems)
    return _Given(
        answers, when, week, day, planned, done, ci.get("pain_during"), ci.get("next_morning"),
        ci["changes"] != "no", now, updated,
    )  # fmt: skip


def _rerun(plan: Plan, g: _Given) -> tuple[Assessment | None, bool]:
    """The assessment run again when a "Now:" answer changed or is "not sure", or question 5
    is yes or not sure; and whether there is a red flag (a "not sure", or a rule at urgency
    1 or more fired by the answers now)."""
    carried = plan.current_answers or plan.answers
    unsure = any(g.now.get(q.id, False) is None for q in red_flags_for_everyone(plan))
    differs = any(carried.get(k, object()) != v for k, v in g.now.items())
    if not (g.changes or unsure or differs):
        return None, False
    try:
        rerun = assess(g.updated, kb=plan.kb)
    except AnswersError as error:
        raise PlanError(error.problems) from None
    urgency = plan.kb.disposition_by_id
    raised = any(r.floor and urgency[r.floor].urgency >= 1 for r in rerun.fired)
    return rerun, unsure or raised


def check_in(plan: Plan, answers: dict[str, Any]) -> CheckInResult:
    """One check-in: the traffic light, the red flags again, the next week or an escalation."""
    if plan.status == "escalated":
        d = plan.kb.disposition_by_id[plan.disposition]
        raise PlanError([f"the plan has stopped: {d.title}. {d.timeframe}."], urgency=d.urgency)
    p, kb = plan.params, plan.kb
    g = _given(plan, answers)
    rerun, red_flag = _rerun(plan, g)
    if g.day < p.earliest_day and not (red_flag or g.changes):
        first = plan.weeks_through(g.week)[g.week - 1].day(p.earliest_day)
        why = f"date: too early for week {g.week}'s check-in; check in from {first.isoformat()}"
        raise PlanError([f"{why}, or now only if something new worries you (a question under 'Now')"], too_early=True)
    previous = [c for c in plan.checkins if c.week == g.week]
    earlier = [c for c in plan.checkins if c.week < g.week]
    colour = colour_of(p, plan.baseline_pain, g.done, g.pain, g.morning)
    if previous and previous[-1].colour and (colour is None or COLOUR_RANK[previous[-1].colour] > COLOUR_RANK[colour]):
        colour = previous[-1].colour  # the worse of the two check-ins of one week
    two_reds = colour == "red" and bool(earlier) and earlier[-1].colour == "red"
    outcome, reasons = outcome_of(p, colour, g.done, g.planned, red_flag=red_flag, changes=g.changes, two_reds=two_reds)
    disposition = plan.disposition
    urgency = {d.id: d.urgency for d in kb.dispositions}
    if rerun is not None and rerun.urgency > max(urgency[disposition], urgency[p.escalate_to] if two_reds else 0):
        outcome, disposition = "escalate", rerun.disposition.id
        reasons = (p.wording["rerun_escalates"],)  # the week's colour no longer matters
    elif two_reds:
        disposition = p.escalate_to
    elif rerun is not None and disposition in p.backward_for and rerun.disposition.id not in p.backward_for:
        disposition = rerun.disposition.id  # backward walking stops from next week
        reasons = (*reasons, p.wording["reason_no_backward"])
    if previous and OUTCOMES.index(previous[-1].outcome) < OUTCOMES.index(outcome):
        outcome = previous[-1].outcome  # a second check-in in a week can only lower the outcome
    record = CheckIn(
        week=g.week, day=g.day, date=g.when, answers=g.raw, colour=colour, outcome=outcome, red_flag=red_flag,
        changes=g.changes, rerun=(rerun.disposition.id, rerun.urgency) if rerun else None,
        disposition=disposition, replaces=bool(previous), reasons=reasons,
    )  # fmt: skip
    new_plan = plan._replace(
        checkins=(*plan.checkins, record),
        current_answers=g.updated if rerun is not None else plan.current_answers,
        answers_date=g.when if rerun is not None else plan.answers_date,
    )
    nxt = None if outcome == "escalate" or g.week >= p.weeks else new_plan.weeks[g.week]
    return CheckInResult(new_plan, record, kb.disposition_by_id[disposition], rerun, nxt)


COLOUR_RANK = {"green": 0, "amber": 1, "red": 2}
