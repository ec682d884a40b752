"""A FIFO, a device or a folder where a user names an input file: a clear message, never a hang.

Follow-up to issue #10: `rules diff --cases` and `batch` read the files a user names through
`triage/io/reading.py` like every other command. Each command runs in a fresh process with a
timeout, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import CASES_DIR
from test_hardening_input import assert_refused, triage_process

from triage.kb.paths import rules_dir


def corpus_with_fifo(tmp_path: Path) -> Path:
    """Two real cases and, in a subfolder, a FIFO named like a case file (no writer, ever)."""
    corpus = tmp_path / "cases"
    (corpus / "sub").mkdir(parents=True)
    for name in ("V01.json", "V38.json"):
        shutil.copy(CASES_DIR / name, corpus / name)
    os.mkfifo(corpus / "sub" / "stuck.json")
    return corpus


def test_rules_diff_refuses_a_fifo_in_the_cases_folder(tmp_path: Path) -> None:
    corpus = corpus_with_fifo(tmp_path)
    result = triage_process("rules", "diff", str(rules_dir()), str(rules_dir()), "--cases", str(corpus))
    assert_refused(result, "unreadable case files:", "sub/stuck.json: not a regular file")
    assert result.stdout == b""  # nothing half-printed


def test_rules_diff_refuses_a_fifo_given_as_the_cases(tmp_path: Path) -> None:
    fifo = tmp_path / "cases.json"
    os.mkfifo(fifo)
    result = triage_process("rules", "diff", str(rules_dir()), str(rules_dir()), "--cases", str(fifo))
    assert_refused(result, "unreadable case files:", "cases.json: not a regular file")


def test_cases_run_reports_the_fifo_as_an_invalid_case_and_runs_the_rest(tmp_path: Path) -> None:
    """The same file in `cases run` is one invalid case (exit 1), as it already was: the two
    commands name it alike."""
    result = triage_process("cases", "run", str(corpus_with_fifo(tmp_path)))
    out = result.stdout.decode()
    assert result.returncode == 1, result.stderr.decode()
    assert "sub/stuck.json" in out and "not a regular file" in " ".join(out.split())
    assert out.startswith("pass  V01") and "pass  V38" in out and "1\n    invalid" in out


def test_cases_run_on_a_fifo_itself_is_an_invalid_case_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    result = triage_process("cases", "run", str(fifo))
    flat = " ".join(result.stdout.decode().split())  # the path's length decides where lines wrap
    assert result.returncode == 1 and "case.json: not a regular file" in flat


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder"])
def test_batch_refuses_an_input_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        source = tmp_path / "rows.jsonl"
        os.mkfifo(source)
    elif kind == "folder":
        source = tmp_path / "rows"
        source.mkdir()
    else:
        source = Path(kind)
    out = tmp_path / "out.jsonl"
    result = triage_process("batch", str(source), "-o", str(out))
    assert_refused(result, "cannot read the input", "not a regular file" if kind != "folder" else "is a folder")
    assert not out.exists()


def test_batch_still_reads_standard_input(tmp_path: Path) -> None:
    answers = json.loads((CASES_DIR / "V01.json").read_text(encoding="utf-8"))["answers"]
    result = triage_process("batch", "-", "-o", "-", input=(json.dumps(answers) + "\n").encode())
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["ok"] is True
