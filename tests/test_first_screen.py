"""The first screen is the answer: `triage ask` in a real 80x24 pseudo-terminal (read back
with the pyte terminal emulator), wrapping at the terminal's width, the check before an
ambulance, and the first-screen budget for every case."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pexpect
import pyte
import pytest
from ask_helpers import CASE_FILES, lines_for, load_case
from helpers import run_cli

import triage
from triage import summary
from triage.summary import FIRST_SCREEN_LINES, first_screen

TRIAGE = Path(sys.executable).with_name("triage")
PROMPT = r"\) > "
WHERE = ["Saved: triage-answers.json. All of it: .venv/bin/triage assess triage-answers.json"]
SPARE = ["Report: .venv/bin/triage report triage-answers.json -o report.html"]  # what `triage ask` says
EARLY_STOP = {
    "age": 40, "injury": True, "injury_days_ago": 2, "deformity": True,
    "stopped_early": {"disposition": "emergency", "because": [], "reason": ""},
}  # fmt: skip


def case(stem: str) -> dict:
    return load_case(next(p for p in CASE_FILES if p.stem == stem))["answers"]


def every_result() -> list[tuple[str, dict]]:
    not_sure = case("V10") | {"fever": None, "warmth": None, "night_pain": None, "redness": None, "locking": None}
    not_sure |= {"hot_recent": False, "infection_risk": False}
    return [(p.stem, load_case(p)["answers"]) for p in CASE_FILES] + [("not-sure", not_sure), ("early", EARLY_STOP)]


def screen_problems(assessment: triage.Assessment, width: int) -> list[str]:
    lines = summary.first_screen(assessment, width=width, where=WHERE, spare=SPARE)
    problems = []
    if width == 80 and len(lines) > FIRST_SCREEN_LINES:
        problems.append(f"{len(lines)} lines at 80 columns")
    problems += [f"too wide: {line!r}" for line in lines if len(line) > width and " " in line.strip()]
    if assessment.disposition.title.upper() not in " ".join(" ".join(lines).split()):
        problems.append("no headline")
    return problems


@pytest.mark.parametrize(("name", "answers"), every_result(), ids=[n for n, _ in every_result()])
def test_the_first_screen_fits_and_holds_the_answer(name: str, answers: dict) -> None:
    assessment = triage.assess(answers)
    for width in (60, 80, 120):
        assert screen_problems(assessment, width) == [], (name, width)
    text = " ".join(" ".join(first_screen(assessment, width=80, where=WHERE, spare=SPARE)).split())
    assert f"[{summary.MARKS[assessment.urgency]}]" in text  # the urgency word, colour or not
    assert f"When: {assessment.disposition.timeframe}." in text
    assert " ".join(assessment.advice[0].text.split()) in text
    points_to = assessment.kb.safety_net_points_to
    for item in assessment.safety_net:  # the safety net points upward only, and all of it
        upward = points_to.get(item.id, 5) > assessment.urgency
        assert (" ".join(item.text.split()) in text) == upward, item.id
    assert ("Get help if:" in text) == any(points_to.get(i.id, 5) > assessment.urgency for i in assessment.safety_net)
    if assessment.not_sure:  # listed by label, or (no room) counted
        labels = "; ".join(assessment.kb.label(q) for q in assessment.not_sure)
        assert labels in text or f"{len(assessment.not_sure)} questions (see all of it)" in text


def test_the_budget_check_bites(monkeypatch) -> None:
    """A broken copy (always three things to do, the whole safety net) no longer fits: the
    check catches it."""
    assessment = triage.assess(case("V10"))
    assert screen_problems(assessment, 80) == []

    def broken(a, *, width=80, style=summary.plain, where=(), spare=()):
        return summary._screen(a, width, style, where, spare, summary.TOP_ADVICE, True)

    monkeypatch.setattr(summary, "first_screen", broken)
    monkeypatch.setattr(summary, "upward_safety_net", lambda a: list(a.safety_net))
    assert any("lines at 80 columns" in p for p in screen_problems(assessment, 80))


def test_assess_text_is_the_first_screen_then_the_rest_at_the_width_given() -> None:
    for columns in (60, 120):
        out = run_cli_env("assess", str(next(p for p in CASE_FILES if p.stem == "V25")), COLUMNS=str(columns))
        lines = out.splitlines()
        assert lines[0].startswith("[BOOK] REST FROM THE WALKS")
        assert all(len(line) <= columns for line in lines if " " in line.strip())
        assert out.index("Get help if:") < out.index("All the advice:") < out.index("\nWhy:\n")
        assert "Why: triage explain" in " ".join(out.split())


def run_cli_env(*args: str, **env: str) -> str:
    from click.testing import CliRunner

    from triage.cli.main import main

    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


# --- in a real terminal ---------------------------------------------------------------------------

needs_script = pytest.mark.skipif(not TRIAGE.exists(), reason="the triage script is not installed here")


def spawn(tmp_path: Path, columns: int, *args: str) -> tuple[pexpect.spawn, io.StringIO]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env["NO_COLOR"] = "1"
    child = pexpect.spawn(
        str(TRIAGE),
        ["ask", "-a", "answers.json", *args],  # in the folder, as a person would
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(24, columns),
    )
    log = io.StringIO()
    child.logfile_read = log
    return child, log


def answer_all(child: pexpect.spawn, lines: list[str]) -> None:
    for line in lines:
        child.expect(PROMPT)
        child.sendline(line)
    child.expect(pexpect.EOF)
    child.close()


def final_screen(log: io.StringIO, columns: int) -> list[str]:
    screen = pyte.Screen(columns, 24)
    pyte.Stream(screen).feed(log.getvalue().replace("\r\n", "\n").replace("\n", "\r\n"))
    return [line.rstrip() for line in screen.display]


@needs_script
@pytest.mark.parametrize("columns", [80, 60, 120])
def test_after_the_last_answer_the_screen_shows_the_answer(tmp_path: Path, columns: int) -> None:
    answers = case("V10")
    lines, _ = lines_for(answers)
    child, log = spawn(tmp_path, columns)
    answer_all(child, lines)
    assert child.exitstatus == 0
    expected = triage.assess(answers)
    # The first screen is sized for 80x24; narrower, it is the whole output that must hold it.
    screen = final_screen(log, columns) if columns >= 80 else log.getvalue().split("\n")
    shown = " ".join(" ".join(screen).split())
    assert f"[OK] {expected.disposition.title.upper()}" in shown, "\n".join(screen)
    assert f"1. {expected.advice[0].text}" in shown
    assert "Get help if:" in shown and " ".join(expected.safety_net[0].text.split()) in shown
    # Wrapped to the terminal's width, never mid-word: no output line is wider than the terminal.
    output = log.getvalue().replace("\r\n", "\n")
    assert all(len(line) <= columns for line in output.split("\n")), "a line wider than the terminal"
    assert "\x1b[" not in output  # NO_COLOR


@needs_script
def test_the_check_before_an_ambulance(tmp_path: Path) -> None:
    child, log = spawn(tmp_path, 80)
    for line in ["40", "", "y", "2", "y"]:  # injured 2 days ago, the knee looks out of place
        child.expect(PROMPT)
        child.sendline(line)
    child.expect(r"You answered YES to")
    child.expect(r"is that answer right\?")
    said = " ".join(log.getvalue().split())
    assert 'You answered YES to "Since the injury, does the knee look misshapen or out of place?". ' in said
    assert "Please check: is that answer right? If it is, you may need an ambulance." in said
    child.expect(PROMPT)
    child.sendline("n")  # no: back to that question
    child.expect("Going back to: Since the injury")
    child.expect(PROMPT)
    child.sendline("y")  # the same answer again: no second check, the emergency result
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = final_screen(log, 80)
    assert "[NOW] CALL AN AMBULANCE NOW" in screen[0] or any("[NOW] CALL AN AMBULANCE NOW" in s for s in screen)
    assert log.getvalue().count("is that answer right?") == 1
    saved = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert saved["deformity"] is True and saved["stopped_early"]["disposition"] == "emergency"


@needs_script
def test_no_to_the_check_and_a_changed_answer_carries_on(tmp_path: Path) -> None:
    child, _ = spawn(tmp_path, 80)
    for line in ["40", "", "y", "2", "y"]:
        child.expect(PROMPT)
        child.sendline(line)
    child.expect(r"is that answer right\?")
    child.expect(PROMPT)
    child.sendline("n")
    child.expect(PROMPT)
    child.sendline("n")  # the knee does not look out of place after all
    child.expect(r"Did you feel or hear a pop")  # the questions carry on
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    saved = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert saved["deformity"] is False and "stopped_early" not in saved


def test_piped_input_skips_the_check(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from triage.cli.main import main

    result = CliRunner().invoke(main, ["ask", "-a", str(tmp_path / "a.json")], input="40\n\ny\n2\ny\n")
    assert result.exit_code == 0, result.output
    assert "is that answer right?" not in result.output and "CALL AN AMBULANCE NOW" in result.output


def test_help_summaries_are_whole_and_version_names_the_knowledge_base() -> None:
    for group in ([], ["rules"], ["cases"]):
        listing = run_cli_env(*group, "--help", COLUMNS="80")
        commands = listing.split("Commands:")[1]
        assert "..." not in commands, listing
    kb = triage.load_knowledge_base()
    version = run_cli("--version").stdout
    assert f"knowledge base {kb.version} (sha256 {kb.sha256})" in version
