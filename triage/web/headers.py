"""The headers every response carries: nothing cached, framed or referred; no inline script.

``SECURITY_HEADERS`` is the one list: Flask's responses, the errors the server answers itself
(triage/web/worker.py) and nginx's own error pages (deploy/nginx/triage.conf) all send it.
"""

from __future__ import annotations

from flask import Response, request

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


def privacy_headers(response: Response) -> Response:
    """Nothing cached, nothing framed, nothing referred; no inline script anywhere."""
    headers = response.headers
    for name, value in SECURITY_HEADERS:
        if name == "Content-Security-Policy":
            headers.setdefault(name, value)  # a page may send a stricter one of its own
        else:
            headers[name] = value
    if request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-cache"  # no health data there; revalidate
    return response
