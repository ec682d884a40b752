"""The browser's own back button (page.go_back(), as a phone's back gesture) at every page
type, on a phone-sized and a desktop window: it returns to the previous page with its answer
shown, and never to Chromium's "Confirm Form Resubmission" (ERR_CACHE_MISS).

A control shows the check can fail: a page that is the direct reply to a POST (what every
question page was before Post/Redirect/Get), with `no-store`, does give the resubmission error.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import threading
from pathlib import Path

import pytest
from web_helpers import answer_question, current_question, launch_chromium, page_kind, press, running_server

from triage.kb.load import load_knowledge_base

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("flask")
from triage.web.openapi import example_answers  # noqa: E402

pytestmark = pytest.mark.skipif(
    __import__("browser").chromium_path() is None, reason="chromium missing: run scripts/install-test-deps.sh"
)

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SHOTS = os.environ.get("TRIAGE_SCREENSHOTS")  # a folder: keep screenshots of each back step there
KB = load_knowledge_base()
CALM = example_answers(KB, optional=True)  # complete and least urgent, for this knowledge base


@pytest.fixture(scope="module")
def server():
    with running_server(workers=2) as base:  # two workers: the state cookie opens in either
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(SIZES))
def page(browser, request):
    context = browser.new_context(viewport=SIZES[request.param])
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


def back(page, server: str, name: str) -> str:
    """The browser's back button; fails on a resubmission or error page. Returns the page kind."""
    try:
        page.go_back(wait_until="domcontentloaded")
    except playwright_api.Error as error:  # Chromium's "Confirm Form Resubmission" is net::ERR_CACHE_MISS
        raise AssertionError(f"back failed: {error.message.splitlines()[0]}") from None
    assert page.url.startswith(server), f"back showed {page.url} (a resubmission or error page)"
    assert "ERR_CACHE_MISS" not in page.content()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{page.size_name}-{name}.png", full_page=True)
    return page_kind(page)


def checked(page) -> str | None:
    radio = page.locator("input[type=radio]:checked")
    return radio.get_attribute("value") if radio.count() else None


def form_value(value) -> str:
    return "not-sure" if value is None else "yes" if value is True else "no" if value is False else str(value)


def shows(page, qid: str, answers: dict) -> bool:
    """The page is this question, with the answer given shown (selected or typed)."""
    if current_question(page) != qid:
        return False
    if page.locator("input[type=radio][name=value]").count():
        return checked(page) == form_value(answers[qid])
    return page.locator("[name=value]").input_value() == form_value(answers[qid])


def answer_next(page, answers: dict) -> str:
    qid = current_question(page)
    answer_question(page, answers.get(qid), present=qid in answers)
    return qid


def test_back_at_every_page_type_of_an_emergency(server, page):
    answers = {**CALM, "foot_cold_numb": True}  # the foot cold, pale or numb: an emergency
    page.goto(server + "/")
    press(page, "Start now")
    asked = [answer_next(page, answers), answer_next(page, answers)]
    # a question page -> the previous question, its answer shown
    assert back(page, server, "1-question") == "question" and shows(page, asked[1], answers)
    assert back(page, server, "2-first-question") == "question" and shows(page, asked[0], answers)
    page.go_forward(wait_until="domcontentloaded")
    assert shows(page, asked[1], answers)
    while page_kind(page) == "question":
        asked.append(answer_next(page, answers))
    assert page_kind(page) == "check-emergency" and asked[-1] == "foot_cold_numb"
    # the check before an ambulance -> the question that caused it, answered yes
    assert back(page, server, "3-check") == "question" and shows(page, "foot_cold_numb", answers)
    page.go_forward(wait_until="domcontentloaded")
    assert page_kind(page) == "check-emergency"
    page.locator("input[name=confirm][value=yes] + label").click()
    press(page, "Continue")
    assert page_kind(page) == "call-now"
    # "Call 999 now" -> the check, with the yes given
    assert back(page, server, "4-call-999") == "check-emergency"
    assert page.locator("input[name=confirm][value=yes]").is_checked()
    page.go_forward(wait_until="domcontentloaded")
    assert page_kind(page) == "call-now"
    press(page, "See why")
    assert page_kind(page) == "result"
    # the result -> "Call 999 now"
    assert back(page, server, "5-result-emergency") == "call-now"
    # and changing an answer after going back works: the foot is not cold after all
    assert back(page, server, "6-check-again") == "check-emergency"
    assert back(page, server, "7-cause") == "question"
    answer_question(page, False, present=True)
    assert page_kind(page) in ("question", "check-answers") and current_question_or_none(page) != "foot_cold_numb"


def current_question_or_none(page) -> str | None:
    return current_question(page) if page_kind(page) == "question" else None


def test_back_from_check_answers_and_the_result(server, page):
    page.goto(server + "/")
    press(page, "Start now")
    last = None
    while page_kind(page) == "question":
        last = answer_next(page, CALM)
    assert page_kind(page) == "check-answers"
    press(page, "See your result")
    assert page_kind(page) == "result"
    assert back(page, server, "8-result") == "check-answers"
    assert back(page, server, "9-check-answers") == "question"
    assert current_question(page) == last  # the last question, as answered (or skipped: empty)
    # "Change" from check answers, then Back: check your answers again
    page.go_forward(wait_until="domcontentloaded")
    change = page.get_by_role("link", name=re.compile("^Change")).first
    with page.expect_navigation():
        change.click()
    assert shows(page, current_question(page), CALM)
    with page.expect_navigation():
        page.get_by_role("link", name="Back").click()
    assert page_kind(page) == "check-answers"


@contextlib.contextmanager
def post_reply_server():
    """A page that is the direct reply to a POST, no-store: the design back used to break on."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._send(b'<form method="post" action="/q"><button name="a" value="1">Go</button></form>')

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._send(b'<form method="post" action="/q"><button name="a" value="2">Go</button></form>')

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_check_catches_a_resubmission_page(browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        with post_reply_server() as base:
            page.goto(base + "/")
            for _ in range(2):
                with page.expect_navigation():
                    page.get_by_role("button", name="Go").click()
            with pytest.raises(AssertionError, match="ERR_CACHE_MISS"):
                back(page, base, "control")
    finally:
        context.close()
