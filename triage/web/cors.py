"""CORS for the JSON API and FHIR routes: off unless origins are allowed (docs/web.md).

An SDC renderer or a clinic's page on another origin may call ``/api/`` and ``/fhir/`` when
its origin is in the allow-list (``triage serve --cors-origin ORIGIN``, or ``*`` for any).
There are no cookies or credentials on those routes, so ``Access-Control-Allow-Credentials``
is never sent; the pages (and their state cookie) never get CORS headers.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, request

CONFIG_KEY = "CORS_ORIGINS"
PREFIXES = ("/api/", "/fhir/")
METHODS = "GET, POST, OPTIONS"
HEADERS = "Content-Type, Accept, If-Match, X-Request-Id"
EXPOSED = "Location, X-Request-Id, X-Knowledge-Base-Version, X-Knowledge-Base-Sha256"


def normalise(origins: Iterable[str]) -> tuple[str, ...]:
    """Origins as browsers send them (scheme://host[:port], no path or slash); ValueError if not."""
    found: list[str] = []
    for origin in origins:
        origin = origin.strip().rstrip("/")
        if origin != "*" and not (origin.startswith(("http://", "https://")) and "/" not in origin.split("://", 1)[1]):
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port], or * for any)")
        found.append(origin)
    return tuple(found)


def _covered() -> bool:
    return request.path.startswith(PREFIXES) or request.path == "/openapi.json"


def cors_headers(app: Flask):
    allowed = set(app.config.get(CONFIG_KEY) or ())

    def add(response: Response) -> Response:
        if not allowed or not _covered():
            return response
        response.vary.add("Origin")
        origin = request.headers.get("Origin")
        if origin is None or not ("*" in allowed or origin in allowed):
            return response
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        if request.method == "OPTIONS":  # a preflight: Flask answers OPTIONS for every route
            response.headers["Access-Control-Allow-Methods"] = METHODS
            response.headers["Access-Control-Allow-Headers"] = HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        return response

    return add
