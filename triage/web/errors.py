"""Error responses: a JSON problem list under /api/, a plain page elsewhere; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("triage.web")


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/fhir/")) or request.path in ("/openapi.json", "/healthz")


def _problem_response(status: int, title: str, problems: list[str]):
    if wants_json():
        return jsonify({"error": title, "problems": problems}), status
    return render_template("error.html", status=status, title=title, problems=problems), status


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
            body, code = _problem_response(405, "Method not allowed", [f"{request.method} is not allowed here"])
            allowed = ", ".join(getattr(error, "valid_methods", None) or [])
            return body, code, {"Allow": allowed} if allowed else {}
        return _problem_response(status, error.name, [error.description or error.name])

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Log the type only: the message or the request could hold someone's answers.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
        return _problem_response(500, InternalServerError.name, ["something went wrong on our side"])
