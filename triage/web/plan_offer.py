"""The walking plan a finished questionnaire offers (urgency 0 only), and the web's today.

The plan is the library's (``make_plan``) for the answers "Download my answers" saves, so
the plan file is byte for byte what ``triage plan`` writes for that answers file and the same
start date. The start date is the server's today (``today()``): the library has no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app

from ..assessment import assess
from ..plan import Plan, PlanError, make_plan
from .journey import Step, answers_file

CLOCK = "TODAY"  # app.config: a function giving today's date (tests fix it); default date.today


def today() -> date:
    """The server's local date, as ``triage plan`` and ``triage checkin`` take the machine's;
    ``app.config["TODAY"]`` (a function returning a date) replaces it."""
    clock: Callable[[], date] | None = current_app.config.get(CLOCK)
    return clock() if clock is not None else date.today()


def plan_for(step: Step, start: date | None = None) -> Plan | None:
    """The plan for a finished questionnaire, starting today; None when there is none
    (urgency 1 or more: a professional sets one)."""
    try:
        return make_plan(assess(answers_file(step), kb=step.flow.kb), start or today())
    except PlanError:
        return None
