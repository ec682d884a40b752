"""Rendering the questionnaire's steps (templates in triage/web/templates/) and the result page
(the report itself, with a bar of actions after it). No state handling here (triage/web/carry.py)."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from flask import Response, abort, render_template

from ..ambulance_check import check_text, emergency_causes
from ..kb.load import load_knowledge_base
from ..replies import number_words
from .headers import CSP
from .journey import UNSET, Step, urgent_notice
from .state import NOT_SURE


def _choices(step: Step) -> list[tuple[str, str]]:
    assert step.question is not None
    return choices_of(step.question)


def choices_of(question: Any) -> list[tuple[str, str]]:
    """A question's radios: (value, label); yes and no for a yes/no question."""
    if question.type == "boolean":
        return [("yes", "Yes"), ("no", "No")]
    if question.type == "choice":
        return [(value, label[:1].upper() + label[1:]) for value, label in question.choices]
    return []


def _selected(step: Step) -> str | None:
    return None if step.value is UNSET else form_value(step.value)


def form_value(value: Any) -> str:
    """An answer as its form field's value: None is "not sure", booleans are yes/no."""
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
        sections: dict[str, list[tuple[Any, str]]] = {name: [] for name in SECTIONS}  # warning signs first
        for q in kb.questions:
            if q.id in answers or q.id in skipped:
                words = _sentence(q.answer_words(answers[q.id]), q.type) if q.id in answers else "Skipped"
                sections.setdefault(section_of(kb, q), []).append((q, words))
        stopped = bool(step.flow.unasked())
        sections = {name: rows for name, rows in sections.items() if rows}
        return render_template(
            "check_answers.html", title="Check your answers", sections=sections, stopped=stopped, **common
        )
    abort(400)


SECTIONS = ("Warning signs", "Your knee, your walking and you", "For your report")


def section_of(kb: Any, question: Any) -> str:
    """The heading a question's answer is listed under on "Check your answers", from the
    knowledge base's own order: the warning signs are asked together, first."""
    flags = [i for i, q in enumerate(kb.questions) if q.red_flag]
    index = kb.questions.index(question)
    if question.type == "string":
        return SECTIONS[2]
    if flags and flags[0] <= index <= flags[-1]:
        return SECTIONS[0]
    return SECTIONS[1]


def _sentence(words: str, kind: str) -> str:
    return words if kind == "string" else words[:1].upper() + words[1:]


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_BODY = re.compile(r"<body[^>]*>")


def result_page(step: Step) -> Response:
    """The printable report, as the triage report command writes it, plus a bar of actions
    (print, PDF, answers, start again) that is hidden when printing."""
    from ..plan_text import day_words
    from ..report.report import pdf_available, render_report, report_time
    from .plan_offer import plan_for

    html = render_report(step.assessment, now=report_time())
    plan = plan_for(step)  # urgency 0 only: the walking plan is offered
    actions = render_template(
        "result_actions.html",
        pdf=pdf_available(),
        stopped=step.state.progress.status == "stopped-early",
        plan_start=day_words(plan.weeks[0], 1) if plan else None,
        plan_optional=plan.params.wording["minimum"] if plan and plan.weeks[0].minimum else "",
    )
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/result.css">\n</head>', 1)
    if plan:  # the plan offer is at the end of a long report: say at the top that it is there
        html = _BODY.sub(lambda m: m.group(0) + "\n" + render_template("result_plan_link.html"), html, count=1)
    # The result first; what to do with it (print, download, start again) after it.
    html = html.replace("</body>", actions + '\n<script src="/static/print.js"></script>\n</body>', 1)
    return document_response(html)


def document_response(html: str) -> Response:
    """A whole report-like document as a page: its inline <style> elements allowed by hash in
    the Content-Security-Policy (nothing else inline is)."""
    response = Response(html, mimetype="text/html")
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.encode('utf-8')).digest()).decode()}'"
        for m in _STYLE.findall(html)
    )
    response.headers["Content-Security-Policy"] = CSP.replace("style-src 'self'", f"style-src 'self' {hashes}")
    return response
