"""Many answer sets at once: rows in (JSON Lines or CSV), one JSON record out per row.

No I/O here: the rows come from any iterable of lines and the records are returned as JSON
text; `triage batch` (triage/cli/batch.py) reads, writes and spreads the work over processes.
Each row is checked by the same validation as `triage assess`; a bad row becomes an error
record with its line number and every problem, and the next row goes on. A line may be raw
bytes (each decoded on its own, so one that is not UTF-8 fails only its own row) or None (a
line too long to read, triage/io/reading.py `lines_bounded`). A byte-order mark at the start
(Notepad, Excel's "CSV UTF-8") is dropped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .answers import AnswersError, parse_json, unwrap_case
from .kb.records import KnowledgeBase, Question

FORMATS = ("jsonl", "csv")
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
UNSURE_WORDS = frozenset({"null", "unsure", "not sure"})


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the input, counting from 1
    answers: Any = None  # the parsed answers object (not yet validated)
    problems: tuple[str, ...] = ()  # the row could not even be read
    text: str | None = None  # a JSON line not parsed yet (parsed by whichever process assesses it)


Line = str | bytes | None
BOM = "\ufeff"
TOO_LONG = "longer than {limit:,} bytes, so not read; one person's answers take a few kilobytes"


def decoded(number: int, line: Line, limit: int = 1_000_000) -> tuple[str, str | None]:
    """(text, problem) for one input line; a problem means the text is empty."""
    if line is None:
        return "", TOO_LONG.format(limit=limit)
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as error:
            return "", f"not UTF-8 text: byte {error.start + 1} of the line cannot be read (save the file as UTF-8)"
    if number == 1 and line.startswith(BOM):
        line = line[1:]
    return line, None


def jsonl_rows(lines: Iterable[Line]) -> Iterator[Row]:
    """One answers object (or patient case) per line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        text, problem = decoded(number, line)
        if problem:
            yield Row(number, problems=(problem,))
        elif text.strip():
            yield Row(number, text=text)


def parsed(row: Row) -> Row:
    if row.text is None:
        return row
    try:
        return Row(row.line, unwrap_case(parse_json(row.text)))
    except AnswersError as error:
        return Row(row.line, problems=tuple(error.problems))


def csv_rows(lines: Iterable[Line], kb: KnowledgeBase) -> Iterator[Row]:
    """A header of question ids, then one row per person; an empty cell leaves the question out.

    A line that cannot be read fails the row it is part of (a quoted cell may span lines);
    the rows after it go on."""
    unreadable: dict[int, str] = {}

    def texts() -> Iterator[str]:
        for number, line in enumerate(lines, start=1):
            text, problem = decoded(number, line)
            if problem:
                unreadable[number] = problem
                text = "\n"  # the reader sees a blank line; the row is reported below
            yield text

    reader = csv.reader(texts())
    header: list[str] | None = None
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # the reader starts afresh on the next line
            yield Row(start, problems=(f"unreadable CSV: {error}",))
            start = reader.line_num + 1
            continue
        bad = [unreadable.pop(n) for n in range(start, reader.line_num + 1) if n in unreadable]
        if bad:
            yield Row(start, problems=tuple(bad))
        elif header is None:
            header = [cell.strip() for cell in cells]
        elif any(cell.strip() for cell in cells):
            yield _csv_row(start, header, cells, kb)
        start = reader.line_num + 1


def _csv_row(line: int, header: list[str], cells: list[str], kb: KnowledgeBase) -> Row:
    if len(cells) != len(header):
        return Row(line, problems=(f"{len(cells)} cells for {len(header)} columns",))
    answers = {}
    for name, cell in zip(header, cells, strict=True):
        if cell.strip():
            answers[name] = csv_value(kb.question_by_id.get(name), cell.strip())
    return Row(line, answers)


def csv_value(question: Question | None, cell: str) -> Any:
    """A CSV cell as the JSON value it stands for; anything else is left as text, so that
    validation names the problem in its usual words."""
    word = cell.lower()
    if question is None:
        return cell
    if word in UNSURE_WORDS and question.allows_unsure:
        return None
    if question.type == "boolean":
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else cell
    if question.type in ("integer", "number"):
        for kind in (int, float):
            try:
                return kind(cell)
            except ValueError:
                pass
    return cell


def read_rows(lines: Iterable[Line], input_format: str, kb: KnowledgeBase) -> Iterator[Row]:
    return csv_rows(lines, kb) if input_format == "csv" else jsonl_rows(lines)


def assess_row(row: Row, kb: KnowledgeBase) -> str:
    """The JSON record of one row: {"line", "ok": true, "result"} or {"line", "ok": false, "problems"}."""
    from .assessment import assess

    record: dict[str, Any]
    row = parsed(row)
    if row.problems:
        record = {"line": row.line, "ok": False, "problems": list(row.problems)}
    else:
        try:
            record = {"line": row.line, "ok": True, "result": assess(row.answers, kb=kb).to_dict()}
        except AnswersError as error:
            record = {"line": row.line, "ok": False, "problems": error.problems}
        except Exception as error:  # a defect of ours must not lose the other rows; it is named
            record = {"line": row.line, "ok": False, "problems": [f"could not be assessed ({type(error).__name__})"]}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def assess_rows(rows: list[Row], kb: KnowledgeBase) -> list[str]:
    return [assess_row(row, kb) for row in rows]
