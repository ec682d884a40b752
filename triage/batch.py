"""Many answer sets at once: rows in (JSON Lines or CSV), one JSON record out per row.

No I/O here: the rows come from any iterable of text lines and the records are returned as
JSON text; `triage batch` (triage/cli/batch.py) reads, writes and spreads the work over
processes. Each row is checked by the same validation as `triage assess`; a bad row becomes
an error record with its line number and every problem, and the next row goes on.
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


def jsonl_rows(lines: Iterable[str]) -> Iterator[Row]:
    """One answers object (or patient case) per line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield Row(number, text=line)


def parsed(row: Row) -> Row:
    if row.text is None:
        return row
    try:
        return Row(row.line, unwrap_case(parse_json(row.text)))
    except AnswersError as error:
        return Row(row.line, problems=tuple(error.problems))


def csv_rows(lines: Iterable[str], kb: KnowledgeBase) -> Iterator[Row]:
    """A header of question ids, then one row per person; an empty cell leaves the question out."""
    reader = csv.reader(iter(lines))
    header: list[str] | None = None
    start = 1
    try:
        for cells in reader:
            if header is None:
                header = [cell.strip() for cell in cells]
            elif any(cell.strip() for cell in cells):
                yield _csv_row(start, header, cells, kb)
            start = reader.line_num + 1
    except csv.Error as error:
        yield Row(start, problems=(f"unreadable CSV: {error}",))


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


def read_rows(lines: Iterable[str], input_format: str, kb: KnowledgeBase) -> Iterator[Row]:
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
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def assess_rows(rows: list[Row], kb: KnowledgeBase) -> list[str]:
    return [assess_row(row, kb) for row in rows]
