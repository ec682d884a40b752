"""The questionnaire pages (NHS service manual patterns): start, one question per page, check
before an ambulance, "Call 999 now", check your answers, and the result (the report).

Post/Redirect/Get: every form posts to ``/questions``, which applies the reply to the state
and answers ``303 See Other`` to the page that comes next; every page a person sees is a GET,
so the browser's back button shows the previous page again (with its answer) and never asks
to resubmit a form. The state travels in an encrypted cookie (triage/web/sealed.py), never in
a URL and never on the server. The page logic is triage/web/journey.py; this module renders it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from ..flow import Flow
from ..kb.load import load_knowledge_base
from .carry import clear, go, load, same_origin, save
from .journey import UNSET, Step, advance, answers_file, where
from .render import render_step, result_page
from .state import WebState

pages = Blueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

SERVICE = "Knee pain and walking"

# The page each step is shown at (a GET); a question's page is /questions/<id>.
PATHS = {
    "check-emergency": "/check-your-answer",
    "call-now": "/call-999",
    "check-answers": "/check-your-answers",
    "result": "/result",
    "too-young": "/too-young",
}


def step_path(step: Step) -> str:
    if step.page == "question" and step.question is not None:
        return f"/questions/{step.question.id}"
    return PATHS[step.page]


# --- the pages ----------------------------------------------------------------------------------


@pages.get("/")
def start() -> str:
    return render_template("start.html", title=SERVICE)


@pages.post("/questions")
def questions() -> Response:
    """Apply what was pressed, keep the state in the cookie, and send the browser to the next page."""
    if not same_origin():
        abort(403, description="This form must be sent from this site.")
    kb = load_knowledge_base()
    action = request.form.get("action", "")
    loaded = None if action == "start" else load()
    if loaded is None and action != "start":
        return go("/")  # no questionnaire in progress (started in another browser, or cleared)
    state = WebState() if loaded is None else loaded[0]
    step = advance(kb, state, request.form)
    if step.page == "too-young":
        response = go(PATHS["too-young"])
        clear(response)  # nothing kept of what was typed
        return response
    path = step_path(step)
    flash: dict[str, Any] = {}
    if step.error:
        value = step.value if isinstance(step.value, str) else None
        flash = {"path": path, "error": step.error, "value": value}
    return save(go(path), step.state, flash)


@pages.get("/questions")
def questions_get() -> Response:
    """The questionnaire's own address: where the person is now, or the start page."""
    loaded = load()
    if loaded is None:
        return go("/")
    kb = load_knowledge_base()
    return go(step_path(where(loaded[0], Flow(kb, loaded[0].progress))))


def _back_path(state: WebState, qid: str | None = None) -> str:
    """The page before this one: the reply given before it, or the start page."""
    history = state.progress.history
    if qid is not None and qid in history:
        index = history.index(qid)
        return f"/questions/{history[index - 1]}" if index else "/"
    return f"/questions/{history[-1]}" if history else "/"


def _page(html: str, state: WebState, flash: dict[str, Any]) -> Response:
    response = Response(html, mimetype="text/html")
    return save(response, state) if flash else response  # a message is shown once


@pages.get("/questions/<qid>")
def question_page(qid: str) -> Response:
    """A question, with the answer already given shown; a question not reached yet (or no
    longer asked) sends the browser to where the person is."""
    kb = load_knowledge_base()
    loaded = load()
    if loaded is None:
        return go("/")
    state, flash = loaded
    flow = Flow(kb, state.progress)
    current = where(state, flow)
    question = kb.question_by_id.get(qid)
    progress = state.progress
    given = question is not None and (qid in progress.answers or qid in progress.skipped)
    if question is None or not (given or (current.page == "question" and current.question is question)):
        return go(step_path(current))
    step = Step("question", state, flow, question, progress.answers.get(qid, UNSET))
    if flash.get("path") == request.path:
        step.error = str(flash.get("error") or "")
        if isinstance(flash.get("value"), str):
            step.value = flash["value"]
    changing = request.args.get("from") == "check" and current.page == "check-answers"
    back = PATHS["check-answers"] if changing else _back_path(state, qid)
    return _page(render_step(step, back=back, changing=changing), state, flash)


def _at(page: str) -> tuple[Step, dict[str, Any]] | Response:
    """The step for one of the fixed pages, or a redirect to where the state leads."""
    kb = load_knowledge_base()
    loaded = load()
    if loaded is None:
        return go("/")
    state, flash = loaded
    step = where(state, Flow(kb, state.progress))
    if page == "check-emergency" and step.page == "call-now":
        step.page = "check-emergency"  # back from "Call 999 now": the check again, answered yes
        step.value = "yes"
    if page == "result":
        step = advance(kb, state, {"action": "result"})
    if step.page != page:
        return go(step_path(step))
    if flash.get("path") == PATHS[page]:
        step.error = str(flash.get("error") or "")
    else:
        flash = {}
    return step, flash


def _page_with_back(page: str) -> Response:
    """A check page: rendered with its back link, or a redirect to where the person is."""
    found = _at(page)
    if isinstance(found, Response):
        return found
    step, flash = found
    return _page(render_step(step, back=_back_path(step.state)), step.state, flash)


@pages.get("/check-your-answer")
def check_emergency_page() -> Response:
    return _page_with_back("check-emergency")


@pages.get("/call-999")
def call_now_page() -> Response:
    found = _at("call-now")
    return found if isinstance(found, Response) else _page(render_step(found[0]), found[0].state, found[1])


@pages.get("/check-your-answers")
def check_answers_page() -> Response:
    return _page_with_back("check-answers")


@pages.get("/result")
def result() -> Response:
    found = _at("result")
    return found if isinstance(found, Response) else result_page(found[0])


@pages.get("/too-young")
def too_young() -> str:
    kb = load_knowledge_base()
    help_items = [kb.advice[a] for a in kb.under_18 if a in kb.advice]  # the 999 and same-day signs
    return render_template("too_young.html", title="This tool is for adults", help_items=help_items)


@pages.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)  # no icon; and no 404 in every browser's console


@pages.post("/start-again")
def start_again() -> Response:
    """Nothing is stored here; drop the state cookie and anything else the browser kept."""
    response = go("/")
    clear(response)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def finished_step() -> Step | Response:
    """The questionnaire's finished step (the result), or a redirect to where the person is."""
    kb = load_knowledge_base()
    loaded = load()
    if loaded is None:
        return go("/")
    step = advance(kb, loaded[0], {"action": "result"})
    return step if step.page == "result" else go(step_path(step))


@pages.get("/answers.json")
def download_answers() -> Response:
    step = finished_step()
    if isinstance(step, Response):
        return step
    body = json.dumps(answers_file(step), indent=2, ensure_ascii=False) + "\n"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="triage-answers.json"'},
    )


@pages.get("/report.pdf")
def download_pdf() -> Response:
    from ..report.report import pdf_available, render_pdf, render_report, report_time

    if not pdf_available():
        abort(404)
    step = finished_step()
    if isinstance(step, Response):
        return step
    pdf = render_pdf(render_report(step.assessment, now=report_time()))
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": 'attachment; filename="triage-report.pdf"'}
    )
