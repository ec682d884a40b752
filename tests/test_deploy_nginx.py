"""The shipped nginx configuration (deploy/nginx/triage.conf) in front of a real `triage serve`
(issue #21, N16). Debian's nginx, started here on 127.0.0.1 with a temporary prefix (no root
needed), with the shipped file changed only on its two "EDIT" lines (the ports).

- Slow clients: 200 connections trickling one byte every half second (headers, or a body)
  for 8 s; meanwhile a normal client gets /healthz and an assessment, each within 1 s,
  throughout. The same trickle straight at `triage serve` (one worker) starves it: that is
  what the test would see if nginx did not buffer.
- nginx's own errors (413, 400 for a header too large, 502 when no machine answers) carry
  the same security headers as triage's responses; triage's own responses pass unchanged.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import base_answers
from web_helpers import ROOT, free_port

pytest.importorskip("gunicorn")

from triage.web.headers import SECURITY_HEADERS

CONF = ROOT / "deploy" / "nginx" / "triage.conf"
ANSWERS = json.dumps(base_answers()).encode()
NORMAL_WITHIN = 1.0  # seconds: the bound for a normal client while slow ones trickle


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def require_nginx() -> str:
    found = nginx_binary()
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail("nginx missing under CI: scripts/install-test-deps.sh installs it")
    pytest.skip("nginx not installed (scripts/install-test-deps.sh installs it)")


def wait_for(url: str, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, f"{what} did not start"
            time.sleep(0.1)


@contextlib.contextmanager
def triage_serve(*extra: str) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "triage", "serve", "--port", str(port), "--workers", "1", *extra]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", proc, "triage serve")
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def site_conf(listen: int, upstream: int) -> str:
    """The shipped file, with only its two EDIT lines changed."""
    text = CONF.read_text(encoding="utf-8")
    edits = {
        "    listen 80;  # EDIT": f"    listen 127.0.0.1:{listen};  # EDIT",
        "    server 127.0.0.1:8000 max_fails": f"    server 127.0.0.1:{upstream} max_fails",
    }
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@contextlib.contextmanager
def nginx(prefix: Path, upstream: int) -> Iterator[int]:
    binary = require_nginx()
    port = free_port()
    prefix.mkdir()
    (prefix / "triage.conf").write_text(site_conf(port, upstream), encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would run as nobody
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"    {kind}_temp_path {prefix}/{kind};\n" for kind in kinds)
    (prefix / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n    access_log off;\n    default_type application/octet-stream;\n{temp}"
        f"    include {prefix}/triage.conf;\n}}\n",
        encoding="utf-8",
    )
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert proc.poll() is None and time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class Trickle:
    """Slow clients: each connection sends one byte of its request every `every` seconds."""

    def __init__(self, port: int, connections: int, every: float = 0.5):
        self.port, self.every = port, every
        self.sockets: list[tuple[socket.socket, bytes]] = []
        self.stop = threading.Event()
        body_head = b"POST /api/v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        for number in range(connections):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if number % 2:  # half trickle their headers, half a body after whole headers
                sock.sendall(body_head + b"Content-Length: 5000\r\n\r\n")  # under the limit: read
                rest = b"x" * 5000
            else:
                sock.sendall(b"GET /healthz HTTP/1.1\r\n")
                rest = b"X-Slow: " + b"y" * 1000
            self.sockets.append((sock, rest))
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        position = 0
        while not self.stop.wait(self.every):
            for sock, rest in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(rest[position : position + 1])
            position += 1

    def __enter__(self) -> Trickle:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        for sock, _ in self.sockets:
            sock.close()


def timed(url: str, body: bytes | None = None, timeout: float = 5.0) -> tuple[float, int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, data = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    except OSError:
        status, data = 0, b""  # timed out or refused
    return time.monotonic() - start, status, data


def test_slow_clients_do_not_starve_triage_behind_nginx(tmp_path: Path) -> None:
    with triage_serve() as upstream, nginx(tmp_path / "nginx", upstream) as port:
        base = f"http://127.0.0.1:{port}"
        probes: list[tuple[str, float, int]] = []
        with Trickle(port, 200):
            end = time.monotonic() + 8
            while time.monotonic() < end:
                for path, body in (("/healthz", None), ("/api/v1/assess", ANSWERS)):
                    took, status, data = timed(base + path, body)
                    probes.append((path, took, status))
                    if path == "/api/v1/assess" and status == 200:
                        assert json.loads(data)["disposition"] == "walk-normally"
                time.sleep(0.25)
        assert len(probes) >= 10
        slow = [p for p in probes if p[2] != 200 or p[1] >= NORMAL_WITHIN]
        assert not slow, f"{len(slow)} of {len(probes)} normal requests slow or failed: {slow[:5]}"
        # The control: the same trickle straight at triage serve (one worker) starves it.
        with Trickle(upstream, 20):
            time.sleep(1)
            took, status, _ = timed(f"http://127.0.0.1:{upstream}/healthz", timeout=NORMAL_WITHIN)
        assert status == 0 or took >= NORMAL_WITHIN, "without nginx the slow clients should starve the worker"


def header_lines(reply: bytes) -> list[tuple[str, str]]:
    head = reply.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    return [tuple(line.split(": ", 1)) for line in head[1:]]  # type: ignore[misc]


def raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        reply = b""
        with contextlib.suppress(ConnectionResetError):
            while piece := sock.recv(65536):
                reply += piece
        return reply


def assert_security_headers(reply: bytes, status: int) -> None:
    assert reply.split(b" ", 2)[1] == str(status).encode(), reply[:200]
    headers = header_lines(reply)
    for name, value in SECURITY_HEADERS:
        sent = [v for n, v in headers if n.lower() == name.lower()]
        assert sent == [value], (status, name, sent)  # exactly once, the same value


def test_nginx_errors_carry_the_security_headers_and_triage_responses_pass_unchanged(tmp_path: Path) -> None:
    with triage_serve() as upstream, nginx(tmp_path / "nginx", upstream) as port:
        big = b"{" + b" " * 100_000 + b"}"
        head = f"POST /api/v1/assess HTTP/1.1\r\nHost: x\r\nContent-Length: {len(big)}\r\nConnection: close\r\n\r\n"
        reply = raw(port, head.encode() + big)
        assert_security_headers(reply, 413)
        assert json.loads(reply.partition(b"\r\n\r\n")[2])["error"] == "Too large"
        reply = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40_000 + b"\r\n\r\n")
        assert_security_headers(reply, 400)  # over nginx's 32 KB: nginx's own 400
        # triage's own responses: its headers once each (a page's own CSP is not doubled)
        assert_security_headers(raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 200)
        assert_security_headers(raw(port, b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404)
        # a FHIR body of 100 KB is allowed through (512 KB there), a chunked one too
        head = "POST /fhir/Questionnaire/knee-triage/$next-question HTTP/1.1\r\nHost: x\r\n"
        chunked = f"{len(big):x}\r\n".encode() + big + b"\r\n0\r\n\r\n"
        reply = raw(port, (head + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode() + chunked)
        assert reply.startswith(b"HTTP/1.1 400") and b"OperationOutcome" in reply
    with nginx(tmp_path / "nginx-alone", free_port()) as port:  # no machine answers
        reply = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert_security_headers(reply, 502)  # error_page keeps nginx's status
        assert "try again" in json.loads(reply.partition(b"\r\n\r\n")[2])["problems"][0]
