"""`triage ask` in a real pseudo-terminal: prompts, help, going back, Ctrl-C and --resume."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from ask_helpers import CASE_FILES, lines_for, load_case

from triage.assessment import assess

TRIAGE = Path(sys.executable).with_name("triage")
V01 = load_case(next(p for p in CASE_FILES if p.stem == "V01"))["answers"]
PROMPT = r"\) > "

pytestmark = pytest.mark.skipif(not TRIAGE.exists(), reason="the triage script is not installed in this environment")


def spawn(tmp_path, *args, no_color=True):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    return pexpect.spawn(
        str(TRIAGE),
        ["ask", "-a", str(tmp_path / "answers.json"), *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
    )


def test_in_a_terminal_help_back_ctrl_c_and_resume(tmp_path):
    lines, _ = lines_for(V01)
    child = spawn(tmp_path)
    child.expect(r"\[1/\d+\] How old are you\?")
    child.expect(PROMPT)
    child.sendline(lines[0])
    child.expect(r"\[2/\d+\] What is your sex\?")  # 1.2: asked second
    child.expect(PROMPT)
    child.sendline(lines[1])
    child.expect(r"\[3/\d+\] Did this knee pain start with an injury")
    child.expect(PROMPT)
    child.sendline("?")
    child.expect("Answer yes if the pain began with a fall")
    child.expect(PROMPT)
    child.sendline("y")
    child.expect("How many days ago was the injury")
    child.expect(PROMPT)
    child.sendline("<")
    child.expect("Going back to: Did this knee pain start")
    child.expect(PROMPT)
    child.sendline(lines[2])
    child.expect(r"\[4/\d+\] Can you take four steps")
    child.expect(PROMPT)
    child.sendline(lines[3])
    child.expect(PROMPT)
    child.sendintr()  # Ctrl-C
    child.expect("Stopped. Your answers so far are saved in")
    child.expect("triage ask --resume -a")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = json.loads((tmp_path / "answers.json").read_text())
    assert saved == {"age": 34, "sex": "female", "injury": False, "can_bear_weight": True}

    child = spawn(tmp_path, "--resume", no_color=False)
    child.expect("Welcome back. Carrying on from the 4 answers")
    for line in lines[4:]:
        child.expect(PROMPT)
        child.sendline(line)
    child.expect("KEEP WALKING AS YOU DO")
    child.expect("All of it:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert json.loads((tmp_path / "answers.json").read_text()) == assess(V01).answers


def test_in_a_terminal_colour_unless_no_color(tmp_path):
    child = spawn(tmp_path, "--answers", str(next(p for p in CASE_FILES if p.stem == "E22")), no_color=False)
    for _ in range(2):  # E22 has no name or notes: two optional questions at the end
        child.expect(PROMPT)
        child.sendline("")
    output = child.read()
    child.close()
    assert child.exitstatus == 0
    assert "\x1b[" in output

    child = spawn(tmp_path, "--new", "--answers", str(next(p for p in CASE_FILES if p.stem == "E22")))
    for _ in range(2):
        child.expect(PROMPT)
        child.sendline("")
    output = child.read()
    child.close()
    assert child.exitstatus == 0
    assert "\x1b[" not in output
