"""`triage batch IN -o OUT`: assess every row of a JSON Lines or CSV file, streaming.

Rows are read, assessed and written in chunks, so memory stays flat whatever the size of the
input. With --jobs N, N worker processes each build the engine once and take chunks in turn;
at most a few chunks per worker are in flight, and results are written in input order.
"""

from __future__ import annotations

import collections
import contextlib
import io
import itertools
import multiprocessing
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from ..batch import FORMATS, Row, assess_rows, read_rows
from ..kb.load import load_knowledge_base
from ..kb.records import KnowledgeBase

CHUNK = 200  # rows per task: large enough to hide the cost of sending them to a worker
AHEAD = 3  # chunks in flight per worker

_WORKER_KB: KnowledgeBase | None = None


def _start_worker() -> None:
    """Each worker process loads the knowledge base and builds its engine once."""
    global _WORKER_KB
    from ..assessment import engine_for

    _WORKER_KB = load_knowledge_base()
    engine_for(_WORKER_KB)


def _encoded(rows: list[Row], kb: KnowledgeBase) -> tuple[bytes, int, int]:
    """A chunk's records as one block of JSON Lines (one object to send back and write, not
    hundreds), with its number of rows and of failed rows."""
    records = assess_rows(rows, kb)
    failed = sum('"ok":false' in record[:40] for record in records)
    return "".join(record + "\n" for record in records).encode("utf-8"), len(records), failed


def _work(rows: list[Row]) -> tuple[bytes, int, int]:
    assert _WORKER_KB is not None
    return _encoded(rows, _WORKER_KB)


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield chunk


def _results(rows: Iterator[Row], jobs: int, kb: KnowledgeBase) -> Iterator[tuple[bytes, int, int]]:
    if jobs == 1:
        for chunk in _chunks(rows):
            yield _encoded(chunk, kb)
        return
    # fork where there is one: the workers start with the modules already imported
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, initializer=_start_worker) as pool:
        pending: collections.deque[Any] = collections.deque()
        for chunk in _chunks(rows):
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= jobs * AHEAD:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _count_lines(path: str) -> int | None:
    if path == "-":
        return None
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@contextlib.contextmanager
def _output(path: str, force: bool) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer
        return
    from ..io.files import open_atomic

    with open_atomic(path, overwrite=force, private=True) as handle:  # results are health data
        yield handle


@click.command("batch")
@click.argument("input_file", metavar="IN|-")
@click.option("-o", "--output", "output", required=True, metavar="OUT|-", help="JSON Lines out, one record per row.")
@click.option(
    "--format", "input_format", type=click.Choice(FORMATS), help="Input format (default: csv for *.csv, else jsonl)."
)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def batch_command(input_file: str, output: str, input_format: str | None, jobs: int, force: bool) -> None:
    """Assess every row of a JSON Lines or CSV file; write JSON Lines.

    IN is JSON Lines (one answers object per line) or CSV (a header of question ids, one
    person per row). OUT gets one record per row, in the order of IN: {"line", "ok": true,
    "result"} or {"line", "ok": false, "problems"}.

    Exits 0 when every row was assessed, 1 when some rows had problems (their records say
    which), 2 when the command cannot run at all.
    """
    from .common import fail

    fmt = input_format or ("csv" if input_file.lower().endswith(".csv") else "jsonl")
    if output != "-" and Path(output).exists() and not force:
        fail([f"{output} exists; use --force to replace it"], "will not overwrite")
    if output != "-" and not Path(output).resolve().parent.is_dir():
        fail([f"{Path(output).parent}: no such folder"], "cannot write the results")
    from ..io.reading import InputError, open_regular

    try:
        # A regular file only (or -): a FIFO with no writer would hang, /dev/zero never ends.
        source = sys.stdin if input_file == "-" else io.TextIOWrapper(open_regular(input_file), "utf-8", newline="")
        show = sys.stderr.isatty() and input_file != "-"
        total = _count_lines(input_file) if show else None  # a second read of IN: only for the bar
    except InputError as error:
        fail(error.problems, "cannot read the input")
    except OSError as error:
        fail([f"{input_file}: {error.strerror or error}"], "cannot read the input")
    kb = load_knowledge_base()
    failed = done = 0
    try:
        with (
            source,
            open(os.devnull, "w") as hidden,
            _output(output, force) as out,
            click.progressbar(length=total or 0, label="assessing", file=sys.stderr if show else hidden) as bar,
        ):
            for block, rows, bad in _results(read_rows(source, fmt, kb), jobs, kb):
                out.write(block)
                done += rows
                failed += bad
                bar.update(rows)
    except UnicodeDecodeError as error:
        fail([f"{input_file}: not UTF-8 text ({error.reason} at byte {error.start})"], "cannot read the input")
    except FileExistsError:
        fail([f"{output} appeared while the batch ran; use --force to replace it"], "will not overwrite")
    click.echo(f"triage batch: {done} rows, {done - failed} assessed, {failed} with problems", err=True)
    sys.exit(1 if failed else 0)
