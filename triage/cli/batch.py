"""`triage batch IN -o OUT`: assess every row of a JSON Lines or CSV file, streaming.

Rows are read, assessed and written in chunks, so memory stays flat whatever the size of the
input (and of its longest line: triage/io/reading.py `lines_bounded`). No row is lost to
another: a line that cannot be read or assessed becomes that row's error record. With
--jobs N, N worker processes each build the engine once and take chunks in turn; at most a
few chunks per worker are in flight, and results are written in input order.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, NoReturn

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
    # backslashreplace: a lone surrogate, which no record should hold, is written as its JSON escape
    return "".join(record + "\n" for record in records).encode("utf-8", "backslashreplace"), len(records), failed


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
    # concurrent.futures, not multiprocessing.Pool: a worker that dies raises BrokenProcessPool
    # here instead of leaving a result that never comes (a hang).
    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_start_worker)
    wait = True
    try:
        pending: collections.deque[Future[tuple[bytes, int, int]]] = collections.deque()
        for chunk in _chunks(rows):
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= jobs * AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        # Waiting for a broken pool can itself hang (its feeder thread blocked on a full pipe):
        # the caller ends the process instead (_stop_now).
        wait = False
        for worker in list((getattr(pool, "_processes", None) or {}).values()):
            worker.kill()  # a worker still alive would wait for ever for work that never comes
        raise
    finally:
        pool.shutdown(wait=wait, cancel_futures=True)


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one: workers fork from a small server process that has one
    thread, never from this process, which may have others (a fork then can deadlock the child:
    it hung a test run on Python 3.12). The server imports this module once, so each worker
    starts with it imported. Elsewhere (Windows, macOS before fork was safe): spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


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

    Every row gets its record: a line that is not UTF-8, is over 1,000,000 bytes or is not
    valid JSON fails only its own row. Exits 0 when every row was assessed, 1 when some rows
    had problems (their records say which; the rest were written), 2 when the command could
    not run (IN unreadable, OUT unwritable: then no OUT file is left).
    """
    from ..answers import shown_key
    from .common import fail

    fmt = input_format or ("csv" if input_file.lower().endswith(".csv") else "jsonl")
    if output != "-" and Path(output).is_dir():
        fail([f"{shown_key(output)}: is a folder; give a file name"], "cannot write the results")
    if output != "-" and Path(output).exists() and not force:
        fail([f"{shown_key(output)} exists; use --force to replace it"], "will not overwrite")
    if output != "-" and not Path(output).resolve().parent.is_dir():
        fail([f"{shown_key(str(Path(output).parent))}: no such folder"], "cannot write the results")
    from ..io.reading import InputError, lines_bounded, open_regular

    try:
        # A regular file only (or -): a FIFO with no writer would hang, /dev/zero never ends.
        source = sys.stdin.buffer if input_file == "-" else open_regular(input_file)
        show = sys.stderr.isatty() and input_file != "-"
        total = _count_lines(input_file) if show else None  # a second read of IN: only for the bar
    except InputError as error:
        fail(error.problems, "cannot read the input")
    except OSError as error:
        fail([f"{shown_key(input_file)}: {error.strerror or error}"], "cannot read the input")
    kb = load_knowledge_base()
    failed = done = 0
    try:
        with (
            source,
            open(os.devnull, "w") as hidden,
            _output(output, force) as out,
            click.progressbar(length=total or 0, label="assessing", file=sys.stderr if show else hidden) as bar,
        ):
            for block, rows, bad in _results(read_rows(_reading(lines_bounded(source)), fmt, kb), jobs, kb):
                out.write(block)
                done += rows
                failed += bad
                bar.update(rows)
            out.flush()
    except _ReadFailed as error:
        fail([f"{shown_key(input_file)}: {error.reason}"], "cannot read the input (no results file written)")
    except FileExistsError:
        fail([f"{shown_key(output)} appeared while the batch ran; use --force to replace it"], "will not overwrite")
    except BrokenProcessPool:  # a worker was killed (out of memory, a signal): say so, never hang
        kept = "the results written before it are incomplete" if output == "-" else "no results file written"
        _stop_now(["a worker process stopped before it finished its rows", kept], "could not finish the batch")
    except OSError as error:  # a full disk, a folder we may not write to, a closed pipe
        where = "standard output" if output == "-" else shown_key(output)
        kept = "the results written before it are incomplete" if output == "-" else "no results file written"
        _silence_stdout()
        fail([f"{where}: {error.strerror or error}", kept], "cannot write the results")
    click.echo(f"triage batch: {done} rows, {done - failed} assessed, {failed} with problems", err=True)
    sys.exit(1 if failed else 0)


class _ReadFailed(Exception):
    def __init__(self, error: OSError):
        super().__init__(error)
        self.reason = error.strerror or str(error)


def _reading(lines: Iterator[bytes | None]) -> Iterator[bytes | None]:
    """The lines, with a read error told apart from a write error (both are OSError)."""
    try:
        yield from lines
    except OSError as error:
        raise _ReadFailed(error) from None


def _stop_now(problems: list[str], heading: str) -> NoReturn:
    """Say why, then exit 2 at once. A normal exit joins the broken pool's threads, and one of
    them may wait for ever on a pipe no worker reads. The results file is already removed."""
    from .common import fail

    with contextlib.suppress(SystemExit, Exception):
        fail(problems, heading)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(2)


def _silence_stdout() -> None:
    """After standard output failed, point it at /dev/null: the exit's flush must not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
