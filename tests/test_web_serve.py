"""`triage serve` for real: gunicorn workers in a subprocess, on 127.0.0.1 and a free port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import CASES, load_case
from web_helpers import ROOT, free_port, running_server

pytest.importorskip("gunicorn")

SECRET_NAME = "Zebedee Quixotic-Marchbanks"


def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_two_workers_serve_any_request_and_keep_nothing(tmp_path):
    """Stateless: requests spread over two workers give the CLI's results; no file appears in
    the working folder; the name someone typed never reaches the log, even the access log."""
    log: list[str] = []
    cases = [load_case(p) for p in CASES]
    with running_server(workers=2, cwd=tmp_path, extra=("--access-log",), log=log) as base:

        def one(case):
            answers = {**case["answers"], "name": SECRET_NAME}
            return case["expected"], post(base + "/api/v1/assess", json.dumps(answers).encode())

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, cases * 4))
        # The pages' state cookie: sealed by one worker, opened by either (one key, made before the fork).
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        for form in ({"action": "start"}, {"action": "answer", "question": "age", "value": "47"}):
            browser.open(base + "/questions", urllib.parse.urlencode(form).encode(), timeout=10).read()
        pages = {browser.open(base + "/questions/age", timeout=10).read() for _ in range(12)}
        assert len(pages) == 1 and b'value="47"' in pages.pop()
    for expected, (status, body) in results:
        assert status == 200
        assert json.loads(body)["disposition"] == expected
    assert list(tmp_path.iterdir()) == []
    output = "".join(log)
    assert "Booting worker" in output and "POST /api/v1/assess" in output  # the log was captured
    assert SECRET_NAME not in output and "Zebedee" not in output


def test_port_in_use_is_a_clear_error():
    with running_server() as base:
        port = base.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "-m", "triage", "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    assert result.returncode == 2
    assert "already in use" in result.stderr and "Traceback" not in result.stderr


def test_without_the_web_extra_serve_says_how_to_install_it():
    code = "import sys; sys.modules['gunicorn'] = None; "
    code += "from triage.cli.main import main; main(['serve', '--port', '%d'])"
    result = subprocess.run(
        [sys.executable, "-c", code % free_port()], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 2
    assert "pip install 'knee-triage[web]'" in result.stderr and "Traceback" not in result.stderr


def test_the_cli_does_not_load_the_web_stack():
    code = "import sys, triage.cli.main"
    code += "\nprint(sorted(m for m in ('flask', 'gunicorn', 'werkzeug') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT, env={**os.environ}
    )
    assert result.stdout.strip() == "[]"


def test_serve_uses_the_chosen_knowledge_base(tmp_path):
    """`triage --kb DIR serve` (TRIAGE_KB): the library's loader decides, the web follows."""
    import shutil

    from triage.kb.load import load_knowledge_base

    copy = tmp_path / "kb"
    shutil.copytree(ROOT / "rules", copy)
    (copy / "sources" / "extra-note.txt").write_text("a change\n", encoding="utf-8")  # another sha256
    expected = load_knowledge_base(copy).sha256
    assert expected != load_knowledge_base().sha256
    with running_server(cwd=tmp_path, before=("--kb", str(copy))) as base:
        health = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=10).read())
    assert health["knowledge_base"]["sha256"] == expected
