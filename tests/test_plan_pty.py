"""`triage plan` and `triage checkin` in a real pseudo-terminal: a scripted person's six weeks
(a green, an amber and a red week, Ctrl-C and resume, a missed week, and a red-flag check-in
that escalates, printing the new result first), checked against the library's own run."""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import date
from pathlib import Path

import pexpect
import pytest
from helpers import CASES_DIR, load_case
from plan_support import checkin_answers

from triage import assess, load_knowledge_base
from triage.checkin import check_in
from triage.plan import make_plan
from triage.plan_file import plan_bytes

TRIAGE = Path(sys.executable).with_name("triage")
PROMPT = r"\) > "
KB = load_knowledge_base()
CASE = load_case(CASES_DIR / "V10.json")["answers"]  # try-backward-walking, pain 4, over 30 minutes
START = "2026-01-05"
PRINT_LINE = "To print your plan: triage plan-report triage-plan.json -o triage-plan.html"

pytestmark = pytest.mark.skipif(not TRIAGE.exists(), reason="the triage script is not installed in this environment")


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("COLUMNS", None)
    # wide enough that no question wraps: the script reads each "Now:" question off one line
    # timeout: a guard against a hang only (a loaded machine can take many seconds to start it)
    return pexpect.spawn(str(TRIAGE), list(args), cwd=str(tmp_path), env=env, encoding="utf-8", timeout=120,
                         dimensions=(40, 250))  # fmt: skip


def reply_for(qid: str, value) -> str:
    question = KB.question_by_id[qid]
    if value is None:
        return "s"
    if question.type == "boolean":
        return "y" if value else "n"
    if question.type == "choice":
        return str(question.choice_values.index(value) + 1)
    return str(value)


def answer_now(child: pexpect.spawn, answers: dict, changed: dict) -> None:
    """Answer every "Now:" question as before, except ``changed``; then question 5: no."""
    by_text = {q.text: q.id for q in KB.questions}
    while True:
        index = child.expect([r"Now: ([^\r\n]+)\r\n", r"have you fallen, felt unsteady"])
        if index == 1:
            child.expect(PROMPT)
            child.sendline("2")  # no
            return
        qid = by_text[child.match.group(1).strip()]
        child.expect(PROMPT)
        child.sendline(reply_for(qid, changed.get(qid, answers.get(qid))))


def week(child: pexpect.spawn, walks: int, pain: int, morning: int) -> None:
    child.expect(r"How many of the \d planned walks")
    child.expect(PROMPT)
    child.sendline(str(walks))
    child.expect("During the walks, how bad")
    child.expect(PROMPT)
    child.sendline(str(pain))
    child.expect("The next morning")
    child.expect(PROMPT)
    child.sendline(str(morning))


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_six_weeks_in_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "answers.json").write_text(json.dumps(CASE), encoding="utf-8")
    child = spawn(tmp_path, "plan", "answers.json", "--start", START)
    child.expect("Walk 3 times, 20 minutes each")
    child.expect("10 minutes of backward walking")
    child.expect_exact(PRINT_LINE)
    child.expect("own choice")
    assert finish(child) == 0
    plan_file = tmp_path / "triage-plan.json"
    assert stat.S_IMODE(plan_file.stat().st_mode) == 0o600
    answers = assess(CASE).answers

    script = [  # (date, walks, pain, next morning 1-3, expected)
        ("2026-01-09", 3, 2, 1, ["Week 1: Green", "goes up one step", "Walk 3 times, 25 minutes each"]),
        ("2026-01-16", 3, 5, 1, ["Week 2: Amber", "stays the same", "Walk 3 times, 25 minutes each"]),
        ("2026-01-23", 3, 7, 1, ["Week 3: Red", "goes back one step", "Rest from the walks that hurt"]),
        ("2026-01-30", 3, 1, 1, ["Week 4: Green", "goes up one step", "Walk 3 times, 25 minutes each"]),
    ]
    for n, (day, walks, pain, morning, expected) in enumerate(script, 1):
        child = spawn(tmp_path, "checkin", "triage-plan.json", "--date", day)
        if n == 2:  # stopped half-way, then carried on
            child.expect(r"How many of the \d planned walks")
            child.expect(PROMPT)
            child.sendline(str(walks))
            child.expect("During the walks")
            child.expect(PROMPT)
            child.sendintr()
            child.expect("Stopped. Your answers so far are kept in")
            assert finish(child) == 130
            assert len(json.loads(plan_file.read_text())["checkins"]) == 1  # the plan file untouched
            child = spawn(tmp_path, "checkin", "triage-plan.json", "--date", day)
            child.expect("Welcome back")
            child.expect("During the walks, how bad")
            child.expect(PROMPT)
            child.sendline(str(pain))
            child.expect("The next morning")
            child.expect(PROMPT)
            child.sendline(str(morning))
        else:
            week(child, walks, pain, morning)
        answer_now(child, answers, {})
        for text in expected:
            child.expect(text)
        child.expect_exact(PRINT_LINE)  # every week, how to print the plan as it is now
        assert finish(child) == 0

    # week 5 missed; on day 2 of week 6 something new: a red flag, answered "not sure"
    flag = next(q.id for q in KB.questions if q.red_flag and not q.asked_when and q.id != "injury")
    child = spawn(tmp_path, "checkin", "triage-plan.json", "--date", "2026-02-10")
    child.expect("It is day 2 of week 6")
    answer_now(child, answers, {flag: None})
    child.expect("Stop the walking plan")
    before_advice = child.before
    child.expect(pexpect.EOF)
    assert "Week 6" not in before_advice  # the new result comes first
    assert "To print" not in before_advice + child.before  # an escalation stays on what to do now
    child.close()
    assert child.exitstatus == 3

    saved = json.loads(plan_file.read_text())
    assert [c["outcome"] for c in saved["checkins"]] == ["up", "repeat", "back", "up", "escalate"]
    assert [c["colour"] for c in saved["checkins"]] == ["green", "amber", "red", "green", None]
    assert saved["status"] == "escalated"
    assert not (tmp_path / "triage-plan.json.checkin").exists()

    # the same person through the library: the same file, byte for byte
    plan = make_plan(assess(CASE), date.fromisoformat(START))
    for n, (_, walks, pain, morning, _) in enumerate(script, 1):
        mornings = ["yes", "a-bit-worse", "much-worse"]
        plan = check_in(plan, checkin_answers(plan, n, walks, pain, mornings[morning - 1])).plan
    last = checkin_answers(plan, 6, day=2, now={flag: None})
    for key in ("walks_done", "pain_during", "next_morning"):  # not asked before day 5
        del last[key]
    plan = check_in(plan, last).plan
    assert plan_bytes(plan) == plan_file.read_bytes()

    child = spawn(tmp_path, "checkin", "triage-plan.json", "--date", "2026-02-13")
    child.expect("Your walking plan stopped")
    assert finish(child) == 3
