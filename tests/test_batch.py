"""`triage batch`: rows in order, bad rows as error records, CSV and JSONL, jobs, no overwrite, 0600."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CASES, base_answers, load_case, run_cli
from random_answers import random_answer_sets

from triage import assess, load_knowledge_base
from triage.batch import Row, csv_rows, read_rows
from triage.cli import batch as cli_batch

KB = load_knowledge_base()


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_rows_keep_their_order_and_bad_rows_become_error_records(tmp_path: Path) -> None:
    good = [load_case(p)["answers"] for p in CASES[:5]]
    lines = [json.dumps(good[0]), "not json", json.dumps(good[1]), "", json.dumps({**good[2], "age": "old"})]
    lines += [json.dumps(load_case(CASES[3])), json.dumps(good[4])]  # a whole patient case is accepted too
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(write_jsonl(tmp_path / "in.jsonl", lines)), "-o", str(out))
    assert result.exit_code == 1  # some rows failed
    assert "7 rows" not in result.stderr and "6 rows, 4 assessed, 2 with problems" in result.stderr
    got = records(out)
    assert [r["line"] for r in got] == [1, 2, 3, 5, 6, 7]  # the blank line 4 is skipped, not renumbered
    assert [r["ok"] for r in got] == [True, False, True, False, True, True]
    assert got[1]["problems"] == ["invalid JSON at line 1, column 1: Expecting value"]
    assert got[3]["problems"] == ['age: expected a number, got "old"']
    for record, answers in zip([got[0], got[2], got[4], got[5]], [good[0], good[1], good[3], good[4]], strict=True):
        assert record["result"] == assess(answers).to_dict()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # health data


def test_all_good_rows_exit_0(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(write_jsonl(tmp_path / "in.jsonl", [json.dumps(base_answers())])), "-o", str(out))
    assert result.exit_code == 0
    assert records(out)[0]["result"]["disposition"] == "walk-normally"


def test_csv_rows_give_the_same_results_as_json(tmp_path: Path) -> None:
    sets = random_answer_sets(KB, 60, seed=3)
    columns = [q.id for q in KB.questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for answers in sets:
        cells = {q: "not sure" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                 for q, v in answers.items()}  # fmt: skip
        writer.writerow([cells.get(q, "") for q in columns])
    (tmp_path / "in.csv").write_text(buffer.getvalue(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(tmp_path / "in.csv"), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    got = records(out)
    assert [r["line"] for r in got] == list(range(2, 62))  # line 1 is the header
    assert [r["result"] for r in got] == [assess(a).to_dict() for a in sets]


def test_csv_problems_name_the_line() -> None:
    text = 'age,injury,name\n30,maybe,"two\nlines"\n40,false\n'
    rows = list(csv_rows(io.StringIO(text), KB))
    assert rows[0].line == 2 and rows[0].answers["injury"] == "maybe"  # validation will say why
    assert rows[1] == Row(4, problems=("2 cells for 3 columns",))


def test_jobs_2_writes_the_same_bytes_as_jobs_1(tmp_path: Path) -> None:
    sets = random_answer_sets(KB, 450, seed=11)
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps(a) for a in sets])
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run_cli("batch", str(src), "-o", str(one)).exit_code == 0
    assert run_cli("batch", str(src), "-o", str(two), "--jobs", "2").exit_code == 0
    assert one.read_bytes() == two.read_bytes()


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps(base_answers())])
    out = tmp_path / "out.jsonl"
    out.write_text("keep me")
    result = run_cli("batch", str(src), "-o", str(out))
    assert result.exit_code == 2 and "use --force" in result.stderr
    assert out.read_text() == "keep me"
    assert run_cli("batch", str(src), "-o", str(out), "--force").exit_code == 0
    assert records(out)[0]["ok"] is True


def test_unreadable_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(tmp_path / "missing.jsonl"), "-o", str(out))
    assert result.exit_code == 2 and "missing.jsonl" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file left


@pytest.mark.parametrize("jobs", [1, 2])
def test_streams_with_bounded_read_ahead(jobs: int) -> None:
    """Constant memory: the first results come out while the input is still being read,
    with at most a few chunks per worker read ahead (an endless input would do)."""
    read = 0

    def endless() -> Iterator[str]:
        nonlocal read
        for _ in itertools.count():
            read += 1
            if read > 30 * cli_batch.CHUNK:
                raise AssertionError("read the input far ahead of the results")
            yield json.dumps(base_answers()) + "\n"

    results = cli_batch._results(read_rows(endless(), "jsonl", KB), jobs, KB)
    first = next(results)
    assert first[1] == cli_batch.CHUNK and first[0].count(b"\n") == cli_batch.CHUNK
    assert read <= cli_batch.CHUNK * (jobs * cli_batch.AHEAD + 1) + 1
    results.close()


def _descendants(pid: int) -> dict[int, int]:
    """Every process under ``pid`` (Linux /proc), as {pid: parent pid}."""
    parents: dict[int, int] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat_file.parent.name)] = int(fields[1])
    found: dict[int, int] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found[child] = parent
                frontier.append(child)
    return found


def _is_worker(pid: int, parent: int, batch: int) -> bool:
    """Not multiprocessing's helpers: its resource tracker, and the fork server (a child of
    the batch) that the workers fork from."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"resource_tracker" not in command and not (parent == batch and b"forkserver" in command)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_worker_ends_the_batch_with_exit_2_not_a_hang(tmp_path: Path) -> None:
    """multiprocessing.Pool waits for ever for the rows of a worker that died (kill -9, out of
    memory). The batch must say so and stop, leaving no results file."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out.jsonl"
    row = (json.dumps(base_answers()) + "\n").encode()
    process = subprocess.Popen(
        [sys.executable, "-m", "triage", "batch", "-", "-o", str(out), "--jobs", "2"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    try:
        process.stdin.write(row * (cli_batch.CHUNK + 1))  # one chunk is sent to the workers
        process.stdin.flush()
        workers: list[int] = []
        for _ in range(600):
            workers = [pid for pid, parent in _descendants(process.pid).items() if _is_worker(pid, parent, process.pid)]
            if workers:
                break
            time.sleep(0.1)
        assert workers, "no worker process started"
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        process.stdin.close()  # no more input: writing more could block on a full pipe
    except BrokenPipeError:
        pass  # the batch already stopped: what it said is checked below
    try:
        process.wait(timeout=120)  # a hang fails here, it does not block the suite
    finally:
        process.kill()
    assert process.stderr is not None
    stderr = process.stderr.read()
    assert process.returncode == 2, stderr.decode()
    assert "a worker process stopped before it finished its rows" in stderr.decode()
    assert not out.exists()
