"""The questionnaire pages (NHS service manual patterns): start, one question per page, check
before an ambulance, "Call 999 now", check your answers, and the result (the report).

Post/Redirect/Get: every form posts to ``/questions``, which applies the reply to the state
and answers ``303 See Other`` to the page that comes next; every page a person sees is a GET,
so the browser's back button shows the previous page again (with its answer) and never asks
to resubmit a form. The state travels in an encrypted cookie (triage/web/sealed.py), never in
a URL and never on the server. The page logic is triage/web/journey.py; this module renders it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from ..ambulance_check import check_text, emergency_causes
from ..early_stop import RECORD_KEY
from ..flow import Flow
from ..kb.load import load_knowledge_base
from ..replies import number_words
from .headers import CSP
from .journey import UNSET, Step, advance, urgent_notice, where
from .sealed import SealError, chunk_names, open_sealed, read_token, seal, split_token
from .state import NOT_SURE, StateError, WebState, decode

pages = Blueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

SERVICE = "Knee pain and walking"
UNREADABLE = (
    "We could not read your answers. For your privacy they are kept for one hour only, "
    "and not after the service restarts. Please start again."
)

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


# --- the state cookie ---------------------------------------------------------------------------


def _load() -> tuple[WebState, dict[str, Any]] | None:
    """The state from the cookie and its one-time message (``flash``); None if there is none.
    A cookie that cannot be opened (changed, too old, another key) gives the 400 page."""
    token = read_token(request.cookies)
    if token is None:
        return None
    kb = load_knowledge_base()
    try:
        data = json.loads(open_sealed(current_app.config["STATE_KEY"], token))
        flash = data.pop("flash", None) if isinstance(data, dict) else None
        return decode(json.dumps(data), kb), flash if isinstance(flash, dict) else {}
    except (SealError, StateError, ValueError):
        abort(_unreadable())


def _unreadable() -> Response:
    response = Response(
        render_template("error.html", title="Please start again", problems=[UNREADABLE], status=400), status=400
    )
    _clear(response)
    return response


def _save(response: Response, state: WebState, flash: dict[str, Any] | None = None) -> Response:
    kb = load_knowledge_base()
    data = json.loads(state.encode(kb))
    if flash:
        data["flash"] = flash
    try:
        parts = split_token(seal(current_app.config["STATE_KEY"], json.dumps(data, ensure_ascii=False)))
    except SealError:
        abort(413, description="Your answers are too long to keep. Please shorten your notes.")
    names = chunk_names()
    for name, part in zip(names, parts, strict=False):
        response.set_cookie(name, part, httponly=True, samesite="Strict", secure=request.is_secure, path="/")
    for name in names[len(parts) :]:
        if name in request.cookies:
            response.delete_cookie(name, path="/", httponly=True, samesite="Strict", secure=request.is_secure)
    return response


def _clear(response: Response) -> None:
    for name in chunk_names():
        if name in request.cookies:
            response.delete_cookie(name, path="/", httponly=True, samesite="Strict", secure=request.is_secure)


def _go(path: str) -> Response:
    return redirect(path, code=303)


def _same_origin() -> bool:
    """A form posted from another site is refused (the cookie is SameSite=Strict as well)."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":  # no-referrer: browsers send "null"; SameSite=Strict still applies
        return True
    return urlsplit(origin).netloc == request.host


# --- the pages ----------------------------------------------------------------------------------


@pages.get("/")
def start() -> str:
    return render_template("start.html", title=SERVICE)


@pages.post("/questions")
def questions() -> Response:
    """Apply what was pressed, keep the state in the cookie, and send the browser to the next page."""
    if not _same_origin():
        abort(403, description="This form must be sent from this site.")
    kb = load_knowledge_base()
    action = request.form.get("action", "")
    loaded = None if action == "start" else _load()
    if loaded is None and action != "start":
        return _go("/")  # no questionnaire in progress (started in another browser, or cleared)
    state = WebState() if loaded is None else loaded[0]
    step = advance(kb, state, request.form)
    if step.page == "too-young":
        response = _go(PATHS["too-young"])
        _clear(response)  # nothing kept of what was typed
        return response
    path = step_path(step)
    flash: dict[str, Any] = {}
    if step.error:
        value = step.value if isinstance(step.value, str) else None
        flash = {"path": path, "error": step.error, "value": value}
    return _save(_go(path), step.state, flash)


@pages.get("/questions")
def questions_get() -> Response:
    """The questionnaire's own address: where the person is now, or the start page."""
    loaded = _load()
    if loaded is None:
        return _go("/")
    kb = load_knowledge_base()
    return _go(step_path(where(loaded[0], Flow(kb, loaded[0].progress))))


def _back_path(state: WebState, qid: str | None = None) -> str:
    """The page before this one: the reply given before it, or the start page."""
    history = state.progress.history
    if qid is not None and qid in history:
        index = history.index(qid)
        return f"/questions/{history[index - 1]}" if index else "/"
    return f"/questions/{history[-1]}" if history else "/"


def _page(html: str, state: WebState, flash: dict[str, Any]) -> Response:
    response = Response(html, mimetype="text/html")
    return _save(response, state) if flash else response  # a message is shown once


@pages.get("/questions/<qid>")
def question_page(qid: str) -> Response:
    """A question, with the answer already given shown; a question not reached yet (or no
    longer asked) sends the browser to where the person is."""
    kb = load_knowledge_base()
    loaded = _load()
    if loaded is None:
        return _go("/")
    state, flash = loaded
    flow = Flow(kb, state.progress)
    current = where(state, flow)
    question = kb.question_by_id.get(qid)
    progress = state.progress
    given = question is not None and (qid in progress.answers or qid in progress.skipped)
    if question is None or not (given or (current.page == "question" and current.question is question)):
        return _go(step_path(current))
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
    loaded = _load()
    if loaded is None:
        return _go("/")
    state, flash = loaded
    step = where(state, Flow(kb, state.progress))
    if page == "check-emergency" and step.page == "call-now":
        step.page = "check-emergency"  # back from "Call 999 now": the check again, answered yes
        step.value = "yes"
    if page == "result":
        step = advance(kb, state, {"action": "result"})
    if step.page != page:
        return _go(step_path(step))
    if flash.get("path") == PATHS[page]:
        step.error = str(flash.get("error") or "")
    else:
        flash = {}
    return step, flash


@pages.get("/check-your-answer")
def check_emergency_page() -> Response:
    found = _at("check-emergency")
    if isinstance(found, Response):
        return found
    step, flash = found
    return _page(render_step(step, back=_back_path(step.state)), step.state, flash)


@pages.get("/call-999")
def call_now_page() -> Response:
    found = _at("call-now")
    return found if isinstance(found, Response) else _page(render_step(found[0]), found[0].state, found[1])


@pages.get("/check-your-answers")
def check_answers_page() -> Response:
    found = _at("check-answers")
    if isinstance(found, Response):
        return found
    step, flash = found
    return _page(render_step(step, back=_back_path(step.state)), step.state, flash)


@pages.get("/result")
def result() -> Response:
    found = _at("result")
    return found if isinstance(found, Response) else result_page(found[0])


@pages.get("/too-young")
def too_young() -> str:
    return render_template("too_young.html", title="This tool is for adults")


@pages.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)  # no icon; and no 404 in every browser's console


@pages.post("/start-again")
def start_again() -> Response:
    """Nothing is stored here; drop the state cookie and anything else the browser kept."""
    response = _go("/")
    _clear(response)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def _choices(step: Step) -> list[tuple[str, str]]:
    question = step.question
    assert question is not None
    if question.type == "boolean":
        return [("yes", "Yes"), ("no", "No")]
    if question.type == "choice":
        return [(value, label[:1].upper() + label[1:]) for value, label in question.choices]
    return []


def _selected(step: Step) -> str | None:
    value = step.value
    if value is UNSET:
        return None
    if value is None:
        return NOT_SURE
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_step(step: Step, *, back: str = "/", changing: bool = False) -> str:
    kb = load_knowledge_base()
    common: dict[str, Any] = {"error": step.error, "assessment": step.assessment, "back": back}
    if step.page == "question":
        question = step.question
        assert question is not None
        asked = question.id in step.flow.progress.answers or question.id in step.flow.progress.skipped
        position, total = (0, 0) if asked else step.flow.position(question)
        return render_template(
            "question.html",
            title=question.text,
            question=question,
            choices=_choices(step),
            selected=_selected(step),
            not_sure=NOT_SURE,
            number_hint=number_words(question) if question.type in ("integer", "number") else "",
            position=position,
            total=total,
            urgent=urgent_notice(step),
            changing=changing,
            **common,
        )
    if step.page == "check-emergency":
        causes = step.causes or emergency_causes(step.assessment)
        text = check_text(step.assessment, causes)
        return render_template(
            "check_emergency.html", title="Check your answer", check_text=text, confirmed=step.value == "yes", **common
        )
    if step.page == "call-now":
        return render_template("call_now.html", title="Call 999 now", **common)
    if step.page == "check-answers":
        answers, skipped = step.flow.progress.answers, step.flow.progress.skipped
        rows = [
            (q, _sentence(q.answer_words(answers[q.id]), q.type) if q.id in answers else "Skipped")
            for q in kb.questions
            if q.id in answers or q.id in skipped
        ]
        stopped = bool(step.flow.unasked())
        return render_template("check_answers.html", title="Check your answers", rows=rows, stopped=stopped, **common)
    abort(400)


def _sentence(words: str, kind: str) -> str:
    return words if kind == "string" else words[:1].upper() + words[1:]


# --- the result: the report itself, with the page's buttons -------------------------------------

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def result_page(step: Step) -> Response:
    """The printable report, as the triage report command writes it, plus a bar of actions
    (print, PDF, answers, start again) that is hidden when printing."""
    from ..report.report import pdf_available, render_report, report_time

    html = render_report(step.assessment, now=report_time())
    actions = render_template(
        "result_actions.html", pdf=pdf_available(), stopped=step.state.progress.status == "stopped-early"
    )
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/result.css">\n</head>', 1)
    html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + actions, html, count=1)
    html = html.replace("</body>", '<script src="/static/print.js"></script>\n</body>', 1)
    response = Response(html, mimetype="text/html")
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.encode('utf-8')).digest()).decode()}'"
        for m in _STYLE.findall(html)
    )
    response.headers["Content-Security-Policy"] = CSP.replace("style-src 'self'", f"style-src 'self' {hashes}")
    return response


def _finished() -> Step | Response:
    kb = load_knowledge_base()
    loaded = _load()
    if loaded is None:
        return _go("/")
    step = advance(kb, loaded[0], {"action": "result"})
    return step if step.page == "result" else _go(step_path(step))


@pages.get("/answers.json")
def download_answers() -> Response:
    step = _finished()
    if isinstance(step, Response):
        return step
    kb = load_knowledge_base()
    progress = step.state.progress
    answers: dict[str, Any] = {q.id: progress.answers[q.id] for q in kb.questions if q.id in progress.answers}
    if progress.status == "stopped-early" and progress.early_stop is not None:
        answers[RECORD_KEY] = progress.early_stop  # a complete record: `triage assess` accepts it
    body = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
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
    step = _finished()
    if isinstance(step, Response):
        return step
    pdf = render_pdf(render_report(step.assessment, now=report_time()))
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": 'attachment; filename="triage-report.pdf"'}
    )
