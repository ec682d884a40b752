"""The walking plan from the result page: the plan file to download, and the plan to print
(the printed plan is the library's ``render_plan``, as ``triage plan-report`` writes it).

Both are worked out again from the finished questionnaire in the state cookie (nothing is
kept), starting on the server's today (triage/web/plan_offer.py). At urgency 1 or more
there is no plan: these addresses then say so (404), as the result page offers nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from ..plan import Plan
from ..plan_file import plan_bytes
from .pages import finished_step
from .plan_offer import plan_for
from .render import document_response

plan_pages = Blueprint("plan_pages", __name__, template_folder="templates")

PLAN_FILE_NAME = "triage-plan.json"  # the name triage plan writes by default
NO_PLAN = "There is no walking plan for this result: a professional will set one with you. Your result says who to see"


def download(plan: Plan) -> Response:
    """The plan file as an attachment: the bytes triage plan and triage checkin write."""
    return Response(
        plan_bytes(plan),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{PLAN_FILE_NAME}"'},
    )


def no_plan() -> Response:
    html = render_template("error.html", title="No walking plan", problems=[NO_PLAN], status=404)
    return Response(html, status=404, mimetype="text/html")


def _plan() -> Plan | Response:
    step = finished_step()
    if isinstance(step, Response):
        return step
    plan = plan_for(step)
    return no_plan() if plan is None else plan


@plan_pages.get("/walking-plan.json")
def download_plan() -> Response:
    plan = _plan()
    return plan if isinstance(plan, Response) else download(plan)


def printable(plan: Plan, *, back: str, back_text: str, download_href: str, download_text: str) -> Response:
    """The printed plan (triage.report.plan_report.render_plan) as a page, with a bar to print
    it, download the plan file and go back (the bar is not printed)."""
    from ..report.plan_report import render_plan

    html = render_plan(plan)
    bar = render_template(
        "plan_print_actions.html", back=back, back_text=back_text, download_href=download_href,
        download_text=download_text,
    )  # fmt: skip
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/result.css">\n</head>', 1)
    html = html.replace("</body>", bar + '\n<script src="/static/print.js"></script>\n</body>', 1)
    return document_response(html)


@plan_pages.get("/walking-plan")
def print_plan() -> Response:
    plan = _plan()
    if isinstance(plan, Response):
        return plan
    return printable(
        plan, back="/result", back_text="Back to your result", download_href="/walking-plan.json",
        download_text="Download your walking plan",
    )  # fmt: skip
