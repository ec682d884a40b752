"""Headers every response carries for a client: a request id and the knowledge-base version;
and an optional pin: a POST to /api/ or /fhir/ with ``If-Match`` naming another knowledge-base
version (or sha256) gets 412, so a client never gets results from rules it did not expect."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, abort, g, request

from ..kb.load import load_knowledge_base

REQUEST_ID = "X-Request-Id"
KB_VERSION = "X-Knowledge-Base-Version"
KB_SHA256 = "X-Knowledge-Base-Sha256"
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def kb_tags() -> tuple[str, str]:
    kb = load_knowledge_base()
    return kb.version, kb.sha256


def _pinned_elsewhere() -> str | None:
    """The If-Match values that name neither this version nor this sha256 (None: none given)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    wanted = [part.strip().removeprefix("W/").strip('"') for part in header.split(",") if part.strip()]
    if "*" in wanted or set(wanted) & set(kb_tags()):
        return None
    return ", ".join(wanted)[:100]


def register_meta(app: Flask) -> None:
    @app.before_request
    def request_id_and_pin() -> None:
        given = request.headers.get(REQUEST_ID, "")
        g.request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex  # echo a safe one only
        if request.method == "POST" and request.path.startswith(("/api/", "/fhir/")):
            other = _pinned_elsewhere()
            if other is not None:
                version, sha256 = kb_tags()
                abort(412, description=f"If-Match: {other} is not this knowledge base ({version}, sha256 {sha256})")

    @app.after_request
    def tag(response: Response) -> Response:
        version, sha256 = kb_tags()
        response.headers[REQUEST_ID] = getattr(g, "request_id", None) or uuid.uuid4().hex
        response.headers[KB_VERSION] = version
        response.headers[KB_SHA256] = sha256
        return response
