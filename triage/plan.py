"""The walking plan: ``make_plan(assessment, start=date) -> Plan`` (docs/plan.md).

No I/O and no clock: the start date is an argument, the numbers are rules/plan.toml
(triage/kb/plan_params.py). The weeks are never stored as state: they are worked out from the
start step and the check-ins (triage/checkin.py), so a plan file can always be recomputed and
checked (triage/plan_file.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from .kb.plan_params import PlanParameters, load_plan_parameters
from .kb.records import KnowledgeBase

if TYPE_CHECKING:
    from .assessment import Assessment

# Check-in outcomes, lowest first: a later check-in in the same week can only lower it.
OUTCOMES = ("escalate", "back", "repeat", "up")
COLOURS = ("green", "amber", "red")  # best first


class PlanError(ValueError):
    """No plan can be made, or a plan file or check-in is refused; ``problems`` says why."""

    def __init__(self, problems: list[str], *, urgency: int = 0, too_early: bool = False):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.urgency = urgency  # > 0: refused because the person needs to see someone
        self.too_early = too_early  # a check-in before day 5 with nothing new: not an error, nothing to add


class Week(NamedTuple):
    week: int
    start: date
    step: int | None  # index on the ladder; None: set at the check-in before it
    walks: int | None
    minutes_per_walk: int | None
    pace: str | None  # comfortable | brisk
    walk_days: tuple[int, ...]
    strength_days: tuple[int, ...]
    backward_minutes: int  # 0: no backward walking this week
    backward_days: tuple[int, ...]
    minimum: bool  # the minutes are a minimum, not a cap (walk-normally)

    @property
    def minutes_per_week(self) -> int | None:
        return None if self.walks is None or self.minutes_per_walk is None else self.walks * self.minutes_per_walk

    def day(self, n: int) -> date:
        return self.start + timedelta(days=n - 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "set": self.step is not None,
            "step": self.step,
            "walks": self.walks,
            "minutes_per_walk": self.minutes_per_walk,
            "minutes_per_week": self.minutes_per_week,
            "minimum": self.minimum,
            "pace": self.pace,
            "walk_days": list(self.walk_days),
            "strengthening_days": list(self.strength_days),
            "backward_walking": {"minutes": self.backward_minutes, "days": list(self.backward_days)}
            if self.backward_minutes
            else None,
        }


class CheckIn(NamedTuple):
    week: int
    day: int  # of the plan week, 1 to 7
    date: date
    answers: dict[str, Any]  # as given (the file keeps them, to recompute everything else)
    colour: str | None  # green | amber | red; None with no walks done
    outcome: str  # escalate | back | repeat | up (after "can only lower" within the week)
    red_flag: bool
    changes: bool  # question 5 answered yes or not sure
    rerun: tuple[str, int] | None  # (disposition, urgency) of the assessment run again
    disposition: str  # the plan's disposition after this check-in (or the escalation)
    replaces: bool  # a second check-in in the same week
    reasons: tuple[str, ...]  # why this outcome, in plain words

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "day": self.day,
            "date": self.date.isoformat(),
            "answers": self.answers,
            "colour": self.colour,
            "outcome": self.outcome,
            "red_flag": self.red_flag,
            "changes": self.changes,
            "rerun": {"disposition": self.rerun[0], "urgency": self.rerun[1]} if self.rerun else None,
            "disposition": self.disposition,
            "replaces": self.replaces,
            "reasons": list(self.reasons),
        }


class Plan(NamedTuple):
    kb: KnowledgeBase
    params: PlanParameters
    start: date
    answers: dict[str, Any]  # the assessment's answers, as of the start date
    first_disposition: str
    start_step: int
    baseline_pain: int  # the assessment's pain_score: the traffic light's baseline
    checkins: tuple[CheckIn, ...] = ()
    # Worked out from the check-ins (checkin.py keeps them): the answers now and their date.
    current_answers: dict[str, Any] | None = None
    answers_date: date | None = None

    def __repr__(self) -> str:  # not the whole knowledge base
        return f"Plan({self.start}, {self.first_disposition}, step {self.start_step}, {len(self.checkins)} check-ins)"

    @property
    def disposition(self) -> str:
        return self.checkins[-1].disposition if self.checkins else self.first_disposition

    @property
    def status(self) -> str:
        """active, escalated (see someone: the plan stops) or finished (the last week checked in)."""
        if self.checkins and self.checkins[-1].outcome == "escalate":
            return "escalated"
        if self.checkins and self.checkins[-1].week >= self.params.weeks:
            return "finished"
        return "active"

    @property
    def weeks(self) -> tuple[Week, ...]:
        return plan_weeks(self)

    def weeks_through(self, week: int) -> tuple[Week, ...]:
        """The weeks with every week up to ``week`` set (weeks missed since the last check-in repeat)."""
        return plan_weeks(self, through=week)

    @property
    def current_week(self) -> Week:
        """The week to do now: the first week not checked in (the last one when finished)."""
        done = self.checkins[-1].week if self.checkins else 0
        return self.weeks[min(done, self.params.weeks - 1)]

    def to_dict(self) -> dict[str, Any]:
        """The plan file's content (docs/plan.md): everything a report or a web page renders."""
        return {
            "format": "triage-walking-plan",
            "format_version": 1,
            "start": self.start.isoformat(),
            "answers": self.answers,
            "disposition": self.disposition,
            "first_disposition": self.first_disposition,
            "status": self.status,
            "knowledge_base": {"version": self.kb.version, "sha256": self.kb.sha256},
            "parameters": {"sha256": self.params.sha256, "own_choice": list(self.params.own_choice)},
            "target_minutes_per_week": self.params.target,
            "baseline_pain": self.baseline_pain,
            "weeks": [w.to_dict() for w in self.weeks],
            "checkins": [c.to_dict() for c in self.checkins],
        }


def make_plan(assessment: Assessment, start: date, *, params: PlanParameters | None = None) -> Plan:
    """The plan for an assessment at urgency 0 (PlanError above it: a professional sets one)."""
    kb = assessment.kb
    params = params or load_plan_parameters(kb)
    if assessment.urgency > params.max_urgency:
        d = assessment.disposition
        raise PlanError([f"no walking plan at this result: {d.title}. {d.timeframe}."], urgency=d.urgency)
    if not isinstance(start, date):
        raise PlanError([f"the start must be a date, not {type(start).__name__}"])
    answers = dict(assessment.answers)
    return Plan(
        kb=kb,
        params=params,
        start=start,
        answers=answers,
        first_disposition=assessment.disposition.id,
        start_step=min(start_step(params, answers), len(capped_ladder(params)) - 1),
        baseline_pain=int(answers.get("pain_score") or 0),
        current_answers=answers,
        answers_date=start,
    )


def start_step(params: PlanParameters, answers: dict[str, Any]) -> int:
    """Where the ladder starts: from walking_tolerance; pain_score 0 or over 30 minutes: higher."""
    tolerance = answers.get("walking_tolerance")
    if answers.get("pain_score") == 0:
        minutes = params.start_pain_free
    elif tolerance in params.start_by_tolerance:
        minutes = params.start_by_tolerance[tolerance]
    else:
        minutes = params.start_unknown
    return params.ladder.index((params.ladder[0][0], minutes))


def capped_ladder(params: PlanParameters) -> tuple[tuple[int, int], ...]:
    """The ladder's steps within the weekly target (a step above it is never given)."""
    return tuple(step for step in params.ladder if step[0] * step[1] <= params.target) or params.ladder[:1]


def move(params: PlanParameters, step: int, outcome: str) -> int:
    top = len(capped_ladder(params)) - 1
    if outcome == "up":
        return min(step + 1, top)
    if outcome == "back":
        return max(step - 1, 0)
    return min(step, top)


def plan_weeks(plan: Plan, through: int = 0) -> tuple[Week, ...]:
    """Every plan week: set up to the week after the last check-in, or to ``through`` (a missed
    week repeats)."""
    p = plan.params
    ladder = capped_ladder(p)
    last: dict[int, CheckIn] = {c.week: c for c in plan.checkins}  # a later one in a week replaces
    done = max(last, default=0)
    known = max(done + 1, through)
    escalated = plan.status == "escalated"
    disposition = plan.first_disposition
    step: int | None = plan.start_step
    weeks = []
    for n in range(1, p.weeks + 1):
        if n > 1:
            before = last.get(n - 1)
            if before is not None:
                disposition = before.disposition
            step = (
                None
                if step is None or n > known or (escalated and n > done)
                else move(p, step, before.outcome if before else "repeat")
            )
        walks, minutes = ladder[step] if step is not None else (None, None)
        backward = disposition in p.backward_for and step is not None
        weeks.append(
            Week(
                week=n,
                start=plan.start + timedelta(days=p.days_per_week * (n - 1)),
                step=step,
                walks=walks,
                minutes_per_walk=minutes,
                pace=None if step is None else "comfortable" if n <= p.comfortable_weeks else "brisk",
                walk_days=p.walk_days.get(walks, ()) if walks else (),
                strength_days=p.strength_days,
                backward_minutes=p.backward_minutes if backward else 0,
                backward_days=p.backward_days if backward else (),
                minimum=disposition in p.minimum_for,
            )
        )
    return tuple(weeks)
