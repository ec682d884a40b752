"""Helpers for the web tests: a real `triage serve` on a free port, Playwright driving
Debian's Chromium (never a downloaded browser), axe-core, and a person answering a case."""

from __future__ import annotations

import contextlib
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
from typing import Any

from browser import DEFAULT_AXE_TAGS, axe_js_path, chromium_path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(
    workers: int = 1,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    extra: tuple[str, ...] = (),
    log: list | None = None,
    before: tuple[str, ...] = (),
) -> Iterator[str]:
    """`triage serve` in its own process group on 127.0.0.1 and a free port; always stopped."""
    port = free_port()
    command = [sys.executable, "-m", "triage", *before, "serve", "--port", str(port), "--workers", str(workers), *extra]
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode() if proc.stdout else ""
                    raise RuntimeError(f"triage serve did not start:\n{output}") from None
                time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if proc.stdout:
            if log is not None:
                log.append(proc.stdout.read().decode("utf-8", "replace"))
            proc.stdout.close()


def launch_chromium(playwright: Any) -> Any:
    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium not found: run scripts/install-test-deps.sh")
    return playwright.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core (WCAG 2.x A/AA tags, 2.2 included) on the page as it is now."""
    axe = axe_js_path()
    assert axe is not None, "axe-core missing: run scripts/install-test-deps.sh"
    page.evaluate(axe.read_text(encoding="utf-8") + "\n;0")  # DevTools evaluation: the page's CSP does not apply
    options = {"runOnly": {"type": "tag", "values": list(DEFAULT_AXE_TAGS)}, "resultTypes": ["violations"]}
    found = page.evaluate("(options) => axe.run(document, options).then(r => r.violations)", options)
    return [
        {"id": v["id"], "impact": v.get("impact"), "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in found
    ]


_KIND_JS = """() => {
  const q = document.querySelector("input[name=question]");
  if (q) return "question";
  if (document.querySelector("#result-title")) return "result";
  const h1 = document.querySelector("h1");
  return h1 ? h1.textContent.trim() : "";
}"""
_HEADINGS = {"Check your answer": "check-emergency", "Call 999 now": "call-now", "Check your answers": "check-answers"}


def page_kind(page: Any) -> str:
    """Which page this is, from what a person sees (one look at the page, no waiting)."""
    kind = page.evaluate(_KIND_JS)
    return _HEADINGS.get(kind, kind)


def press(page: Any, name: str) -> None:
    """Press a button (or follow a link shown as one), and wait for the next page."""
    target = page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name, exact=True))
    with page.expect_navigation(wait_until="domcontentloaded"):
        target.click()


def answer_question(page: Any, value: Any, *, present: bool) -> None:
    """Answer the question on screen as a person would: click a radio or type, then Continue
    (or Skip, for an optional question the case leaves out)."""
    if not present:
        press(page, "Skip this question")
        return
    radios = page.locator("input[type=radio][name=value]")
    if radios.count():
        wanted = "not-sure" if value is None else ("yes" if value is True else "no" if value is False else value)
        page.locator(f"input[type=radio][name=value][value='{wanted}'] + label").click()
    else:
        box = page.locator("[name=value]")
        box.fill(str(value))
    press(page, "Continue")


def current_question(page: Any) -> str:
    return page.locator("input[name=question]").get_attribute("value")


def walk_case(page: Any, base: str, answers: dict[str, Any], *, confirm: bool = True) -> list[str]:
    """Click through the questionnaire with these answers to the result; returns the pages seen."""
    page.goto(base + "/")
    press(page, "Start now")
    seen: list[str] = []
    for _ in range(200):
        kind = page_kind(page)
        seen.append(kind)
        if kind == "question":
            qid = current_question(page)
            answer_question(page, answers.get(qid), present=qid in answers)
        elif kind == "check-emergency":
            page.locator(f"input[name=confirm][value={'yes' if confirm else 'no'}] + label").click()
            press(page, "Continue")
        elif kind == "call-now":
            press(page, "See why")
        elif kind == "check-answers":
            press(page, "See your result")
        elif kind == "result":
            return seen
        else:
            raise AssertionError(f"unexpected page {kind!r}:\n{page.content()[:2000]}")
    raise AssertionError("no result after 200 pages")


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@contextlib.contextmanager
def serving_app(app: Any) -> Iterator[str]:
    """A Flask app served in this process (werkzeug, a thread), for a test that changes the
    app's config while a browser uses it (such as the walking plan's clock, ``TODAY``)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
