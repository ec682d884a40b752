"""`triage batch` never loses a good row (issue #21: N3-N6, N19). Each bad line becomes its
own error record with its line number and a bounded message; the exit code says "some rows
failed" (1) apart from "could not run" (2); memory is bounded whatever the longest line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import base_answers, run_cli

from triage import assess, load_knowledge_base
from triage.batch import csv_rows
from triage.io.reading import lines_bounded

KB = load_knowledge_base()
GOOD = json.dumps(base_answers()).encode()
EXPECTED = assess(base_answers()).to_dict()


def run_batch(tmp_path: Path, data: bytes, name: str = "in.jsonl", *extra: str) -> tuple[Any, list[dict]]:
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(source), "-o", str(out), *extra)
    raw = out.read_bytes() if out.exists() else b""
    return result, [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def test_a_duplicate_key_with_a_lone_surrogate_fails_only_its_row(tmp_path: Path) -> None:
    result, records = run_batch(tmp_path, GOOD + b'\n{"\\ud800": 1, "\\ud800": 2}\n' + GOOD + b"\n")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert [(r["line"], r["ok"]) for r in records] == [(1, True), (2, False), (3, True)]
    assert records[1]["problems"] == ['"\\ud800": given more than once']
    assert records[0]["result"] == records[2]["result"] == EXPECTED


def test_a_line_that_is_not_utf8_fails_only_its_row_and_is_named_by_line(tmp_path: Path) -> None:
    data = b"\n".join([GOOD] * 200 + [b'{"name": "Jos\xe9"}'] + [GOOD] * 5) + b"\n"
    result, records = run_batch(tmp_path, data)
    assert result.exit_code == 1
    assert "206 rows, 205 assessed, 1 with problems" in result.stderr
    assert len(records) == 206 and [r["line"] for r in records] == list(range(1, 207))
    bad = records[200]
    assert bad["line"] == 201 and not bad["ok"]
    assert bad["problems"] == ["not UTF-8 text: byte 14 of the line cannot be read (save the file as UTF-8)"]
    assert all(r["result"] == EXPECTED for r in records if r["line"] != 201)


def test_a_byte_order_mark_is_accepted_in_jsonl_and_excel_csv(tmp_path: Path) -> None:
    result, records = run_batch(tmp_path, b"\xef\xbb\xbf" + GOOD + b"\n")
    assert result.exit_code == 0 and records[0]["result"] == EXPECTED
    answers = base_answers()
    # Excel "CSV UTF-8": a byte-order mark, CRLF line ends, TRUE/FALSE
    cells = ["TRUE" if v is True else "FALSE" if v is False else str(v) for v in answers.values()]
    excel = "\ufeff" + ",".join(answers) + "\r\n" + ",".join(cells) + "\r\n"
    result, records = run_batch(tmp_path, excel.encode("utf-8"), "excel.csv", "--force")
    assert result.exit_code == 0, records
    assert records == [{"line": 2, "ok": True, "result": EXPECTED}]


def test_a_line_too_long_fails_only_its_row(tmp_path: Path) -> None:
    data = GOOD + b"\n" + b'{"notes": "' + b"x" * 1_200_000 + b'"}\n' + GOOD + b"\n"
    result, records = run_batch(tmp_path, data)
    assert result.exit_code == 1
    assert [(r["line"], r["ok"]) for r in records] == [(1, True), (2, False), (3, True)]
    assert records[1]["problems"][0].startswith("longer than 1,000,000 bytes")


class EndlessLine:
    """A stream whose first line is `size` bytes long, made up on the fly (never in memory)."""

    def __init__(self, size: int):
        self.left = size
        self.largest = 0
        self.tail = [GOOD + b"\n"]

    def readline(self, limit: int) -> bytes:
        if self.left > 0:
            piece = min(limit, self.left)
            self.left -= piece
            self.largest = max(self.largest, piece)
            return b"x" * piece if self.left else b"x" * (piece - 1) + b"\n"
        return self.tail.pop() if self.tail else b""


def test_memory_does_not_grow_with_the_longest_line() -> None:
    stream = EndlessLine(300_000_000)  # the audit's 300 MB line
    lines = list(lines_bounded(stream, limit=1_000_000))  # type: ignore[arg-type]
    assert lines == [None, GOOD + b"\n"]
    assert stream.largest <= 1_000_001  # never more than the limit held at once


def test_csv_lines_that_cannot_be_read_fail_only_their_rows() -> None:
    header = b"age,injury,name\n"
    lines = [header, b"40,false,Ann\n", b"41,false,Jos\xe9\n", None, b'42,false,"' + b"y" * 200_000 + b'"\n']
    lines += [b"43,false,Bo\n"]
    rows = list(csv_rows(lines, KB))
    assert [r.line for r in rows] == [2, 3, 4, 5, 6]
    assert rows[0].answers == {"age": 40, "injury": False, "name": "Ann"}
    assert rows[1].problems[0].startswith("not UTF-8 text: byte 13")
    assert rows[2].problems[0].startswith("longer than")
    assert rows[3].problems[0].startswith("unreadable CSV")  # over the csv module's field limit
    assert rows[4].answers == {"age": 43, "injury": False, "name": "Bo"}


def test_an_output_that_is_a_folder_is_a_clear_exit_2(tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    result, _ = run_batch(tmp_path, GOOD + b"\n", "in.jsonl", "--force")
    result = run_cli("batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "adir"), "--force")
    assert result.exit_code == 2 and "is a folder" in result.stderr


def triage_process(*args: str, stdout: Any, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "triage", *args], input=stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=120
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["batch", "assess"])
def test_a_full_disk_on_standard_output_is_a_clear_exit_2(tmp_path: Path, command: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(GOOD + b"\n")
    args = ("batch", str(source), "-o", "-") if command == "batch" else ("assess", str(source), "--format", "json")
    with open("/dev/full", "wb") as full:
        result = triage_process(*args, stdout=full)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "No space left on device" in stderr and "Traceback" not in stderr and "Exception ignored" not in stderr
