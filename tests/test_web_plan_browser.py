"""The walking plan in a real browser (Playwright, Debian's headless Chromium): a scripted
person's six weeks on the web, by uploading the plan file each week and downloading the
updated one, with the same steps as the terminal's run (tests/test_plan_pty.py): a green, an
amber and a red week, the back button in the middle of a check-in, a missed week, and a
red-flag check-in that escalates, the new result first. The last file is byte for byte the
library's for the same person. axe-core finds nothing on any of the new page types; no page
scrolls sideways at 390 px; no page breaks its Content-Security-Policy.

The server runs in this process (werkzeug, a thread), so the test can move its clock
(``app.config["TODAY"]``) from week to week. ``TRIAGE_SCREENSHOTS=DIR`` keeps a screenshot
of each page type at 390 px and 1280 px.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from helpers import CASES_DIR, load_case
from plan_support import START, checkin_answers
from web_helpers import axe_violations, current_question, launch_chromium, page_kind, press, serving_app, walk_case

from triage import assess, load_knowledge_base
from triage.checkin import check_in
from triage.plan import make_plan
from triage.plan_file import plan_bytes

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("flask")
from triage.web import create_app  # noqa: E402

pytestmark = pytest.mark.skipif(
    __import__("browser").chromium_path() is None, reason="chromium missing: run scripts/install-test-deps.sh"
)

KB = load_knowledge_base()
CASE = load_case(CASES_DIR / "V10.json")["answers"]  # try-backward-walking, as in the terminal's run
FLAG = next(q.id for q in KB.questions if q.red_flag and not q.asked_when and q.id != "injury")
SHOTS = os.environ.get("TRIAGE_SCREENSHOTS")
MORNINGS = ["yes", "a-bit-worse", "much-worse"]
# (date, walks, pain, next morning, what the result page says): the terminal test's script
SCRIPT = [
    ("2026-01-09", 3, 2, 1, ["Week 1: Green", "goes up one step", "Walk 3 times, 25 minutes each"]),
    ("2026-01-16", 3, 5, 1, ["Week 2: Amber", "stays the same", "Walk 3 times, 25 minutes each"]),
    ("2026-01-23", 3, 7, 1, ["Week 3: Red", "goes back one step", "Rest from the walks that hurt"]),
    ("2026-01-30", 3, 1, 1, ["Week 4: Green", "goes up one step", "Walk 3 times, 25 minutes each"]),
]


class Clock:
    def __init__(self) -> None:
        self.today = START

    def __call__(self) -> date:
        return self.today


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def server(clock):
    with serving_app(create_app(config={"TODAY": clock})) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


def new_page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return context, page


def look(page, name: str, checked: dict | None = None) -> None:
    """No sideways scrolling; axe when asked; a screenshot when TRIAGE_SCREENSHOTS is set."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width} px"
    if checked is not None:
        checked[name] = axe_violations(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/plan-{width}-{name}.png", full_page=True)


def printed(page, name: str, checked: dict) -> None:
    """The printed plan with the web's bar on it: no axe violation at all, as the pages."""
    look(page, name)
    checked[name] = axe_violations(page)


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def download(page, name: str, tmp_path: Path, label: str) -> Path:
    with page.expect_download() as event:
        page.get_by_role("link", name=label).click()
    target = tmp_path / name
    event.value.save_as(target)
    return target


def upload(page, server: str, plan_file: Path) -> None:
    page.goto(server + "/check-in")
    page.set_input_files("#plan", str(plan_file))
    press(page, "Continue")


def answer(page, value) -> None:
    radios = page.locator("input[type=radio][name=value]")
    if radios.count():
        wanted = "not-sure" if value is None else "yes" if value is True else "no" if value is False else value
        page.locator(f"input[type=radio][name=value][value='{wanted}'] + label").click()
    else:
        page.locator("[name=value]").fill(str(value))
    press(page, "Continue")


def answer_checkin(page, answers: dict, checked: dict | None = None) -> list[str]:
    """Answer each question the check-in pages ask, as a person would; returns their ids."""
    asked: list[str] = []
    while page_kind(page) == "question":
        qid = current_question(page)
        asked.append(qid)
        if checked is not None and (len(asked) in (1, 4) or qid == "changes"):
            look(page, f"question-{qid}", checked)
        answer(page, answers[qid] if qid in answers else answers["now"][qid])
    return asked


def test_six_weeks_on_the_web(server, browser, clock, tmp_path):
    context, page = new_page(browser, 390, 844)
    checked: dict[str, list] = {}
    try:
        clock.today = START
        walk_case(page, server, CASE)
        look(page, "result-with-plan", checked)
        plan_file = download(page, "plan-0.json", tmp_path, "Download your walking plan")
        plan = make_plan(assess(CASE), START)
        assert plan_file.read_bytes() == plan_bytes(plan)  # what `triage plan --start 2026-01-05` writes
        press(page, "Print your walking plan")  # the printed plan (render_plan), with a bar to print it
        printed(page, "print-plan", checked)
        page.go_back(wait_until="domcontentloaded")
        assert page_kind(page) == "result"

        page.goto(server + "/check-in")
        look(page, "upload", checked)
        press(page, "Continue")
        assert page.locator(".error-summary").inner_text().startswith("There is a problem")
        look(page, "upload-error", checked)

        for n, (day, walks, pain, morning, expected) in enumerate(SCRIPT, 1):
            clock.today = date.fromisoformat(day)
            answers = checkin_answers(plan, n, walks, pain, MORNINGS[morning - 1])
            upload(page, server, plan_file)
            if n == 2:  # the browser's back button in the middle of a check-in
                answer(page, walks)
                answer(page, pain)
                assert current_question(page) == "next_morning"
                page.go_back(wait_until="domcontentloaded")
                assert current_question(page) == "pain_during"
                assert page.locator("[name=value]").input_value() == str(pain)
                page.go_back(wait_until="domcontentloaded")
                assert current_question(page) == "walks_done"
                page.locator("[name=value]").fill("9")
                press(page, "Continue")
                assert "Enter a whole number from 0 to 3" in page.locator(".error-summary").inner_text()
                look(page, "question-error", checked)
                answer(page, walks)  # the same answer: on to the first question still to answer
                assert current_question(page) == "next_morning"
            asked = answer_checkin(page, answers, checked if n == 1 else None)
            assert asked[-1] == "changes"
            text = page.locator("main").inner_text()
            positions = [text.index(e) for e in expected]
            assert positions == sorted(positions), text
            if n == 1:
                look(page, "result-green", checked)
                press(page, "Print your updated walking plan")
                printed(page, "print-updated-plan", checked)
                page.go_back(wait_until="domcontentloaded")
            plan = check_in(plan, answers).plan
            plan_file = download(page, f"plan-{n}.json", tmp_path, "Download your updated walking plan")
            assert plan_file.read_bytes() == plan_bytes(plan)

        # week 5 missed; on day 2 of week 6 something new: a red flag, answered "not sure"
        clock.today = date(2026, 2, 10)
        last = checkin_answers(plan, 6, day=2, now={FLAG: None})
        for key in ("walks_done", "pain_during", "next_morning"):  # not asked before day 5
            del last[key]
        upload(page, server, plan_file)
        assert "It is day 2 of week 6" in page.locator("main").inner_text()
        asked = answer_checkin(page, last)
        assert "walks_done" not in asked
        text = page.locator("main").inner_text()
        assert heading(page) == "Stop the walking plan"
        assert "Week 6" not in text and "Next week" not in text  # the new result, and nothing else
        look(page, "result-escalated", checked)
        press(page, "See your full result: why, and what to do")
        assert page_kind(page) == "result"  # the questionnaire's own result page, for the answers now
        look(page, "result-of-the-check-in", checked)
        page.go_back(wait_until="domcontentloaded")
        assert heading(page) == "Stop the walking plan"
        plan_file = download(page, "plan-6.json", tmp_path, "Download your updated walking plan")
        plan = check_in(plan, last).plan
        saved = json.loads(plan_file.read_text(encoding="utf-8"))
        assert [c["outcome"] for c in saved["checkins"]] == ["up", "repeat", "back", "up", "escalate"]
        assert [c["colour"] for c in saved["checkins"]] == ["green", "amber", "red", "green", None]
        assert saved["status"] == "escalated"

        # the same person through the library (and so the terminal): the same file, byte for byte
        library = make_plan(assess(CASE), START)
        for n, (_, walks, pain, morning, _) in enumerate(SCRIPT, 1):
            library = check_in(library, checkin_answers(library, n, walks, pain, MORNINGS[morning - 1])).plan
        library = check_in(library, last).plan
        assert plan_file.read_bytes() == plan_bytes(library)

        clock.today = date(2026, 2, 13)
        upload(page, server, plan_file)
        assert heading(page) == "Your walking plan has stopped"
        look(page, "stopped", checked)
        assert {k: v for k, v in checked.items() if v} == {}
        assert len(checked) >= 10, sorted(checked)
        assert page.problems == [], page.problems  # CSP violations show up as console errors
    finally:
        context.close()


def test_a_check_in_at_desktop_width_and_an_early_one_with_nothing_new(server, browser, clock, tmp_path):
    context, page = new_page(browser, 1280, 800)
    checked: dict[str, list] = {}
    try:
        clock.today = START
        plan = make_plan(assess(CASE), START)
        plan_file = tmp_path / "triage-plan.json"
        plan_file.write_bytes(plan_bytes(plan))
        upload(page, server, plan_file)
        look(page, "question-early", checked)
        answer_checkin(page, checkin_answers(plan, 1, day=1))
        assert heading(page) == "Nothing new"
        assert "opens on Friday 9 January" in page.locator("main").inner_text()
        look(page, "nothing-new", checked)
        clock.today = date(2026, 1, 9)
        upload(page, server, plan_file)
        answer_checkin(page, checkin_answers(plan, 1, 3, 7, "yes"))
        assert heading(page).startswith("Week 1: Red")
        look(page, "result-red", checked)
        page.go_back(wait_until="domcontentloaded")  # the browser's back: the last question, answered
        assert current_question(page) == "changes"
        assert page.locator("input[type=radio][name=value][value=no]").is_checked()
        page.go_forward(wait_until="domcontentloaded")
        assert heading(page).startswith("Week 1: Red")
        assert {k: v for k, v in checked.items() if v} == {}
        assert page.problems == [], page.problems
    finally:
        context.close()


def test_a_check_in_needs_no_javascript_at_320px(server, browser, clock, tmp_path):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 320, "height": 640}, accept_downloads=True
    )
    page = context.new_page()
    try:
        clock.today = date(2026, 1, 9)
        plan = make_plan(assess(CASE), START)
        plan_file = tmp_path / "triage-plan.json"
        plan_file.write_bytes(plan_bytes(plan))
        upload(page, server, plan_file)
        answers = checkin_answers(plan, 1, 2, 4, "a-bit-worse")
        answer_checkin(page, answers)
        assert heading(page).startswith("Week 1: Amber")
        look(page, "javascript-off")
        updated = download(page, "updated.json", tmp_path, "Download your updated walking plan")
        assert updated.read_bytes() == plan_bytes(check_in(plan, answers).plan)
    finally:
        context.close()
