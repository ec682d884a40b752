"""The JSON API, stateless like the CLI: /api/v1/assess, /api/v1/next, /api/v1/questions,
/api/v1/knowledge-base, /healthz and /openapi.json (see triage/web/openapi.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from ..ambulance_check import emergency_causes
from ..answers import AnswersError, bounded, how_to_finish, parse_json, shown_key, unwrap_case, validate
from ..assessment import assess
from ..flow import EMERGENCY, Flow, Progress, forget_stale
from ..kb.load import load_knowledge_base
from ..kb.records import KnowledgeBase, Question
from .journey import finish
from .problems import problem_response
from .state import WebState

api = Blueprint("api", __name__)


def _problems(problems: list[str], status: int = 400):
    return problem_response(status, "invalid answers", bounded(problems))  # as the CLI lists them


def _body() -> Any:
    """The request body as JSON; AnswersError (one problem) if it is not."""
    try:
        text = request.get_data(cache=False, as_text=False).decode("utf-8")
    except UnicodeDecodeError:
        raise AnswersError(["the request body is not UTF-8 text"]) from None
    if not text.strip():
        raise AnswersError(["the request body is empty: send a JSON object"])
    try:
        return parse_json(text)
    except AnswersError:
        raise
    except (ValueError, RecursionError):  # numbers too long, nesting too deep
        raise AnswersError(
            ["the request body is not JSON this service can read (too deep, or a number too long)"]
        ) from None


def question_json(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "help": question.help,
        "type": question.type,
        "required": question.required,
        "red_flag": question.red_flag,
        "not_sure_allowed": question.allows_unsure,
    }
    if question.type == "choice":
        data["choices"] = [{"value": value, "label": label} for value, label in question.choices]
    if question.min is not None:
        data["min"] = question.min
    if question.max is not None:
        data["max"] = question.max
    if question.min_length is not None:
        data["min_length"] = question.min_length
    if question.max_length is not None:
        data["max_length"] = question.max_length
    return data


@api.post("/api/v1/assess")
def assess_endpoint():
    try:
        body = _body()
        if isinstance(body, dict) and "resourceType" in body:  # a FHIR QuestionnaireResponse (docs/fhir.md)
            from ..fhir.assess import assess_response

            found = assess_response(load_knowledge_base(), body)
            if found.provisional:  # in progress, but already urgent: say so, not 400
                missing = list(found.not_yet_answered)
                return jsonify({**found.assessment.to_dict(), "provisional": True, "not_yet_answered": missing})
            return jsonify(found.assessment.to_dict())
        assessment = assess(unwrap_case(body))
    except AnswersError as error:
        if error.missing and how_to_finish(load_knowledge_base(), error.missing):  # say which, and how to finish
            return _missing(load_knowledge_base(), error)
        return _problems(error.problems)
    return jsonify(assessment.to_dict())


def _missing(kb: KnowledgeBase, error: AnswersError):
    """400 with the problems, and the missing questions in plain words with how to finish."""
    lines = how_to_finish(kb, error.missing)
    return problem_response(
        400,
        "invalid answers",
        bounded(error.problems),
        missing=[{"id": q, "question": kb.question_by_id[q].text} for q in error.missing],
        how_to_finish=" ".join([lines[0], lines[-1]]),
    )


def _next_request(kb: KnowledgeBase, body: Any) -> WebState:
    """{"answers": {...}, "skipped": [...]}: the answers so far and the optional questions skipped."""
    if not isinstance(body, dict):
        raise AnswersError(['send a JSON object: {"answers": {...}, "skipped": [...]}'])
    unknown = sorted(set(body) - {"answers", "skipped"})
    problems = [f"{shown_key(key)}: unknown field (expected answers, skipped)" for key in unknown]
    answers, skipped = body.get("answers", {}), body.get("skipped", [])
    if not isinstance(skipped, list) or not all(isinstance(s, str) for s in skipped):
        problems.append("skipped: expected a list of question ids")
        skipped = []
    for qid in skipped:
        question = kb.question_by_id.get(qid)
        if question is None:
            problems.append(f"skipped: {shown_key(qid)}: unknown question")
        elif question.required:
            problems.append(f"skipped: {qid}: required, it cannot be skipped")
    try:
        valid = validate(answers, kb, partial=True)
    except AnswersError as error:
        problems += error.problems
        valid = None
    if problems or valid is None:
        raise AnswersError(problems)
    state = WebState(Progress(answers=dict(valid.answers), skipped=set(skipped)))
    # valid.answers holds only the questions asked: tidy()'s second validation would change nothing.
    forget_stale(kb, state.progress)
    return state


@api.post("/api/v1/next")
def next_endpoint():
    kb = load_knowledge_base()
    try:
        state = _next_request(kb, _body())
    except AnswersError as error:
        return _problems(error.problems)
    flow = Flow(kb, state.progress)
    question = flow.next_question()
    assessment = flow.assessment
    # A floor while questions remain (rules only raise it); at the bottom of the ladder nothing is
    # known yet: "walk-normally" before the warning signs are asked would mislead.
    bottom = assessment.disposition.rank == 0
    current = {
        "disposition": "not-yet-known" if bottom else assessment.disposition.id,
        "urgency": assessment.urgency,
        "at_least": True,
    }
    if question is not None:
        position, total = flow.position(question)
        return jsonify(
            {
                "status": "question",
                "question": question_json(question),
                "progress": {"position": position, "total": total},
                "so_far": current,
            }
        )
    finish(flow)
    stopped = flow.progress.status == "stopped-early"
    body: dict[str, Any] = {"status": "stopped-early" if stopped else "done"}
    if assessment.urgency >= EMERGENCY:
        body["check"] = {
            "message": kb.wording["emergency_check"],
            "answers": [{"id": q.id, "text": q.text, "answer": v} for q, v in emergency_causes(assessment)],
        }
    body["unasked"] = [q.id for q in flow.unasked()]
    if stopped:
        body["stopped_early"] = flow.progress.early_stop  # add it to the answers: `assess` accepts them then
    body["result"] = flow.final_assessment().to_dict()
    return jsonify(body)


@api.get("/api/v1/questions")
def questions_endpoint():
    kb = load_knowledge_base()
    return jsonify({"knowledge_base": _kb_id(kb), "questions": [question_json(q) for q in kb.questions]})


def _kb_id(kb: KnowledgeBase) -> dict[str, str]:
    return {"version": kb.version, "sha256": kb.sha256}


@api.get("/api/v1/knowledge-base")
def knowledge_base_endpoint():
    kb = load_knowledge_base()
    return jsonify(
        {
            **_kb_id(kb),
            "dispositions": [
                {"id": d.id, "urgency": d.urgency, "title": d.title, "timeframe": d.timeframe, "summary": d.summary}
                for d in kb.dispositions
            ],
            "rules": [
                {
                    "id": r.id,
                    "title": r.title,
                    "because": r.because,
                    "floor": r.floor,
                    "finding": r.finding,
                    "sources": list(dict.fromkeys(c.source for c in r.cite)),
                }
                for r in kb.rules
            ],
            "sources": [{"key": s.key, "kind": s.kind, "title": s.title} for s in kb.sources.values()],
            "questions": len(kb.questions),
        }
    )


@api.get("/healthz")
def healthz():
    kb = load_knowledge_base()
    return jsonify({"status": "ok", "knowledge_base": _kb_id(kb)})


@api.get("/openapi.json")
def openapi_endpoint():
    from .openapi import openapi_document

    return jsonify(openapi_document(load_knowledge_base()))
