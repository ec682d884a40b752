"""The printed plan's progress chart: pain and minutes walked by week, as shapes for an inline
SVG (reports/plan.html.j2 draws them). The numbers come from the progress rows, which the
table under the chart shows too: the table is the accessible version, the chart is hidden
from screen readers.
"""

from __future__ import annotations

from typing import Any, NamedTuple

WIDTH, HEIGHT = 640, 196
TOP, BOTTOM = 26, 160  # the plotting band (y); labels above and below
PANELS = ((44, 300), (384, 620))  # (left, right) x of the pain panel and the minutes panel
PAIN_MAX = 10


class Row(NamedTuple):
    """One plan week's check-in, as the table shows it (None: not asked or not done)."""

    week: int
    walks_done: int | None
    walks_planned: int | None
    minutes_walked: int | None
    minutes_planned: int | None
    pain: int | None


def _x(panel: int, week: int, weeks: int) -> float:
    left, right = PANELS[panel]
    step = (right - left) / weeks
    return round(left + step * (week - 0.5), 1)


def _y(value: float, top_value: float) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * (value / top_value), 1)


def chart(rows: list[Row], weeks: int, target: int) -> dict[str, Any]:
    """Everything the template draws: axes ticks, the pain points and line, the minutes bars."""
    top_minutes = max([target, *(r.minutes_planned or 0 for r in rows), *(r.minutes_walked or 0 for r in rows)])
    top_minutes = -(-top_minutes // 30) * 30  # a round top: ticks every 30 minutes
    bar = round((PANELS[1][1] - PANELS[1][0]) / weeks * 0.5, 1)
    pain = [
        {"week": r.week, "x": _x(0, r.week, weeks), "y": _y(r.pain, PAIN_MAX), "value": r.pain}
        for r in rows
        if r.pain is not None
    ]
    bars = [
        {
            "week": r.week,
            "x": round(_x(1, r.week, weeks) - bar / 2, 1),
            "cx": _x(1, r.week, weeks),
            "width": bar,
            "y": _y(r.minutes_walked or 0, top_minutes),
            "height": round(BOTTOM - _y(r.minutes_walked or 0, top_minutes), 1),
            "plan_y": _y(r.minutes_planned, top_minutes) if r.minutes_planned else None,
            "value": r.minutes_walked,
        }
        for r in rows
        if r.minutes_walked is not None
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "top": TOP,
        "bottom": BOTTOM,
        "panels": [{"left": left, "right": right} for left, right in PANELS],
        "weeks": [{"week": n, "x0": _x(0, n, weeks), "x1": _x(1, n, weeks)} for n in range(1, weeks + 1)],
        "pain_ticks": [{"value": v, "y": _y(v, PAIN_MAX)} for v in (0, 5, 10)],
        "minute_ticks": [{"value": v, "y": _y(v, top_minutes)} for v in range(0, top_minutes + 1, 30)],
        "pain": pain,
        "pain_line": " ".join(f"{p['x']},{p['y']}" for p in pain),
        "bars": bars,
    }
