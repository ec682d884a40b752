"""`triage serve` (the web questionnaire and JSON API) and `triage schema` (answers JSON Schema)."""

from __future__ import annotations

import json
import os

import click

WEB_HINT = (
    "the web server is an optional extra: pip install 'knee-triage[web]' (from a source checkout: pip install '.[web]')"
)


@click.command("schema", short_help="Print the JSON Schema of an answers file.")
def schema_command() -> None:
    """Print the JSON Schema of an answers file, generated from the questions."""
    from ..kb.load import load_knowledge_base
    from ..schema import answers_schema

    click.echo(json.dumps(answers_schema(load_knowledge_base()), indent=2, ensure_ascii=False))


@click.command("serve", short_help="Serve the questionnaire and the JSON API (needs the web extra).")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="The port.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (each serves one request at a time). Default: the number of cores.",
)
@click.option("--access-log", is_flag=True, help="Log each request line (paths only: answers are never in a URL).")
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages from ORIGIN (https://host[:port]; * for any) call /api/ and /fhir/. Repeatable. Default: none.",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="Where clients reach this server, as the FHIR Questionnaire names it. Default: http://HOST:PORT.",
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(0.1, 600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a client has to send its whole request; then 408.",
)
def serve_command(
    host: str,
    port: int,
    workers: int | None,
    access_log: bool,
    cors_origins: tuple[str, ...],
    public_url: str | None,
    read_timeout: float,
) -> None:
    """Serve the questionnaire (web pages) and the JSON API with gunicorn.

    No configuration, database or network needed; nothing is stored. It listens on
    127.0.0.1: to serve others, put a buffering proxy such as nginx in front (docs/deploy.md).
    Ctrl-C or SIGTERM stops it after the requests in hand.
    """
    from ..answers import shown_key
    from .common import fail

    try:
        from ..web.serve import normalise_origins, port_problem, serve
    except ImportError:
        fail([WEB_HINT], "cannot start the web server:")
    try:
        origins = normalise_origins(cors_origins)
    except ValueError as error:
        fail([f"--cors-origin: {error}"], "cannot start the web server:")
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        problem = f"--public-url: {shown_key(public_url)} is not an http:// or https:// address"
        fail([problem], "cannot start the web server:")
    problem = port_problem(host, port)
    if problem:
        fail([problem], "cannot start the web server:")
    count = workers or os.cpu_count() or 1
    click.echo(f"triage: serving on http://{host}:{port}/ with {count} worker(s); Ctrl-C stops", err=True)
    app_config: dict[str, object] = {"CORS_ORIGINS": origins}
    if public_url:
        app_config["PUBLIC_URL"] = public_url
    serve(host, port, count, access_log=access_log, app_config=app_config, read_timeout=read_timeout)
