"""The printed plan's view model: a Plan arranged as plain data for reports/plan.html.j2.

Every word a person reads comes from rules/plan.toml (the plan's wording and the printout's
words) or the knowledge base; this module only chooses and orders. No I/O beyond reading the
knowledge base's files (the printout's words, the drawings), no clock: the dates are the plan's.
"""

from __future__ import annotations

from typing import Any

from ..kb.plan_printout import DRAWINGS_DIR, Drawing, Printout, load_printout
from ..plan import CheckIn, Plan, Week, capped_ladder
from ..plan_text import _MONTHS, day_words, week_lines
from .plan_chart import Row, chart
from .view import _sources

# The plan.toml sections whose sources the printout lists (what the calendar's numbers rest on).
PLAN_SECTIONS = ("walking_plan", "target", "ladder", "start", "pace", "days", "traffic_light")


def short_date(week: Week, n: int) -> str:
    d = week.day(n)
    return f"{d.day} {_MONTHS[d.month - 1][:3]}"


def _item(text: str, blank: str | None = None, after: str = "") -> dict[str, str | None]:
    return {"text": text, "blank": blank, "after": after}


def _cells(
    plan: Plan, week: Week, words: dict[str, str], checkin_day: int | None, pattern: Week | None = None
) -> list[dict[str, Any]]:
    """One cell per day: its date and the things to do, each with a box. A week not set yet
    (``pattern`` given) has the walking days of ``pattern`` (the last week set) and a blank
    for the minutes, to write in at the check-in."""
    days = pattern or week
    cells = []
    for n in range(1, plan.params.days_per_week + 1):
        items: list[dict[str, str | None]] = []
        if n in days.walk_days:
            if pattern is None:
                items.append(_item(words["walk_cell"].format(minutes=week.minutes_per_walk)))
            else:
                before, _, after = words["walk_blank_cell"].partition("{blank}")
                items.append(_item(before, words["blank_label"], after))
        if n in days.backward_days:
            items.append(_item(words["backward_cell"].format(minutes=days.backward_minutes)))
        if n in days.strength_days:
            items.append(_item(words["strength_cell"]))
        cells.append({"date": short_date(week, n), "todo": items, "checkin": n == checkin_day})
    return cells


def _walk_counts(plan: Plan, step: int, weeks_on: int) -> set[int]:
    """How many walks a week can have ``weeks_on`` weeks after a week at ``step`` (one step a
    week at most, up or back)."""
    ladder = capped_ladder(plan.params)
    return {walks for walks, _ in ladder[max(0, step - weeks_on) : step + weeks_on + 1]}


def _calendar(plan: Plan, words: dict[str, str]) -> list[dict[str, Any]]:
    """A row per week, each with its 7 dated days. Weeks not set yet show the last set week's
    walking days with the minutes blank (docs/plan.md "The printout"); weeks after a stop say so."""
    p = plan.params
    weeks = plan.weeks
    stopped_after = plan.checkins[-1].week if plan.status == "escalated" else None
    checkin_day = p.earliest_day if plan.status == "active" else None
    last_set = max((w for w in weeks if w.step is not None), key=lambda w: w.week)
    rows = []
    for week in weeks:
        stopped = stopped_after is not None and week.week > stopped_after
        later = week.step is None and not stopped
        pace = week.pace or (None if stopped else "comfortable" if week.week <= p.comfortable_weeks else "brisk")
        note = None
        if stopped:
            note = words["stopped_row"]
        elif later:
            assert last_set.step is not None
            counts = _walk_counts(plan, last_set.step, week.week - last_set.week)
            key = "later_row" if counts == {last_set.walks} else "later_row_days"
            note = words[key].format(date=short_date(weeks[week.week - 2], p.earliest_day))
        rows.append({
            "week": week.week,
            "label": words["week_label"].format(week=week.week),
            "span": f"{short_date(week, 1)} to {short_date(week, p.days_per_week)}",
            "set": not stopped,
            "later": later,
            "walks": last_set.walks if later else week.walks,
            "minutes": week.minutes_per_walk,
            "minimum": week.minimum,
            "pace": None if pace is None else words["pace_" + pace],
            "note": note,
            "cells": [] if stopped else _cells(plan, week, words, checkin_day, last_set if later else None),
        })  # fmt: skip
    return rows


def _week_checkin(checkins: list[CheckIn]) -> tuple[CheckIn, dict[str, Any]]:
    """A week's check-in as the table shows it: the last one (its colour is already the worse
    of the two, its outcome the lower), with the walks and pain of the last that asked them."""
    answered = [c for c in checkins if "walks_done" in c.answers]
    return checkins[-1], (answered[-1].answers if answered else {})


def _progress(plan: Plan, words: dict[str, str]) -> tuple[list[dict[str, Any]], list[Row]]:
    p = plan.params
    weeks = plan.weeks
    morning = dict(p.next_morning_choices)
    by_week: dict[int, list[CheckIn]] = {}
    for c in plan.checkins:
        by_week.setdefault(c.week, []).append(c)
    table, rows = [], []
    for n, checkins in sorted(by_week.items()):
        last, answers = _week_checkin(checkins)
        week = weeks[n - 1]
        done = answers.get("walks_done")
        minutes = None if done is None or week.minutes_per_walk is None else done * week.minutes_per_walk
        pain = answers.get("pain_during") if done else None
        rows.append(Row(n, done, week.walks, minutes, week.minutes_per_week, pain))
        table.append({
            "week": n,
            "dates": f"{short_date(week, 1)} to {short_date(week, p.days_per_week)}",
            "walks": words["not_answered"] if done is None else words["walks_of"].format(done=done, planned=week.walks),
            "minutes": words["not_answered"] if minutes is None
            else words["minutes_of"].format(done=minutes, planned=week.minutes_per_week),
            "pain": words["not_answered"] if pain is None else str(pain),
            "morning": morning.get(answers.get("next_morning"), words["not_answered"])
            if done
            else words["not_answered"],
            "colour": last.colour,
            "colour_words": p.wording["colour_" + (last.colour or "none")],
            "next": words["next_finished"]
            if n == p.weeks and last.outcome != "escalate"
            else words["next_" + last.outcome],
            "minutes_value": minutes,
            "pain_value": pain,
        })  # fmt: skip
    return table, rows


def _sources_listed(plan: Plan, drawings: list[Drawing]) -> list[dict[str, str]]:
    """Each source once, by title: the plan's numbers, then the drawings'."""
    cites = [c for s in PLAN_SECTIONS for c in plan.params.citations.get(s, ())]
    if any(w.backward_minutes for w in plan.weeks):
        cites += plan.params.citations.get("backward_walking", ())
    cites += [c for d in drawings for c in d.cite]
    seen: dict[str, dict[str, str]] = {}
    for ref in _sources(plan.kb, cites):
        seen.setdefault(ref.key, {"key": ref.key, "title": ref.title})
    return list(seen.values())


def plan_context(plan: Plan, printout: Printout | None = None) -> dict[str, Any]:
    """Everything reports/plan.html.j2 shows, as plain data."""
    printout = printout or load_printout(plan.kb)
    words, p = printout.words, plan.params
    wording = p.wording
    d = plan.kb.disposition_by_id[plan.disposition]
    first_d = plan.kb.disposition_by_id[plan.first_disposition]
    weeks = plan.weeks
    current = plan.current_week
    backward = any(w.backward_minutes for w in weeks if w.walks is not None) and plan.status != "escalated"
    # A plan that stopped shows no exercises: whoever sees the person sets them.
    shown = [
        x
        for x in printout.drawings
        if plan.status != "escalated" and (x.show == "strengthening" or (backward and x.show == "backward_walking"))
    ]
    table, rows = _progress(plan, words)
    status_line = None
    if plan.status == "escalated":
        status_line = words["stopped"].format(title=d.title)
    elif plan.status == "finished":
        status_line = words["finished"]
    return {
        "words": words,
        "wording": wording,
        "kb_version": plan.kb.version,
        "status": plan.status,
        "status_line": status_line,
        "escalation": {
            "reasons": list(plan.checkins[-1].reasons),
            # The summary only when it says more than the title (it can be the title again).
            "summary": d.summary if d.summary.rstrip(".").lower() != d.title.lower() else None,
            "timeframe": d.timeframe,
        }
        if plan.status == "escalated"
        else None,
        "for_result": words["for_result"].format(title=first_d.title),
        "safety_net_signs": list(p.safety_net_signs),
        "weeks_span": words["weeks_span"].format(
            first=day_words(weeks[0], 1), last=day_words(weeks[-1], p.days_per_week)
        ),
        "this_week": None if plan.status != "active" else week_lines(plan, current),
        "checkin_from": None
        if plan.status != "active"
        else words["checkin_from"].format(date=day_words(current, p.earliest_day), day=p.earliest_day),
        "day_names": [day_words(weeks[0], n).split()[0] for n in range(1, p.days_per_week + 1)],
        "calendar": _calendar(plan, words),
        "progress": table,
        "chart": chart(rows, p.weeks, p.target) if rows else None,
        "drawings": [
            {
                "id": x.id,
                "title": x.title,
                "alt": x.alt,
                "steps": x.steps,
                "show": x.show,
                "file": f"{DRAWINGS_DIR}/{x.file}",
            }
            for x in shown
        ],
        "backward": backward,
        "sources": _sources_listed(plan, shown),
    }
