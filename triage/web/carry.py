"""The web pages' state between requests: read from and written to the sealed cookie
(triage/web/sealed.py), with a one-time message (``flash``) for an error shown after a redirect."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from flask import Response, abort, current_app, redirect, render_template, request

from ..kb.load import load_knowledge_base
from .sealed import SealError, chunk_names, open_sealed, read_token, seal, split_token
from .state import StateError, WebState, decode

UNREADABLE = (
    "We could not read your answers. For your privacy they are kept for one hour only, "
    "and not after the service restarts. Please start again."
)


def load() -> tuple[WebState, dict[str, Any]] | None:
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
        abort(unreadable())


def unreadable() -> Response:
    response = Response(
        render_template("error.html", title="Please start again", problems=[UNREADABLE], status=400), status=400
    )
    clear(response)
    return response


def save(response: Response, state: WebState, flash: dict[str, Any] | None = None) -> Response:
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


def clear(response: Response) -> None:
    for name in chunk_names():
        if name in request.cookies:
            response.delete_cookie(name, path="/", httponly=True, samesite="Strict", secure=request.is_secure)


def go(path: str) -> Response:
    return redirect(path, code=303)


def same_origin() -> bool:
    """A form posted from another site is refused (the cookie is SameSite=Strict as well)."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":  # no-referrer: browsers send "null"; SameSite=Strict still applies
        return True
    return urlsplit(origin).netloc == request.host
