"""The headers every response carries: nothing cached, framed or referred; no inline script."""

from __future__ import annotations

from flask import Response, request

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def privacy_headers(response: Response) -> Response:
    """Nothing cached, nothing framed, nothing referred; no inline script anywhere."""
    headers = response.headers
    headers["Cache-Control"] = "no-store"
    headers["Pragma"] = "no-cache"
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-cache"  # no health data there; revalidate
    return response
