"""The walking-plan check-in's state between requests: a sealed cookie of its own.

The same seal as the questionnaire's (triage/web/sealed.py: AES-256-GCM, an hour's life,
split over up to ``MAX_CHUNKS`` cookies), but another cookie name, another ``aad`` (so one
state can never be opened as the other) and ``Path=/check-in`` (it is sent to the check-in
pages only, and a check-in never touches a questionnaire in progress).

What it holds is only what the plan file trusts (docs/plan.md): the plan's answers, its start
date and each earlier check-in's answers, plus this check-in's date and its answers so far
(triage/checkin_steps.py). The plan is rebuilt from them on every request
(``triage.plan_file.plan_from``), so nothing the browser holds is believed without being
worked out again. A full six-week plan seals to well under one cookie.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, current_app, render_template, request

from .sealed import SealError, chunk_names, open_sealed, read_token, seal, split_token

COOKIE = "triage-checkin"
PATH = "/check-in"
_AAD = b"triage-checkin-1"
UNREADABLE_CHECKIN = (
    "We could not read your check-in. For your privacy it is kept for one hour only, "
    "and not after the service restarts. Please upload your plan file again"
)
TOO_LONG = (
    "Your plan file is too long to check in on this website. "
    "Check in with the triage program instead: triage checkin followed by the file's name."
)


class TooLong(ValueError):
    """The state does not fit in the cookies."""


def load() -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(state, one-time message) from the cookie; None if there is none. A cookie that cannot
    be opened (changed, too old, another key) gives the "Please start again" page."""
    token = read_token(request.cookies, COOKIE)
    if token is None:
        return None
    try:
        data = json.loads(open_sealed(current_app.config["STATE_KEY"], token, aad=_AAD))
    except (SealError, ValueError):
        abort(_unreadable())
    if not isinstance(data, dict):
        abort(_unreadable())
    flash = data.pop("flash", None)
    return data, flash if isinstance(flash, dict) else {}


def _unreadable() -> Response:
    """The "Please start again" page; it drops this cookie only (a questionnaire in progress stays)."""
    html = render_template(
        "error.html",
        title="Please start again",
        problems=[UNREADABLE_CHECKIN],
        status=400,
        again_href=PATH,
        again_text="Upload your plan file",
    )
    response = Response(html, status=400, mimetype="text/html")
    clear(response)
    return response


def save(response: Response, state: dict[str, Any], flash: dict[str, Any] | None = None) -> Response:
    """Seal ``state`` (and a message shown once) into the response; TooLong if it cannot fit."""
    data = {**state, "flash": flash} if flash else state
    try:
        parts = split_token(seal(current_app.config["STATE_KEY"], json.dumps(data, ensure_ascii=False), aad=_AAD))
    except SealError:
        raise TooLong(TOO_LONG) from None
    names = chunk_names(COOKIE)
    for name, part in zip(names, parts, strict=False):
        response.set_cookie(name, part, httponly=True, samesite="Strict", secure=request.is_secure, path=PATH)
    for name in names[len(parts) :]:
        if name in request.cookies:
            response.delete_cookie(name, path=PATH, httponly=True, samesite="Strict", secure=request.is_secure)
    return response


def clear(response: Response) -> None:
    for name in chunk_names(COOKIE):
        if name in request.cookies:
            response.delete_cookie(name, path=PATH, httponly=True, samesite="Strict", secure=request.is_secure)
