"""Hostile input files: exit 2, one clear bounded message, never a traceback or a hang (issue #10).

Each test reproduces one failure of the reliability audit; on the code before the fix it fails.
Commands that could hang run in a subprocess with a timeout, so a hang fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import CASES_DIR, base_answers

from triage.cli.main import main

MAX_STDERR = 10_000  # bytes: a screenful or two, whatever the input


def write(tmp_path: Path, text: str | bytes, name: str = "answers.json") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    path.write_bytes(text)
    return path


def triage(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def triage_process(*args: str, stdin=None, env: dict[str, str] | None = None, input: bytes | None = None):
    """The real command in a fresh process; a hang fails the test (timeout)."""
    return subprocess.run(
        [sys.executable, "-m", "triage", *args],
        stdin=stdin,
        input=input,
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def assert_refused(result, *expected: str) -> None:
    """Exit 2, the expected words, bounded output, no traceback."""
    stderr = result.stderr if isinstance(result.stderr, str) else result.stderr.decode("utf-8", "replace")
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert code == 2, stderr[-2000:]
    for words in expected:
        assert words in stderr, stderr[-2000:]
    assert len(stderr.encode("utf-8", "backslashreplace")) < MAX_STDERR
    assert "Traceback" not in stderr


# --- JSON the parser chokes on ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["assess", "explain", "report"])
def test_deeply_nested_json_is_refused(tmp_path: Path, command: str) -> None:
    path = write(tmp_path, '{"age": ' + "[" * 5000 + "]" * 5000 + "}")
    extra = ["-o", str(tmp_path / "r.html")] if command == "report" else []
    assert_refused(triage(command, str(path), *extra), "nested too deeply")
    assert not (tmp_path / "r.html").exists()


def test_an_integer_of_thousands_of_digits_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '{"age": ' + "9" * 4301 + "}")
    assert_refused(triage("assess", str(path)), "a number of 4,301 digits")


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = "\ufeff" + json.dumps(base_answers())
    assert triage("assess", str(write(tmp_path, text))).exit_code == 0
    assert triage("assess", "-", input=text.encode("utf-8")).exit_code == 0


def test_a_lone_surrogate_in_the_name_is_refused_by_every_command(tmp_path: Path) -> None:
    answers = json.dumps({**base_answers(), "name": "Ann"}).replace("Ann", "\\ud800")
    path = write(tmp_path, answers)
    assert_refused(triage("assess", str(path)), "lone surrogate")
    assert_refused(triage("report", str(path), "-o", str(tmp_path / "r.html")), "lone surrogate")
    assert not (tmp_path / "r.html").exists()
    result = triage("ask", "--no-input", "--answers", str(path), "-a", str(tmp_path / "a.json"))
    assert_refused(result, "lone surrogate")


# --- files that never end, or never start --------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_without_reading_it(device: str) -> None:
    assert_refused(triage("assess", device), "not a regular file")


def test_a_fifo_with_no_writer_is_refused_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "answers.json"
    os.mkfifo(fifo)
    assert_refused(triage_process("assess", str(fifo)), "not a regular file")
    assert_refused(triage_process("ask", "--answers", str(fifo), "-a", str(tmp_path / "a.json")), "not a regular file")


def test_standard_input_is_read_up_to_a_megabyte(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        assert_refused(triage_process("assess", "-", stdin=zero), "larger than 1,000,000 bytes")
    big = write(tmp_path, b"{" + b" " * 2_000_000 + b"}")
    assert_refused(triage("assess", str(big)), "larger than 1,000,000 bytes")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    assert_refused(triage("assess", str(write(tmp_path, b'{"name": "\xff"}'))), "not UTF-8 text")


# --- huge, many or hostile values are echoed bounded and escaped -------------------------------


def test_a_huge_key_or_value_is_echoed_truncated(tmp_path: Path) -> None:
    huge_key = write(tmp_path, json.dumps({"k" * 900_000: 1}), "key.json")
    assert_refused(triage("assess", str(huge_key)), "kkkk…: unknown question")
    long_list = write(tmp_path, json.dumps({**base_answers(), "age": [0] * 300_000}), "list.json")
    assert_refused(triage("assess", str(long_list)), "age: expected a number, got [0, 0, 0")


def test_many_unknown_keys_are_counted_not_listed(tmp_path: Path) -> None:
    keys = {base36(i): 1 for i in range(100_000)}  # short keys: 100,000 of them fit in a megabyte
    path = write(tmp_path, json.dumps({**base_answers(), **keys}, separators=(",", ":")))
    result = triage("assess", str(path))
    assert_refused(result, "0: unknown question", "and 99,950 more problems")
    assert result.stderr.count("unknown question") == 50


def base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return digits[n] if n < 36 else base36(n // 36) + digits[n % 36]


def test_unknown_keys_cannot_send_terminal_escape_sequences(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps({**base_answers(), "\x1b[2J\x1b]0;owned\x07": 1}))
    result = triage("assess", str(path))
    assert_refused(result, "\\u001b[2J")
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


# --- triage ask ----------------------------------------------------------------------------------


def test_a_byte_that_is_not_utf8_at_the_name_prompt_asks_again(tmp_path: Path) -> None:
    answers = {k: v for k, v in base_answers().items() if k not in ("name", "notes")}
    prefill = write(tmp_path, json.dumps(answers), "prefill.json")
    # A strict decoder, as on a terminal in a UTF-8 locale: the byte used to be a traceback.
    result = triage_process(
        "ask",
        "-a",
        str(tmp_path / "a.json"),
        "--answers",
        str(prefill),
        input=b"Ann\xff\nAnn\n\n",
        env={"PYTHONIOENCODING": "utf-8:strict", "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert b"not valid text" in result.stdout
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["name"] == "Ann"


@pytest.mark.parametrize(
    "damage",
    ['{"format": 1, "skipped": 1}', '{"format": 1, "history": {"a": 1}}', "[1, 2]", '{"format": 1, "history": "age"}'],
)
def test_a_damaged_progress_file_is_treated_as_missing(tmp_path: Path, damage: str) -> None:
    answers = tmp_path / "a.json"
    saved = {k: v for k, v in base_answers().items() if k not in ("name", "notes")}
    answers.write_text(json.dumps(saved), encoding="utf-8")
    (tmp_path / "a.json.progress").write_text(damage, encoding="utf-8")
    result = triage("ask", "--resume", "-a", str(answers), input="Ann\n\n")
    assert result.exit_code == 0, result.output
    assert "questions you skipped will be asked again" in result.stderr
    assert json.loads(answers.read_text(encoding="utf-8"))["name"] == "Ann"


def test_the_shared_cases_still_pass_through_the_bounded_reader() -> None:
    for path in sorted(CASES_DIR.glob("*.json")):
        assert triage("assess", str(path)).exit_code == 0, path
