"""Run the web app under gunicorn (a production server): sync workers, one request per
process at a time, so each worker's experta engine is only ever used by one thread
(triage/web/worker.py: a read deadline, our headers on gunicorn's own errors, a draining stop).

It is meant to run on 127.0.0.1 behind a buffering proxy (docs/deploy.md has a tested nginx
configuration); on its own it is for one person or a small trusted network."""

from __future__ import annotations

import errno
import socket
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from .cors import normalise as normalise_origins  # for `triage serve --cors-origin` (the CLI imports only here)
from .worker import TriageWorker

__all__ = ["COOKIE_HEADER_LIMIT", "TriageServer", "normalise_origins", "port_problem", "serve"]

# The pages' state travels in up to 5 cookies of 3,800 characters (triage/web/sealed.py):
# gunicorn's default limit on one header (8,190 bytes) would refuse the longest answers.
COOKIE_HEADER_LIMIT = 24_576


class TriageArbiter(Arbiter):
    def handle_int(self) -> None:
        """Ctrl-C stops gracefully, as SIGTERM does (gunicorn stops at once); a second one is quick."""
        self.handle_term()


class TriageServer(BaseApplication):
    def __init__(self, options: dict[str, Any], app_config: dict[str, Any] | None = None):
        self.options = options
        self.app_config = app_config or {}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # a setting newer gunicorns add (control_socket_disable)
                self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app(config=self.app_config)

    def run(self) -> None:
        TriageArbiter(self).run()


def port_problem(host: str, port: int) -> str | None:
    """Say now, in one line, if the address cannot be used (gunicorn would retry and log)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return f"{host}: {error.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"{host}:{port} is already in use (choose another with --port)"
            return f"{host}:{port}: {error.strerror or error}"
    return None


def serve(
    host: str,
    port: int,
    workers: int,
    *,
    access_log: bool = False,
    app_config: dict | None = None,
    read_timeout: float | None = None,
) -> None:
    if read_timeout is not None:
        TriageWorker.read_timeout = read_timeout  # inherited by the workers, forked from here
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # PUBLIC_URL: where clients reach us (`--public-url`), never taken from a Host header.
    app_config = {"PUBLIC_URL": f"http://{bind}", **(app_config or {})}
    app_config["PUBLIC_URL"] = app_config["PUBLIC_URL"].rstrip("/")
    options: dict[str, Any] = {
        "bind": bind,
        "workers": workers,
        "worker_class": TriageWorker,
        "preload_app": True,  # load and check the knowledge base once, before forking
        "timeout": 30,
        "graceful_timeout": 10,  # seconds to finish the requests in hand and those queued
        "limit_request_line": 4094,
        "limit_request_fields": 50,
        "limit_request_field_size": COOKIE_HEADER_LIMIT,
        "control_socket_disable": True,  # gunicorn 25.1+ would share one in $HOME between instances
        "accesslog": "-" if access_log else None,  # paths only: answers are never in a URL
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "triage-serve",
    }
    TriageServer(options, app_config).run()
