"""The web front end: the questionnaire as pages and a JSON API (``triage serve``).

A sibling of the CLI over the library: nothing in the library imports this package. It needs
the optional extra ``pip install 'knee-triage[web]'`` (Flask; gunicorn for ``triage serve``).

``create_app()`` builds the Flask app. Feature areas are blueprints, registered in
``BLUEPRINTS`` below: to add endpoints (for example a FHIR ``$next-question``), write a
blueprint in its own module and add it there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask

from ..kb.load import load_knowledge_base
from .headers import privacy_headers

MAX_BODY = 64 * 1024  # bytes; a full answers file with the longest notes is about 6 KB

# (module, blueprint attribute): the app's feature areas, in registration order.
BLUEPRINTS: tuple[tuple[str, str], ...] = (
    ("triage.web.pages", "pages"),
    ("triage.web.plan_pages", "plan_pages"),  # the walking plan from the result page (docs/web.md)
    ("triage.web.checkin_pages", "checkin_pages"),  # the walking plan's weekly check-in
    ("triage.web.api", "api"),
    ("triage.web.fhir", "fhir_api"),  # FHIR: the Questionnaire and $next-question (docs/fhir.md)
)


def _blueprints(extra: Iterable[Blueprint]) -> list[Blueprint]:
    import importlib

    found = [getattr(importlib.import_module(module), name) for module, name in BLUEPRINTS]
    return [*found, *extra]


def create_app(*, extra_blueprints: Iterable[Blueprint] = (), config: dict[str, Any] | None = None) -> Flask:
    """The WSGI app. The knowledge base is the library's default one (and is loaded now, so a
    broken knowledge base stops the server at start, not at the first request)."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY, JSON_SORT_KEYS=False)
    # Where clients reach this server (the FHIR Questionnaire names it); never the Host header.
    app.config["PUBLIC_URL"] = "http://127.0.0.1:8000"
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(config or {})
    if not app.config.get("STATE_KEY"):
        # The web pages' state cookie key (triage/web/sealed.py): made before gunicorn forks, so
        # every worker shares it; TRIAGE_STATE_KEY shares it between machines.
        from .sealed import make_key

        app.config["STATE_KEY"] = make_key()
    load_knowledge_base()
    for blueprint in _blueprints(extra_blueprints):
        app.register_blueprint(blueprint)
    app.after_request(privacy_headers)
    from .cors import CONFIG_KEY, cors_headers, normalise

    app.config[CONFIG_KEY] = normalise(app.config.get(CONFIG_KEY) or ())  # a bad origin stops the start
    app.after_request(cors_headers(app))
    from .meta import register_meta

    register_meta(app)  # X-Request-Id, X-Knowledge-Base-Version, the If-Match pin
    # Wording every front end shares (disclaimer, the check before an ambulance) is in the knowledge base.
    app.context_processor(lambda: {"wording": load_knowledge_base().wording})
    from .errors import register_errors

    register_errors(app)
    from .bodies import buffer_chunked
    from .fhir import MAX_FHIR_BODY

    app.wsgi_app = buffer_chunked(app.wsgi_app, max(MAX_BODY, MAX_FHIR_BODY))  # type: ignore[method-assign]
    return app
