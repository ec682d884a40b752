"""The walking-plan check-in on the web: upload the plan file, answer this week's questions
one per page, and get next week (or the escalation) and the updated plan file.

The questions, their order and their words are the terminal's (triage/checkin_steps.py);
the check-in itself is the library's ``check_in``. Post/Redirect/Get as in the questionnaire:
every form posts, the server answers ``303 See Other``, and every page a person sees is a GET,
so the browser's back button works. The state (the plan's trusted parts and the answers so
far) is in a sealed cookie of its own (triage/web/checkin_carry.py); nothing is stored here.
The check-in's date is the server's today when the file is uploaded (triage/web/plan_offer.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from ..checkin import CheckInResult, check_in, place
from ..checkin_steps import checkin_answers, next_item, question_for, record
from ..kb.load import load_knowledge_base
from ..plan import Plan, PlanError
from ..plan_file import plan_from, read_plan
from ..plan_text import day_words
from .carry import go, same_origin
from .checkin_carry import TooLong, clear, load, save
from .checkin_render import START, TITLE, opens, question_html, result_html, stopped_page
from .plan_offer import today
from .plan_pages import download, printable
from .render import document_response
from .state import read_reply

checkin_pages = Blueprint("checkin_pages", __name__, template_folder="templates")

RESULT = "/check-in/result"
MAX_PLAN_FILE = 48 * 1024  # bytes; a six-week plan with every check-in is about 11 KB


def question_path(qid: str) -> str:
    return f"{START}/questions/{qid}"


def _flash_to(path: str, problems: list[str], state: dict[str, Any] | None = None) -> Response:
    """Back to ``path`` with the problems shown there once (Post/Redirect/Get)."""
    return save(go(path), state or {}, {"path": path, "problems": problems[:10]})


# --- upload ---------------------------------------------------------------------------------------


@checkin_pages.get(START)
def start() -> Response:
    loaded = load()
    problems: list[str] = []
    if loaded is not None and loaded[1].get("path") == START:
        problems = [str(p) for p in loaded[1].get("problems", [])]
    html = render_template("checkin_start.html", title=TITLE, problems=problems, error=bool(problems))
    response = Response(html, mimetype="text/html")
    if problems and loaded is not None:  # the message is shown once
        save(response, loaded[0]) if "start" in loaded[0] else clear(response)
    return response


def _read_upload() -> tuple[str | None, list[str]]:
    upload = request.files.get("plan")
    if upload is None or not upload.filename:
        return None, ["Select your plan file"]
    data = upload.stream.read(MAX_PLAN_FILE + 1)
    if len(data) > MAX_PLAN_FILE:
        return None, [f"The file is bigger than {MAX_PLAN_FILE // 1024} KB, so it is not a plan file from this service"]
    if not data.strip():
        return None, ["The file is empty: select your plan file"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return None, ["The file is not a plan file: it is not text"]


@checkin_pages.post(START)
def upload() -> Response:
    if not same_origin():
        abort(403, description="This form must be sent from this site.")
    text, problems = _read_upload()
    if text is None:
        return _flash_to(START, problems)
    kb = load_knowledge_base()
    try:
        plan, notes = read_plan(text, kb)
    except PlanError as error:
        if error.urgency:  # a newer knowledge base, run on the plan's answers, needs someone now
            return stopped_page(None, error.problems)
        return _flash_to(START, ["This file cannot be used as your walking plan", *error.problems])
    when = today()
    state: dict[str, Any] = {
        "start": plan.start.isoformat(),
        "answers": plan.answers,
        "checkins": [c.answers for c in plan.checkins],
        "notes": notes,
        "date": when.isoformat(),
        "order": [],
    }
    if plan.status != "escalated":
        try:
            place(plan, when)
        except PlanError:
            return _flash_to(START, ["There is no check-in for this plan today", _outside(plan, when)])
    return _save_or_refuse(go(_next_path(plan, when, state)), state)


def _outside(plan: Plan, when: date) -> str:
    """Why a date has no check-in, in the web's words (the library's name terminal commands)."""
    if when < plan.start:
        return f"Your plan starts on {day_words(plan.weeks[0], 1)}. Check in from then"
    last = day_words(plan.weeks[-1], plan.params.days_per_week)
    return f"Your plan ended on {last}. To carry on with a plan, answer the questions again for a new one"


def _save_or_refuse(response: Response, state: dict[str, Any], flash: dict[str, Any] | None = None) -> Response:
    try:
        return save(response, state, flash)
    except TooLong as error:
        return _flash_to(START, [str(error)])


# --- the state, rebuilt ---------------------------------------------------------------------------


def _current() -> tuple[Plan, date, dict[str, Any], dict[str, Any]] | Response:
    """(the plan rebuilt from the cookie, the check-in's date, the answers so far, the one-time
    message), or a redirect to the upload page."""
    loaded = load()
    if loaded is None or "start" not in loaded[0]:
        return go(START)
    state, flash = loaded
    try:
        when = date.fromisoformat(state["date"])
        plan = plan_from(date.fromisoformat(state["start"]), state["answers"], state["checkins"], load_knowledge_base())
    except (KeyError, TypeError, ValueError, PlanError):
        # e.g. the knowledge base changed since the upload: upload the file again
        return _flash_to(START, ["Please upload your plan file again"])
    return plan, when, state, flash


def _next_path(plan: Plan, when: date, state: dict[str, Any]) -> str:
    if plan.status == "escalated":
        return RESULT
    item = next_item(plan, when, state)
    return RESULT if item is None else question_path(item[1].id)


def _back(state: dict[str, Any], qid: str) -> str:
    order = state.get("order", [])
    index = order.index(qid) if qid in order else len(order)
    return question_path(order[index - 1]) if index else START


# --- one question per page ------------------------------------------------------------------------


@checkin_pages.get(f"{START}/questions/<qid>")
def question_page(qid: str) -> Response:
    found = _current()
    if isinstance(found, Response):
        return found
    plan, when, state, flash = found
    item = next_item(plan, when, state) if plan.status != "escalated" else None
    if qid not in state.get("order", []) and (item is None or item[1].id != qid):
        return go(_next_path(plan, when, state))
    error = value = None
    if flash.get("path") == request.path:
        error = str((flash.get("problems") or [""])[0])
        value = flash.get("value") if isinstance(flash.get("value"), str) else None
    html = question_html(plan, when, state, qid, error=error, value=value, back=_back(state, qid))
    response = Response(html, mimetype="text/html")
    return save(response, state) if flash else response  # a message is shown once


@checkin_pages.post(f"{START}/answer")
def answer() -> Response:
    if not same_origin():
        abort(403, description="This form must be sent from this site.")
    found = _current()
    if isinstance(found, Response):
        return found
    plan, when, state, _ = found
    qid = request.form.get("question", "")
    item = next_item(plan, when, state) if plan.status != "escalated" else None
    if qid not in state.get("order", []) and (item is None or item[1].id != qid):
        return go(_next_path(plan, when, state))  # a stale form: carry on from the state
    question = question_for(plan, when, qid)
    assert question is not None
    reply = read_reply(question, request.form.get("value"), skip=request.form.get("action") == "skip")
    if reply.kind == "invalid":
        path = question_path(qid)
        typed = (request.form.get("value") or "")[:1000]  # shown again once, with its error
        flash = {"path": path, "problems": [reply.message], "value": typed}
        return _save_or_refuse(go(path), state, flash)
    record(state, qid, reply.value, skip=reply.kind == "skip")
    return _save_or_refuse(go(_next_path(plan, when, state)), state)


# --- the result -----------------------------------------------------------------------------------


def _done() -> tuple[Plan, date, dict[str, Any], CheckInResult | PlanError | None] | Response:
    """The check-in worked out (or why it gives nothing; None: the plan stopped before), or a
    redirect to the question still to answer."""
    found = _current()
    if isinstance(found, Response):
        return found
    plan, when, state, _ = found
    if plan.status == "escalated":
        return plan, when, state, None
    if next_item(plan, when, state) is not None:
        return go(_next_path(plan, when, state))
    try:
        return plan, when, state, check_in(plan, checkin_answers(state))
    except PlanError as error:
        return plan, when, state, error


@checkin_pages.get(RESULT)
def result() -> Response:
    done = _done()
    if isinstance(done, Response):
        return done
    plan, when, state, outcome = done
    back = _back(state, "") if state.get("order") else START
    if outcome is None:
        d = plan.kb.disposition_by_id[plan.disposition]
        return stopped_page(d, ["Your walking plan stopped at your last check-in."])
    if isinstance(outcome, PlanError):
        if outcome.too_early:
            week, _ = place(plan, when)
            words = plan.params.wording["web_nothing_new"].format(date=opens(plan, week))
            html = render_template("checkin_nothing.html", title="Nothing new", text=words, back=back)
            return Response(html, mimetype="text/html")
        html = render_template(
            "error.html", title="Your check-in cannot be added", problems=outcome.problems,
            again_href=START, again_text="Upload your plan file",
        )  # fmt: skip
        return Response(html, status=400, mimetype="text/html")
    return Response(result_html(plan, outcome, back), mimetype="text/html")


def _updated_plan() -> Plan | Response:
    """The plan with this check-in added, or where to go instead (nothing new: the result)."""
    done = _done()
    if isinstance(done, Response):
        return done
    outcome = done[3]
    return outcome.plan if isinstance(outcome, CheckInResult) else go(RESULT)


@checkin_pages.get(f"{START}/walking-plan.json")
def download_updated() -> Response:
    plan = _updated_plan()
    return plan if isinstance(plan, Response) else download(plan)


@checkin_pages.get(f"{START}/walking-plan")
def print_updated() -> Response:
    """The updated plan, printed (the library's render_plan)."""
    plan = _updated_plan()
    if isinstance(plan, Response):
        return plan
    href = f"{START}/walking-plan.json"
    return printable(
        plan, back=RESULT, back_text="Back to your check-in", download_href=href,
        download_text="Download your updated walking plan",
    )  # fmt: skip


@checkin_pages.get(f"{START}/report")
def full_result() -> Response:
    """The report for the answers run again at an escalation: why, and what to do (as the
    questionnaire's result page shows it)."""
    from ..report.report import render_report, report_time

    done = _done()
    if isinstance(done, Response):
        return done
    outcome = done[3]
    if not isinstance(outcome, CheckInResult) or not outcome.escalated or outcome.assessment is None:
        return go(RESULT)
    html = render_report(outcome.assessment, now=report_time())
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/result.css">\n</head>', 1)
    html = html.replace("</body>", render_template("checkin_report_actions.html") + "\n</body>", 1)
    return document_response(html)


@checkin_pages.post(f"{START}/start-again")
def start_again() -> Response:
    """Forget this check-in (nothing is kept here) and go back to the upload page."""
    response = go(START)
    clear(response)
    return response
