"""The web questionnaire in a real browser: `triage serve` (gunicorn) in a subprocess,
Playwright for Python driving Debian's headless Chromium (scripts/install-test-deps.sh).

Every patient case is clicked through to its disposition; the back link, an error summary,
an emergency stop with its check and interruption pages, and check answers -> change ->
result are covered; axe-core finds no violation on any page type; no page breaks its own
Content-Security-Policy; the pages work with JavaScript off, at 320 px, by keyboard alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import CASES, load_case
from web_helpers import (
    answer_question,
    axe_violations,
    current_question,
    launch_chromium,
    page_kind,
    press,
    running_server,
    walk_case,
)

from triage.assessment import assess
from triage.kb.load import load_knowledge_base

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.skipif(
    __import__("browser").chromium_path() is None, reason="chromium missing: run scripts/install-test-deps.sh"
)

ORDINARY = dict(load_case(next(p for p in CASES if p.stem == "V01"))["answers"])  # walk-normally
EMERGENCY_FOOT = {"age": 40, "sex": "male", "injury": False, "can_bear_weight": True, "foot_cold_numb": True}


@pytest.fixture(scope="module")
def server():
    with running_server(workers=1) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page that records every Content-Security-Policy complaint and script error."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    assert page.problems == [], page.problems  # CSP violations show up as console errors
    context.close()


def result_title(page) -> str:
    return page.locator("#result-title").inner_text().strip()


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_every_case_clicked_through_reaches_its_disposition(server, page, case_file):
    case = load_case(case_file)
    seen = walk_case(page, server, case["answers"])
    expected = assess(case["answers"]).disposition
    assert expected.id == case["expected"]
    assert result_title(page) == expected.title
    if expected.urgency >= 4:
        assert "check-emergency" in seen and "call-now" in seen
    else:
        assert "check-emergency" not in seen and seen[-2] == "check-answers"


def test_error_summary_links_to_the_field_and_takes_focus(server, page):
    page.goto(server + "/")
    press(page, "Start now")
    press(page, "Continue")  # age left empty
    assert page.title().startswith("Error: ")
    summary = page.locator(".error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "age"
    page.locator("#age").fill("abc")
    page.keyboard.press("Enter")
    assert "Enter a whole number from 18 to 120" in page.locator(".error-message").inner_text()
    assert page.locator("#age").input_value() == "abc"  # what was typed is kept


def test_back_link_returns_to_the_previous_question_with_its_answer(server, page):
    page.goto(server + "/")
    press(page, "Start now")
    answer_question(page, 44, present=True)
    assert current_question(page) == "sex"  # 1.2: asked second
    answer_question(page, "female", present=True)
    assert current_question(page) == "injury"
    answer_question(page, False, present=True)
    assert current_question(page) == "can_bear_weight"
    press(page, "Back")
    assert current_question(page) == "injury"
    assert page.locator("input[value=no]").is_checked()
    press(page, "Back")
    assert current_question(page) == "sex"
    assert page.locator("input[value=female]").is_checked()
    press(page, "Back")
    assert current_question(page) == "age"
    assert page.locator("#age").input_value() == "44"


def test_emergency_stops_early_checks_the_answer_then_says_call_999(server, page):
    page.goto(server + "/")
    press(page, "Start now")
    for qid in ("age", "sex", "injury", "can_bear_weight", "foot_cold_numb"):
        assert current_question(page) == qid
        answer_question(page, EMERGENCY_FOOT[qid], present=True)
    assert page_kind(page) == "check-emergency"
    text = page.locator("main").inner_text()
    assert "You answered YES to" in text and "cold, pale or blue" in text
    # "No" goes back to that question, and the result is not shown.
    page.locator("input[name=confirm][value=no] + label").click()
    press(page, "Continue")
    assert current_question(page) == "foot_cold_numb"
    assert page.locator("input[value=yes]").is_checked()
    answer_question(page, True, present=True)  # the same answer again: the same check
    page.locator("input[name=confirm][value=yes] + label").click()
    press(page, "Continue")
    assert page_kind(page) == "call-now"
    assert "112" in page.locator("main").inner_text()
    press(page, "See why")
    assert result_title(page) == load_knowledge_base().disposition_by_id["emergency"].title


def test_check_answers_change_then_result(server, page):
    answers = dict(ORDINARY)
    page.goto(server + "/")
    press(page, "Start now")
    while page_kind(page) == "question":
        qid = current_question(page)
        answer_question(page, answers.get(qid), present=qid in answers)
    assert page_kind(page) == "check-answers"
    press(page, "Change your answer to: Does the knee give way or buckle?")
    assert current_question(page) == "giving_way"
    assert page.locator("input[value=never]").is_checked()
    answer_question(page, "often", present=True)
    assert page_kind(page) == "check-answers"  # straight back: nothing new to ask
    assert "Often" in page.locator("main").inner_text()
    headings = page.locator("main h2").all_inner_texts()
    assert headings[:3] == ["Warning signs", "Your knee, your walking and you", "For your report"]
    press(page, "See your result")
    before, after = assess(answers).disposition, assess({**answers, "giving_way": "often"}).disposition
    assert before.id != after.id
    assert result_title(page) == after.title


def test_result_page_downloads_answers_and_starts_again(server, page):
    answers = dict(ORDINARY)
    walk_case(page, server, answers)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my answers (JSON)").click()
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved == assess(answers).answers
    press(page, "Start again")
    assert page.url.rstrip("/") == server
    assert "state" not in page.content()


def tab_to(page, element_id: str) -> int:
    """Press Tab until the element has focus; returns how many presses it took."""
    for presses in range(1, 20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def test_works_with_javascript_off_at_320px_by_keyboard(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(server + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
        for _ in range(10):  # past the emergency numbers (tel: links) to "Start now"
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Start now":
                break
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Start now
        tab_to(page, "age")
        page.keyboard.type("50")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert current_question(page) == "sex"  # 1.2: asked second; a choice by keyboard
        tab_to(page, "sex-1")
        page.keyboard.press("ArrowDown")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert current_question(page) == "injury"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the page scrolls sideways at 320 px ({width} px)"
        # Radios by keyboard: Tab into the group, arrow to "No", Enter submits.
        tab_to(page, "injury-1")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.id") == "injury-2"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert current_question(page) == "can_bear_weight"
        # Back by keyboard (a link: every page is a GET).
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Back"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert current_question(page) == "injury"
    finally:
        context.close()


def test_axe_finds_no_violation_on_any_page_type(server, page):
    checked: dict[str, list] = {}

    def check(name: str) -> None:
        checked[name] = axe_violations(page)

    page.goto(server + "/")
    check("start")
    press(page, "Start now")
    check("question: number")
    press(page, "Continue")
    check("error")
    answer_question(page, 60, present=True)
    answer_question(page, "male", present=True)  # sex (1.2: asked second)
    check("question: yes/no (red flag)")
    answer_question(page, False, present=True)
    for qid in ("can_bear_weight", "foot_cold_numb", "calf_swelling", "calf_pain", "breathless", "breathless_other"):
        answer_question(page, ORDINARY[qid], present=True)
    assert current_question(page) == "locking"
    check("question: choice")
    while current_question(page) != "foot_cold_numb":
        press(page, "Back")
    answer_question(page, True, present=True)  # foot cold: emergency
    check("check before an ambulance")
    page.locator("input[name=confirm][value=yes] + label").click()
    press(page, "Continue")
    check("interruption: call 999")
    press(page, "See why")
    check("result (emergency)")
    walk = dict(ORDINARY)
    page.goto(server + "/")
    press(page, "Start now")
    while page_kind(page) == "question":
        qid = current_question(page)
        if qid == "name":
            check("question: text")
        if qid == "notes":
            check("question: long text")
        answer_question(page, walk.get(qid), present=qid in walk)
    check("check answers")
    press(page, "See your result")
    check("result")
    assert {k: v for k, v in checked.items() if v} == {}
    assert len(checked) >= 12
