"""The printed plan's 6-week calendar (docs/plan.md "The printout"): every week a row of 7
dated days. A week set shows its walks and minutes; a week not set yet shows the walking
days of the last week set, a blank for the minutes and the boxes to tick, and says when the
minutes are set. It says "and days" exactly when the number of walks can change by then."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from plan_support import checkin_answers, plan_for
from test_plan_report import CASES, escalated, six_checkins

from triage.checkin import check_in
from triage.plan import Plan, capped_ladder, move
from triage.report import plan_view
from triage.report.plan_report import render_plan
from triage.report.plan_view import short_date


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def calendar_rows(html: str) -> list[dict[str, Any]]:
    """The calendar's rows as data: the week's heading, and per day its date and its items
    (text, whether it has a box and a blank to write in), and the check-in mark."""
    body = html.split('id="calendar"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = []
    for tr in re.findall(r"<tr class=\"(\w+)\">(.*?)</tr>", body, re.S):
        kind, inner = tr
        head = re.search(r'<th scope="row"[^>]*>(.*?)</th>', inner, re.S)
        assert head is not None
        days = []
        for td in re.findall(r"<td>(.*?)</td>", inner, re.S):
            date = re.search(r'<span class="date">(.*?)</span>', td)
            chunks = td.split('<span class="item')[1:]  # each item up to the next
            items = [c.split(">", 1)[1] for c in chunks if c.startswith('">')]
            days.append({
                "date": date.group(1) if date else None,
                "items": [
                    {"text": _text(i), "box": 'class="box"' in i, "blank": 'class="blank"' in i} for i in items
                ],
                "checkin": 'class="item checkin"' in td,
            })  # fmt: skip
        rows.append({"kind": kind, "head": _text(head.group(1)), "days": days, "merged": "colspan=" in inner,
                     "text": _text(inner)})  # fmt: skip
    return rows


def reachable_walks(plan: Plan, step: int, weeks_on: int) -> set[int]:
    """Every number of walks a week can have ``weeks_on`` check-ins after a week at ``step``:
    each outcome sequence played through the library's own `move`."""
    ladder = capped_ladder(plan.params)
    found = set()
    for outcomes in itertools.product(("up", "repeat", "back"), repeat=weeks_on):
        s = step
        for outcome in outcomes:
            s = move(plan.params, s, outcome)
        found.add(ladder[s][0])
    return found


def calendar_problems(html: str, plan: Plan) -> list[str]:
    """What is wrong with the calendar of an active or finished plan (empty: nothing)."""
    p = plan.params
    rows = calendar_rows(html)
    found = [] if len(rows) == p.weeks else [f"{len(rows)} rows"]
    last_set = max((w for w in plan.weeks if w.step is not None), key=lambda w: w.week)
    for week, row in zip(plan.weeks, rows, strict=False):
        n = week.week
        dates = [(week.start + timedelta(days=d)) for d in range(p.days_per_week)]
        if [d["date"] for d in row["days"]] != [f"{d.day} {d:%b}" for d in dates]:
            found.append(f"week {n}: the days are {[d['date'] for d in row['days']]}")
            continue
        pattern = week if week.step is not None else last_set
        for day, cell in enumerate(row["days"], 1):
            walks = [i for i in cell["items"] if i["text"].startswith("Walk")]
            if (day in pattern.walk_days) != (len(walks) == 1):
                found.append(f"week {n} day {day}: walks {walks}")
            if (day in pattern.strength_days) != any(i["text"] == "Exercises" for i in cell["items"]):
                found.append(f"week {n} day {day}: exercises")
            if (day in pattern.backward_days) != any(i["text"].startswith("Backward") for i in cell["items"]):
                found.append(f"week {n} day {day}: backward walking")
            if not all(i["box"] for i in cell["items"]):
                found.append(f"week {n} day {day}: an item without a box")
            if (day == p.earliest_day and plan.status == "active") != cell["checkin"]:
                found.append(f"week {n} day {day}: the check-in mark")
            for walk in walks:
                if week.step is not None and (walk["blank"] or walk["text"] != f"Walk {week.minutes_per_walk} min"):
                    found.append(f"week {n} day {day}: {walk['text']!r}, not the week's minutes")
                if week.step is None and (not walk["blank"] or re.search(r"\d", walk["text"])):
                    found.append(f"week {n} day {day}: {walk['text']!r}, not a blank for the minutes")
        if week.step is None:
            opens = short_date(plan.weeks[n - 2], p.earliest_day)
            may_change = reachable_walks(plan, last_set.step, n - last_set.week) != {last_set.walks}
            said = "Minutes and days set" if may_change else "Minutes set"
            if f"{said} at your check-in on {opens}." not in row["head"]:
                found.append(f"week {n}: {row['head']!r} should say {said!r} ... {opens}")
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_week_is_a_row_of_seven_dated_days(case: str) -> None:
    plan = plan_for(CASES[case])
    rows = calendar_rows(render_plan(plan))
    assert [len(r["days"]) for r in rows] == [7] * 6 and not any(r["merged"] for r in rows)
    assert calendar_problems(render_plan(plan), plan) == []


def test_a_plan_part_way_and_a_finished_plan() -> None:
    plan = plan_for(CASES["V10"])
    for week in (1, 2):
        plan = check_in(plan, checkin_answers(plan, week)).plan
    html = render_plan(plan)
    assert calendar_problems(html, plan) == []
    rows = calendar_rows(html)
    assert [r["kind"] for r in rows] == ["set"] * 3 + ["later"] * 3
    assert "Walk 20 min" in str(rows[0]) and "Walk 30 min" in str(rows[2])  # V10 starts at 3 x 20
    finished = six_checkins()
    assert finished.status == "finished" and calendar_problems(render_plan(finished), finished) == []


def test_the_days_note_is_said_exactly_when_the_walks_can_change() -> None:
    """V10 starts at 3 x 20: by week 4 it can reach 4 x 30 (other days), by week 3 not."""
    plan = plan_for(CASES["V10"])
    heads = [r["head"] for r in calendar_rows(render_plan(plan))]
    assert "Minutes set at your check-in on 9 Jan." in heads[1]
    assert "Minutes set at your check-in on 16 Jan." in heads[2]
    assert "Minutes and days set at your check-in on 23 Jan." in heads[3]
    # The check bites: a copy that never says "and days" (or always does) is caught.
    with pytest.MonkeyPatch.context() as m:
        m.setattr(plan_view, "_walk_counts", lambda plan, step, weeks_on: {3})
        assert any("should say 'Minutes and days set'" in x for x in calendar_problems(render_plan(plan), plan))
        m.setattr(plan_view, "_walk_counts", lambda plan, step, weeks_on: {3, 4})
        assert any("should say 'Minutes set'" in x for x in calendar_problems(render_plan(plan), plan))


def test_the_calendar_check_bites_on_a_broken_copy() -> None:
    plan = plan_for(CASES["V06"])
    html = render_plan(plan)
    assert calendar_problems(html, plan) == []
    first_later = html.split('<tr class="later">')[1]
    no_blank = html.replace(first_later, first_later.replace('<span class="blank">', "20<span>", 1), 1)
    assert any("not a blank" in x for x in calendar_problems(no_blank, plan))
    no_box = html.replace('<span class="box" aria-hidden="true"></span>Exercises', "Exercises", 1)
    assert any("without a box" in x for x in calendar_problems(no_box, plan))
    dropped_day = re.sub(r"<td>\s*<span class=\"date\">12 Jan</span>.*?</td>", "", html, count=1, flags=re.S)
    assert any("the days are" in x for x in calendar_problems(dropped_day, plan))


def test_a_stopped_plan_says_so_for_the_weeks_after_the_stop() -> None:
    plan = escalated()
    rows = calendar_rows(render_plan(plan))
    assert [r["kind"] for r in rows] == ["set"] * 2 + ["stopped"] * 4
    assert all(r["merged"] and r["text"].endswith("Plan stopped") for r in rows[2:])
    assert not any(d["checkin"] for r in rows for d in r["days"])  # no check-in after a stop
