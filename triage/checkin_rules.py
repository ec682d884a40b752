"""The check-in's two decisions, as small pure functions (the safety tests break copies of them):
the traffic light of a week, and what it means for the next week. Numbers: rules/plan.toml.
"""

from __future__ import annotations

from .kb.plan_params import PlanParameters


def colour_of(p: PlanParameters, baseline: int, done: int | None, pain: int | None, morning: str | None) -> str | None:
    """green, amber or red: the worst that applies. None when no walk was done."""
    if not done or pain is None:
        return None
    if pain > max(p.amber_max, baseline + p.amber_above_baseline) or morning == "much-worse":
        return "red"
    if pain > max(p.green_max, baseline) or morning != "yes":
        return "amber"
    return "green"


def outcome_of(
    p: PlanParameters,
    colour: str | None,
    done: int | None,
    planned: int,
    *,
    red_flag: bool,
    changes: bool,
    two_reds: bool,
) -> tuple[str, tuple[str, ...]]:
    """(outcome, reasons in plain words). Ordered escalate < back < repeat < up."""
    num, den = p.up_walks_done
    w = p.wording
    if two_reds:
        return "escalate", (w["two_red_weeks"],)
    if colour == "red":
        outcome, reasons = "back", (w["rest"],)
    elif colour == "green" and done is not None and den * done >= num * planned:
        outcome, reasons = "up", ()
    elif colour == "green":
        outcome, reasons = "repeat", (w["reason_fewer_walks"],)
    elif colour == "amber":
        outcome, reasons = "repeat", (w["reason_amber"],)
    else:
        outcome, reasons = "repeat", (w["reason_no_walks"],)
    if red_flag and outcome in ("repeat", "up"):
        outcome, reasons = "back", (*reasons, w["reason_red_flag"])
    elif changes and outcome == "up":
        outcome, reasons = "repeat", (*reasons, w["reason_changes"])
    return outcome, reasons
