"""Rendering the walking-plan check-in's pages (routes: triage/web/checkin_pages.py): a
question on the questionnaire's own template, the week's result or the escalation, a plan
that has stopped. Words from rules/plan.toml; no state handling here."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, render_template

from ..checkin import CheckInResult, place
from ..checkin_steps import OWN, given, question_for
from ..kb.records import Question
from ..plan import Plan
from ..plan_text import day_words, week_lines
from ..replies import number_words
from .render import choices_of, form_value
from .state import NOT_SURE

START = "/check-in"
TITLE = "Check in on your walking plan"


def shown_question(plan: Plan, when: date, question: Question) -> Question:
    """The question as the web shows it: the terminal's words, without a key to press."""
    if question.id == "why_no_walks":
        return question._replace(text=plan.params.wording["web_q_why_no_walks"])
    return question


def selected(state: dict[str, Any], qid: str) -> str | None:
    skipped, value = given(state, qid)
    if skipped or (value is None and qid not in state.get("now", {})):
        return None
    return form_value(value)


def question_html(
    plan: Plan, when: date, state: dict[str, Any], qid: str, *, error: str | None, value: str | None, back: str
) -> str:
    """One check-in question on the questionnaire's question page: the terminal's words and
    choices, "Not sure" on red flags, the answer given (or what was typed, with its error)."""
    question = question_for(plan, when, qid)
    assert question is not None  # in the order or asked next
    first = not state.get("order") or back == START
    prefix = "" if qid in OWN else plan.params.wording["now_prefix"]
    p = plan.params
    notice: list[str] = []
    week, day = place(plan, when)
    if first:
        notice = list(state.get("notes", []))
        if day < p.earliest_day:
            notice.append(p.wording["early"].format(day=day, week=week, date=opens(plan, week)))
    shown = shown_question(plan, when, question)
    html = render_template(
        "question.html",
        title=prefix + shown.text,
        heading=prefix + shown.text,
        question=shown,
        choices=choices_of(shown),
        selected=value if value is not None else selected(state, qid),
        not_sure=NOT_SURE,
        number_hint=number_words(shown) if shown.type in ("integer", "number") else "",
        position=0,
        total=0,
        urgent=None,
        changing=False,
        caption=p.wording["now_intro"] if qid not in OWN else f"Week {week} of {p.weeks}",
        notice=notice,
        notice_title=TITLE,
        form_action=f"{START}/answer",
        error=error,
        assessment=None,
        back=back,
    )
    return html


def opens(plan: Plan, week: int) -> str:
    return day_words(plan.weeks_through(week)[week - 1], plan.params.earliest_day)


def result_html(plan: Plan, result: CheckInResult, back: str) -> str:
    p, c = result.plan.params, result.checkin
    w = p.wording
    if result.escalated:
        d = result.disposition
        advice = [a.text for a in result.assessment.advice if a.group == "now"][:3] if result.assessment else []
        return render_template(
            "checkin_result.html", title="Stop the walking plan", escalated=True, disposition=d,
            headline=w["outcome_escalate"].format(title=d.title, timeframe=d.timeframe),
            reasons=c.reasons, advice=advice, back=back, report=result.assessment is not None,
        )  # fmt: skip
    week_text: list[str] = []
    when_next = ""
    if result.next_week is not None:
        week_text = week_lines(result.plan, result.next_week)
        when_next = w["web_check_in_when"].format(date=day_words(result.next_week, p.earliest_day), day=p.earliest_day)
    return render_template(
        "checkin_result.html", title=f"Week {c.week}: {w['colour_' + (c.colour or 'none')]}", escalated=False,
        outcome=w[f"outcome_{c.outcome}"], reasons=c.reasons, week_head=week_text[0].rstrip(":") if week_text else "",
        week_items=[x.removeprefix("- ") for x in week_text[1:]],
        finished=w["finished"] if result.next_week is None else "", when_next=when_next,
        own_choice=w["own_choice"], safety_net=w["safety_net"], back=back,
    )  # fmt: skip


def stopped_page(disposition: Any, lines: list[str]) -> Response:
    """The plan has stopped (at an earlier check-in, or the answers now need someone)."""
    html = render_template("checkin_stopped.html", title="Your walking plan has stopped", d=disposition, lines=lines)
    return Response(html, mimetype="text/html")
