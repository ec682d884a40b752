"""`triage serve` under hostile clients and when stopped (issue #21: N13, N14, N15, N17, N18,
and the read deadline of N16). A real gunicorn in a subprocess on 127.0.0.1; raw sockets
where a well-behaved client library would refuse to send what is tested."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import base_answers
from web_helpers import ROOT, free_port

pytest.importorskip("gunicorn")

from triage.web.headers import SECURITY_HEADERS
from triage.web.serve import COOKIE_HEADER_LIMIT

ANSWERS = json.dumps(base_answers()).encode()


@contextlib.contextmanager
def server(*extra: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Iterator[tuple[int, subprocess.Popen]]:
    """`triage serve` (one worker unless told) in its own process group; always stopped."""
    port = free_port()
    command = [sys.executable, "-m", "triage", "serve", "--port", str(port), "--workers", "1", *extra]
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "triage serve did not start"
                time.sleep(0.1)
        yield port, proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def raw(port: int, data: bytes) -> bytes:
    """Send bytes, read the whole reply (the server closes every connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        return read_all(sock)


def read_all(sock: socket.socket) -> bytes:
    reply = b""
    with contextlib.suppress(ConnectionResetError):
        while piece := sock.recv(65536):
            reply += piece
    return reply


def head_and_body(reply: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def assert_ours(reply: bytes, status: int) -> None:
    code, headers, body = head_and_body(reply)
    assert code == status, reply[:200]
    for name, value in SECURITY_HEADERS:
        assert headers.get(name) == value, (status, name)
    problems = json.loads(body)["problems"]
    assert problems and all(p.isprintable() for p in problems)


def post_request(path: str = "/api/v1/assess", body: bytes = ANSWERS) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def test_server_level_errors_carry_the_security_headers_and_a_problem_list() -> None:
    with server() as (port, _):
        many = "".join(f"X-{i}: 1\r\n" for i in range(101))
        assert_ours(raw(port, f"GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n".encode()), 431)
        assert_ours(raw(port, f"GET /{'a' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n".encode()), 414)
        assert_ours(raw(port, b"GARBAGE\x1b[2J\r\n\r\n"), 400)
        big = "b" * (COOKIE_HEADER_LIMIT + 100)  # one header over the limit (the state cookie's, 24 KB)
        assert_ours(raw(port, f"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n".encode()), 431)
        code, headers, _ = head_and_body(raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        assert code == 200 and headers["X-Frame-Options"] == "DENY"  # the worker still serves


def chunked_post(port: int, path: str, body: bytes) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        pieces = (body[i : i + 8192] for i in range(0, len(body), 8192))
        connection.request("POST", path, body=pieces, headers={"Content-Type": "application/json"}, encode_chunked=True)
        reply = connection.getresponse()
        return reply.status, json.loads(reply.read())
    finally:
        connection.close()


def test_a_chunked_body_is_read_whole_and_over_the_limit_is_413() -> None:
    """Werkzeug read a chunked body only up to the limit: 100 KB gave 400 'invalid JSON'."""
    big = json.dumps({**base_answers(), "notes": "x" * 100_000}).encode()
    next_question = "/fhir/Questionnaire/knee-triage/$next-question"
    with server() as (port, _):
        status, reply = chunked_post(port, "/api/v1/assess", ANSWERS)
        assert status == 200 and reply["disposition"] == "walk-normally"
        status, reply = chunked_post(port, "/api/v1/assess", big)
        assert status == 413 and "64 KB" in reply["problems"][0]
        status, reply = chunked_post(port, next_question, big)  # FHIR routes allow 512 KB: read whole
        assert status == 400 and "QuestionnaireResponse" in reply["issue"][0]["diagnostics"]
        status, reply = chunked_post(port, next_question, b" " * 600_000)
        assert status == 413 and reply["issue"][0]["code"] == "too-long"


def test_a_client_too_slow_gets_408_and_the_worker_is_free_again() -> None:
    with server("--read-timeout", "1") as (port, _):
        with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
            slow.sendall(b"GET /healthz HTTP/1.1\r\n")
            for byte in b"Host: 127.0.0.1\r\n":  # one byte at a time, far slower than the deadline allows
                try:
                    slow.sendall(bytes([byte]))
                except OSError:
                    break  # the server answered and closed
                time.sleep(0.2)
            assert_ours(read_all(slow), 408)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as idle:  # a browser's preconnect
            assert read_all(idle) == b""  # closed after the deadline, without a 408 it never asked for
        code, _, _ = head_and_body(raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        assert code == 200


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_stopping_finishes_the_request_in_hand_and_serves_the_queued_ones(how: str) -> None:
    """The one worker is busy with a request still arriving; five more wait in the listen
    queue. Then the server is told to stop: all six get their assessment, none a 500 or a reset."""
    with server() as (port, proc):  # the default read deadline (10 s) is far more than needed here
        first = socket.create_connection(("127.0.0.1", port), timeout=30)
        request = post_request()
        first.sendall(request[:20])  # the worker now waits for the rest of this request
        time.sleep(0.5)
        queued = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(5)]
        for sock in queued:
            sock.sendall(request)
        time.sleep(0.5)
        if how == "sigterm":
            os.kill(proc.pid, signal.SIGTERM)  # what a service manager sends
        else:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        time.sleep(0.5)
        first.sendall(request[20:])
        replies = []
        for sock in [first, *queued]:
            replies.append(read_all(sock))
            sock.close()  # as a client does: gunicorn lingers until then (RFC 9112 section 9.6)
        assert proc.wait(timeout=30) == 0
    for reply in replies:
        code, _, body = head_and_body(reply)
        assert code == 200, reply[:100]
        assert json.loads(body)["disposition"] == "walk-normally"


def test_no_control_socket_is_opened_in_home(tmp_path: Path) -> None:
    """gunicorn 25.1+ opens $HOME/.gunicorn/gunicorn.ctl, one for every instance of the user."""
    env = {"HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path / "none")}
    with server(env=env, cwd=tmp_path) as (port, proc):
        code, _, _ = head_and_body(raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        assert code == 200
        os.kill(proc.pid, signal.SIGTERM)  # a clean stop: the control socket, if any, was opened before
        assert proc.wait(timeout=30) == 0
    assert not [p for p in tmp_path.rglob("*") if p.name in (".gunicorn", "gunicorn.ctl")]


def test_the_fhir_questionnaire_names_the_configured_address_never_the_host_header() -> None:
    pytest.importorskip("flask")
    from triage.web import create_app

    for config, expected in ((None, "http://127.0.0.1:8000/fhir"), ({"PUBLIC_URL": "https://t.example"}, None)):
        client = create_app(config=config).test_client()
        reply = client.get("/fhir/Questionnaire/knee-triage", headers={"Host": "evil.example"})
        url = reply.get_json()["extension"][0]["valueUrl"]
        assert url == (expected or "https://t.example/fhir")
        assert "evil" not in reply.get_data(as_text=True)


def test_serve_names_its_public_url_and_refuses_a_bad_one() -> None:
    with server("--public-url", "https://triage.example.org/") as (port, _):
        url = f"http://127.0.0.1:{port}/fhir/Questionnaire/knee-triage"
        with urllib.request.urlopen(url, timeout=10) as reply:
            assert json.loads(reply.read())["extension"][0]["valueUrl"] == "https://triage.example.org/fhir"
    result = subprocess.run(
        [sys.executable, "-m", "triage", "serve", "--public-url", "\x1b[2Jevil"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "\x1b" not in result.stderr and "Traceback" not in result.stderr
