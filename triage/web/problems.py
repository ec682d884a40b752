"""RFC 9457 problem details for the JSON API (``application/problem+json``).

The body keeps the project's own two fields, ``error`` (the title) and ``problems`` (every
problem, one line each, as the CLI lists them), beside the standard ``type``, ``title``,
``status`` and ``detail``: a client written for either reads it.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json

PROBLEM_JSON = "application/problem+json"


def problem_response(status: int, title: str, problems: list[str], **extra: Any) -> Response:
    """``extra``: more members (RFC 9457 extension members), e.g. the missing questions."""
    detail = problems[0] if len(problems) == 1 else f"{len(problems)} problems: see problems"
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "error": title,
        "problems": problems,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
