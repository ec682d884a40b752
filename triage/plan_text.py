"""The walking plan in plain words: a week, and a check-in's result (terminal and tests).

Wording is rules/plan.toml [walking_plan.wording]; dates are written out ("Monday 5 January"),
not as day numbers, so the person needs no calendar arithmetic.
"""

from __future__ import annotations

from .checkin import CheckInResult
from .plan import Plan, Week

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip


def day_words(week: Week, n: int) -> str:
    d = week.day(n)
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def week_lines(plan: Plan, week: Week) -> list[str]:
    """A plan week as short lines: the walks, the pace, the days, strengthening, backward walking."""
    w = plan.params.wording
    last = day_words(week, plan.params.days_per_week)
    head = w["week_head"].format(week=week.week, weeks=plan.params.weeks, first=day_words(week, 1), last=last)
    if week.walks is None:
        return [f"{head}: {w['later_week']}."]
    pace = w["pace_comfortable"] if week.pace == "comfortable" else w["pace_brisk"]
    lines = [
        f"{head}:",
        "- "
        + w["walks"].format(
            walks=week.walks, minutes=week.minutes_per_walk, week_minutes=week.minutes_per_week, pace=pace
        ),
        "- " + w["walk_days"].format(days=_listed([day_words(week, d) for d in week.walk_days])),
        "- " + w["strengthening"].format(days=_listed([day_words(week, d) for d in week.strength_days])),
    ]
    if week.backward_minutes:
        days = _listed([day_words(week, d) for d in week.backward_days])
        lines.append("- " + w["backward_walking"].format(days=days, minutes=week.backward_minutes))
    if week.minimum:
        lines.append("- " + w["minimum"])
    return lines


def safety_net_lines(plan: Plan) -> list[str]:
    """When to get help, as a lead and a list of signs (NHS style: several signs as a list)."""
    p = plan.params
    return [p.wording["safety_net_lead"], *(f"- {sign}" for sign in p.safety_net_signs)]


def _print_line(plan: Plan, print_command: str | None) -> list[str]:
    """How to print the plan, when the front end has a command for it (the terminal does)."""
    return [plan.params.wording["print_plan"].format(command=print_command)] if print_command else []


def plan_lines(plan: Plan, file: str, print_command: str | None = None) -> list[str]:
    """The plan's current week with the check-in date, how to print the plan (given a
    command), the own-choice note and the safety net."""
    w = plan.params.wording
    week = plan.current_week
    lines = week_lines(plan, week)
    if plan.status == "active":
        lines += [
            "",
            w["check_in_when"].format(
                date=day_words(week, plan.params.earliest_day), day=plan.params.earliest_day, file=file
            ),
        ]
    lines += _print_line(plan, print_command)
    lines += ["", w["own_choice"], "", *safety_net_lines(plan)]
    return lines


def result_lines(result: CheckInResult, file: str, print_command: str | None = None) -> list[str]:
    """What a check-in gives: an escalation first, else the colour, the outcome, next week and
    how to print the plan (given a command; not after an escalation, which stays on what to
    do now)."""
    plan, c = result.plan, result.checkin
    w = plan.params.wording
    if result.escalated:
        d = result.disposition
        lines = [w["outcome_escalate"].format(title=d.title, timeframe=d.timeframe), *c.reasons, "", d.summary]
        if result.assessment is not None:
            lines += [f"- {a.text}" for a in result.assessment.advice if a.group == "now"][:3]
        return lines
    lines = [f"Week {c.week}: {w['colour_' + (c.colour or 'none')]}"]
    lines.append(w[f"outcome_{c.outcome}"])
    lines += list(c.reasons)
    if result.next_week is None:
        lines += ["", w["finished"], *_print_line(plan, print_command)]
    else:
        lines += ["", *week_lines(plan, result.next_week)]
        lines += [
            "",
            w["check_in_when"].format(
                date=day_words(result.next_week, plan.params.earliest_day), day=plan.params.earliest_day, file=file
            ),
            *_print_line(plan, print_command),
        ]
    lines += ["", w["own_choice"], "", *safety_net_lines(plan)]
    return lines
