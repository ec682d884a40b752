"""The OpenAPI 3.1 document of the JSON API. The answers schema is generated from
rules/questions.toml (triage/schema.py), so a new question needs no change here."""

from __future__ import annotations

import copy
from typing import Any

from ..kb.records import KnowledgeBase
from ..schema import answers_schema
from .openapi_fhir import FHIR_SCHEMAS, fhir_paths
from .problems import PROBLEM_JSON


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_STRS = {"type": "array", "items": _STR}
_NULLABLE_STR = {"type": ["string", "null"]}

_ADVICE = {
    "type": "object",
    "required": ["id", "group", "text", "details", "sources"],
    "properties": {"id": _STR, "group": _STR, "text": _STR, "details": _STR, "sources": _STRS},
}
_KB_ID = {"type": "object", "required": ["version", "sha256"], "properties": {"version": _STR, "sha256": _STR}}

SCHEMAS: dict[str, Any] = {
    "Problems": {
        "type": "object",
        "description": "RFC 9457 problem details, with every problem listed (one line each, as the CLI lists them).",
        "required": ["type", "title", "status", "error", "problems"],
        "properties": {
            "type": _STR,
            "title": _STR,
            "status": _INT,
            "detail": _STR,
            "error": {**_STR, "description": "the title again"},
            "problems": _STRS,
        },
    },
    "Result": {
        "type": "object",
        "description": "The result of an assessment: the disposition, the rules that fired, advice and the safety net.",
        "required": [
            "disposition",
            "urgency",
            "title",
            "timeframe",
            "rules_fired",
            "findings",
            "advice",
            "safety_net",
            "not_sure",
            "warnings",
            "knowledge_base",
        ],
        "properties": {
            "disposition": _STR,
            "urgency": {"type": "integer", "minimum": 0, "maximum": 4},
            "title": _STR,
            "timeframe": _STR,
            "rules_fired": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "floor", "sources"],
                    "properties": {"id": _STR, "title": _STR, "floor": _NULLABLE_STR, "sources": _STRS},
                },
            },
            "findings": _STRS,
            "advice": {"type": "array", "items": _ADVICE},
            "safety_net": {"type": "array", "items": _ADVICE},
            "not_sure": _STRS,
            "warnings": _STRS,
            "knowledge_base": _KB_ID,
            "provisional": {
                "const": True,
                "description": "Only for an in-progress QuestionnaireResponse whose answers already give an "
                "urgent result: more answers could only make it more urgent.",
            },
            "not_yet_answered": {**_STRS, "description": "with provisional: the required questions still open"},
        },
    },
    "Question": {
        "type": "object",
        "required": ["id", "text", "help", "type", "required", "red_flag", "not_sure_allowed"],
        "properties": {
            "id": _STR,
            "text": _STR,
            "help": _STR,
            "type": {"enum": ["boolean", "integer", "number", "choice", "string"]},
            "required": {"type": "boolean"},
            "red_flag": {"type": "boolean"},
            "not_sure_allowed": {"type": "boolean", "description": "null ('not sure') is a valid answer"},
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "label"],
                    "properties": {"value": _STR, "label": _STR},
                },
            },
            "min": {"type": "number"},
            "max": {"type": "number"},
            "min_length": _INT,
            "max_length": _INT,
        },
    },
    "NextRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "answers": _ref("PartialAnswers"),
            "skipped": {"type": "array", "items": _STR, "description": "optional questions the person skipped"},
        },
    },
    "NextResponse": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"enum": ["question", "done", "stopped-early"]},
            "question": _ref("Question"),
            "progress": {
                "type": "object",
                "required": ["position", "total"],
                "properties": {"position": _INT, "total": _INT},
            },
            "so_far": {
                "type": "object",
                "description": "The result the answers so far already give: a floor (rules only raise it). "
                "`not-yet-known` while nothing has raised it above the bottom of the ladder.",
                "required": ["disposition", "urgency", "at_least"],
                "properties": {"disposition": _STR, "urgency": _INT, "at_least": {"const": True}},
            },
            "check": {
                "type": "object",
                "description": "At emergency: the answers to confirm with the person before showing the result.",
                "required": ["message", "answers"],
                "properties": {
                    "message": _STR,
                    "answers": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "text", "answer"],
                            "properties": {"id": _STR, "text": _STR, "answer": {}},
                        },
                    },
                },
            },
            "unasked": {**_STRS, "description": "questions not asked because the questions stopped early"},
            "result": _ref("Result"),
        },
    },
    "KnowledgeBase": {
        "type": "object",
        "required": ["version", "sha256", "dispositions", "rules", "sources", "questions"],
        "properties": {
            "version": _STR,
            "sha256": _STR,
            "dispositions": {"type": "array", "items": {"type": "object"}},
            "rules": {"type": "array", "items": {"type": "object"}},
            "sources": {"type": "array", "items": {"type": "object"}},
            "questions": _INT,
        },
    },
    "Questions": {
        "type": "object",
        "required": ["knowledge_base", "questions"],
        "properties": {"knowledge_base": _KB_ID, "questions": {"type": "array", "items": _ref("Question")}},
    },
    "Health": {
        "type": "object",
        "required": ["status", "knowledge_base"],
        "properties": {"status": {"const": "ok"}, "knowledge_base": _KB_ID},
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _ref("Problems")}}}


_INVALID = {
    "400": _problem("Invalid answers: every problem, one line each"),
    "412": _problem("If-Match names another knowledge-base version or sha256"),
    "413": _problem("The body is larger than 64 KB"),
}


def _post(
    kb: KnowledgeBase, operation: str, summary: str, body: str, ok: str, description: str, examples: dict | None = None
) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": _ref(body)}
    if examples:
        media["examples"] = examples
    return {
        "post": {
            "operationId": operation,
            "summary": summary,
            "description": description,
            "requestBody": {"required": True, "content": {"application/json": media}},
            "responses": {"200": _json(_ref(ok), "OK"), **_INVALID},
        }
    }


def _get(operation: str, summary: str, ok: str) -> dict[str, Any]:
    return {"get": {"operationId": operation, "summary": summary, "responses": {"200": _json(_ref(ok), "OK")}}}


def example_answers(kb: KnowledgeBase, *, optional: bool = False) -> dict[str, Any] | None:
    """A complete answers object for the document's examples: each question the questionnaire
    asks gets, of its candidate values (no/yes, each choice, the minimum and maximum), the first
    one that keeps the result least urgent; optional ones are left out (answered too with
    ``optional``). So it follows the questions as they change. None if that is not a valid file."""
    from ..answers import AnswersError
    from ..assessment import assess
    from ..flow import Flow, Progress

    flow = Flow(kb, Progress())
    for _ in range(len(kb.questions)):
        question = flow.next_question()
        if question is None:
            break
        if not question.required and not optional:
            flow.skip(question)
            continue
        candidates: list[Any] = ["example"]
        if question.type == "boolean":
            candidates = [False, True]
        elif question.type == "choice":
            candidates = list(question.choice_values)
        elif question.type in ("integer", "number"):
            ends = [v for v in (question.min, question.max) if v is not None] or [0]
            candidates = [int(v) if question.type == "integer" else v for v in ends]

        def urgency(value: Any, question: Any = question) -> tuple[int, int]:
            trial = assess({**flow.progress.answers, question.id: value}, kb=kb, partial=True)
            return trial.urgency, trial.disposition.rank

        flow.answer(question, min(candidates, key=urgency))
    answers = dict(flow.progress.answers)
    try:
        assess(answers, kb=kb)
    except AnswersError:
        return None
    return answers


def _assess_examples(kb: KnowledgeBase) -> dict[str, Any]:
    answers = example_answers(kb)
    if answers is None:
        return {}
    return {
        "answers": {"summary": "An answers file (format 1)", "value": answers},
        "case": {"summary": "A patient case holding answers", "value": {"id": "example", "answers": answers}},
    }


def _document(kb: KnowledgeBase) -> dict[str, Any]:
    def component(schema: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in schema.items() if k != "$schema"}

    # What the server accepts: an early-stop record too (whether it is justified, only the library can tell).
    full, partial = answers_schema(kb), answers_schema(kb, partial=True, early_stop=False)
    required = {q.id for q in kb.questions if q.required}
    version, sha256 = kb.version, kb.sha256
    schemas = {**SCHEMAS, **FHIR_SCHEMAS, "Answers": component(full), "PartialAnswers": component(partial)}
    schemas["PatientCase"] = {
        "type": "object",
        "description": "A patient-case file: its answers are assessed; the other fields are ignored.",
        "required": ["answers"],
        "additionalProperties": False,
        "properties": {
            "answers": _ref("Answers"),
            **{key: {} for key in ("id", "description", "expected", "urgency", "reason")},
        },
    }
    schemas["AssessRequest"] = {
        "description": "An answers file (with its stopped_early record after an early stop), a patient case, "
        "or a FHIR QuestionnaireResponse (docs/fhir.md).",
        "anyOf": [_ref("Answers"), _ref("PatientCase"), _ref("QuestionnaireResponse")],
    }
    optional = [qid for qid in schemas["PartialAnswers"]["properties"] if qid not in required]
    schemas["NextRequest"] = copy.deepcopy(SCHEMAS["NextRequest"])
    schemas["NextRequest"]["properties"]["skipped"]["items"] = {"enum": optional}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "triage: knee pain and walking",
            "version": version,
            "description": (
                "A rule-based expert system: answers in, one disposition with advice and reasons out. "
                f"Not a diagnosis. Knowledge base {version} (sha256 {sha256}). Stateless: nothing is stored. "
                "Every response carries X-Request-Id (yours echoed when it is 1 to 64 of A-Z a-z 0-9 . _ : -), "
                "X-Knowledge-Base-Version and X-Knowledge-Base-Sha256. A POST under /api/ or /fhir/ may pin the "
                "knowledge base with If-Match: its version or sha256 (or *); another one gets 412. Errors under "
                "/api/ are RFC 9457 problem details (application/problem+json) with every problem listed."
            ),
        },
        "paths": {
            "/api/v1/assess": _post(
                kb,
                "assess",
                "Assess a complete answers object",
                "AssessRequest",
                "Result",
                "The answers (format 1, or a patient case with an answers key) in, the result out. An "
                "answers file saved after an early stop (with its `stopped_early` record, docs/early-stop.md) "
                "is accepted too; `triage schema` describes that record. A patient case and a FHIR "
                "QuestionnaireResponse are accepted too (docs/fhir.md: a response with answers missing that are "
                "already urgent gets a provisional result).",
                _assess_examples(kb),
            ),
            "/api/v1/next": _post(
                kb,
                "nextQuestion",
                "The next question, or the result",
                "NextRequest",
                "NextResponse",
                "The answers so far in; the next question the terminal questionnaire would ask out, or the result "
                "when the questions are done or stopped early (emergency at once; urgent care once the questions "
                "that could make it an emergency are answered).",
                {"start": {"summary": "The first call", "value": {"answers": {}, "skipped": []}}},
            ),
            "/api/v1/questions": _get("listQuestions", "Every question, in the order of asking", "Questions"),
            "/api/v1/knowledge-base": _get(
                "knowledgeBase", "The knowledge base: version, ladder, rules, sources", "KnowledgeBase"
            ),
            "/healthz": _get("health", "Liveness", "Health"),
            **fhir_paths(kb),
        },
        "components": {"schemas": schemas},
    }


_DOCUMENTS: dict[str, dict[str, Any]] = {}  # by knowledge base sha256 (which covers every file)


def openapi_document(kb: KnowledgeBase) -> dict[str, Any]:
    document = _DOCUMENTS.get(kb.sha256)
    if document is None:
        document = _DOCUMENTS[kb.sha256] = _document(kb)
    return document
