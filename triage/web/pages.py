"""The questionnaire pages (NHS service manual patterns): start, one question per page, check
before an ambulance, "Call 999 now", check your answers, and the result (the report).

Every step is a POST carrying the hidden state (triage/web/state.py); GET serves only the
start page. The page logic is triage/web/journey.py; this module renders it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from ..ambulance_check import check_text
from ..early_stop import RECORD_KEY
from ..kb.load import load_knowledge_base
from ..replies import number_words
from .headers import CSP
from .journey import UNSET, Step, advance, urgent_notice
from .state import NOT_SURE, StateError, WebState, decode

pages = Blueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

SERVICE = "Knee pain and walking"


def _state() -> WebState:
    try:
        return decode(request.form.get("state"), load_knowledge_base())
    except StateError:
        abort(400, description="We could not read your answers. Please start again.")


@pages.get("/")
def start() -> str:
    return render_template("start.html", title=SERVICE)


@pages.post("/questions")
def questions() -> Any:
    kb = load_knowledge_base()
    step = advance(kb, _state(), request.form)
    if step.page == "result":
        return result_page(step)
    return render_step(step)


@pages.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)  # no icon; and no 404 in every browser's console


@pages.post("/start-again")
def start_again() -> Response:
    """Nothing is stored here; ask the browser to drop anything it kept of this site too."""
    response = redirect("/", code=303)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
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


def render_step(step: Step) -> str:
    kb = load_knowledge_base()
    state_text = step.state.encode(kb)
    common: dict[str, Any] = {"state": state_text, "error": step.error, "assessment": step.assessment}
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
            can_go_back=bool(step.flow.progress.history),
            **common,
        )
    if step.page == "check-emergency":
        text = check_text(step.assessment, step.causes)
        return render_template("check_emergency.html", title="Check your answer", check_text=text, **common)
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
    if step.page == "too-young":
        help_items = [kb.advice[a] for a in kb.under_18 if a in kb.advice]
        return render_template("too_young.html", title="This tool is for adults", help_items=help_items)
    abort(400)


def _sentence(words: str, kind: str) -> str:
    return words if kind == "string" else words[:1].upper() + words[1:]


# --- the result: the report itself, with the page's buttons -------------------------------------

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def result_page(step: Step) -> Response:
    """The printable report, as the triage report command writes it, plus a bar of actions
    (print, PDF, answers, start again) that is hidden when printing."""
    from ..report.report import pdf_available, render_report, report_time

    kb = load_knowledge_base()
    html = render_report(step.assessment, now=report_time())
    actions = render_template(
        "result_actions.html",
        state=step.state.encode(kb),
        pdf=pdf_available(),
        stopped=step.state.progress.status == "stopped-early",
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


@pages.post("/answers.json")
def download_answers() -> Response:
    kb = load_knowledge_base()
    state = _state()
    step = advance(kb, state, {"action": "result"})
    if step.page != "result":
        return render_step(step)  # type: ignore[return-value]
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


@pages.post("/report.pdf")
def download_pdf() -> Response:
    from ..report.report import pdf_available, render_pdf, render_report, report_time

    if not pdf_available():
        abort(404)
    kb = load_knowledge_base()
    step = advance(kb, _state(), {"action": "result"})
    if step.page != "result":
        return render_step(step)  # type: ignore[return-value]
    pdf = render_pdf(render_report(step.assessment, now=report_time()))
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": 'attachment; filename="triage-report.pdf"'}
    )
