"""Error responses: an OperationOutcome under /fhir/, a JSON problem list under /api/, a plain
page elsewhere; never a traceback. Flask's own 404/405/413/500 come through here too."""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("triage.web")

# FHIR R4 issue-type codes (http://hl7.org/fhir/issue-type) for the statuses we send.
FHIR_ISSUE_CODES = {
    400: "invalid",
    404: "not-found",
    405: "not-supported",
    412: "conflict",
    413: "too-long",
    500: "exception",
}


def is_fhir() -> bool:
    return request.path == "/fhir" or request.path.startswith("/fhir/")


def wants_json() -> bool:
    return request.path.startswith("/api/") or is_fhir() or request.path in ("/openapi.json", "/healthz")


def _problem_response(status: int, title: str, problems: list[str]) -> Response:
    if is_fhir():  # a FHIR client expects an OperationOutcome whatever went wrong
        from .fhir import outcome

        return outcome(problems, status, FHIR_ISSUE_CODES.get(status, "processing"))
    if wants_json():  # RFC 9457 problem details, with the list of problems (triage/web/problems.py)
        from .problems import problem_response

        return problem_response(status, title, problems)
    else:
        response = make_response(render_template("error.html", status=status, title=title, problems=problems))
    response.status_code = status
    return response


def register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status == 413:
            limit = (request.max_content_length or 0) // 1024  # FHIR routes allow more (triage/web/fhir.py)
            return _problem_response(413, "Too large", [f"the request body is larger than the limit of {limit} KB"])
        if status == 404:
            return _problem_response(404, "Page not found", [f"there is nothing at {request.path}"])
        if status == 405:
            response = _problem_response(405, "Method not allowed", [f"{request.method} is not allowed here"])
            allowed = ", ".join(getattr(error, "valid_methods", None) or [])
            if allowed:
                response.headers["Allow"] = allowed
            return response
        return _problem_response(status, error.name, [error.description or error.name])

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Log the type only: the message or the request could hold someone's answers.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
        return _problem_response(500, "Internal Server Error", ["something went wrong on our side"])
