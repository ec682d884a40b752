"""Benchmark: experta and CLIPS side by side, growth with the rule base, cold start, batch.

Usage: .venv/bin/python scripts/benchmark.py [--random N] [--cold-runs N] [--batch-rows N] [--plan-rounds N]
       [--only SECTION ...]
Sections: inprocess, growth, cold, batch, plan. Prints tables; the README quotes them. Not a test:
timings vary by machine and load, so compare the ratios taken in the same run.

- inprocess: `assess()` (validation included, engine reused) against the same rules compiled
  to CLIPS (triage/engine/clips.py), on tests/cases plus N random answer sets, interleaved in blocks
  of 50 cases so that both see the same machine load.
- growth: the knowledge base replicated 2x, 4x, 8x (rule ids and findings renamed), per case.
- cold: `python -c pass`, `triage --help`, `triage assess FILE`: median of N fresh processes
  (hyperfine is not needed: each run is a subprocess timed here).
- batch: `triage batch` throughput with --jobs 1 and 2.
- plan: `make_plan` + one `check_in` (no red flag; and with a red flag "not sure", which runs
  the assessment again), over the tests/cases at urgency 0; and reading back a plan file with
  five check-ins (every week recomputed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from random_answers import random_answer_sets  # noqa: E402

from triage import assess, load_knowledge_base  # noqa: E402
from triage.answers import validate  # noqa: E402
from triage.kb.records import KnowledgeBase  # noqa: E402

MS = 1000.0
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # see section_cold
BIN = Path(sys.executable).parent


def stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * MS, ordered[int(len(ordered) * 0.9)] * MS


def replicate(kb: KnowledgeBase, k: int) -> KnowledgeBase:
    """k copies of every rule, ids and findings renamed per copy (questions and formulas shared)."""
    if k == 1:
        return kb

    def rename(rule: Any, copy: int) -> Any:
        if copy == 0:
            return rule
        when = tuple(
            tuple(a._replace(subject=f"{a.subject}~{copy}") if a.kind == "finding" else a for a in group)
            for group in rule.when
        )
        finding = f"{rule.finding}~{copy}" if rule.finding else None
        return rule._replace(id=f"{rule.id}~{copy}", when=when, finding=finding)

    rules = tuple(rename(rule, copy) for copy in range(k) for rule in kb.rules)
    return kb._replace(rules=rules, sha256=f"{kb.sha256}x{k}")


def interleaved(cases: list[dict[str, Any]], runners: dict[str, Callable[[dict[str, Any]], Any]], block: int = 50):
    """Time each runner on each case, alternating runners every `block` cases.

    Returns CPU time of this thread per case (time.thread_time: what the work costs, even
    when other processes share the cores) and wall time (what a caller waits)."""
    cpu: dict[str, list[float]] = {name: [] for name in runners}
    wall: dict[str, list[float]] = {name: [] for name in runners}
    for start in range(0, len(cases), block):
        chunk = cases[start : start + block]
        for name, run in runners.items():
            for answers in chunk:
                w0, c0 = time.perf_counter(), time.thread_time()
                run(answers)
                cpu[name].append(time.thread_time() - c0)
                wall[name].append(time.perf_counter() - w0)
    return cpu, wall


def clips_runner(kb: KnowledgeBase) -> Callable[[dict[str, Any]], Any] | None:
    try:
        from triage.engine.clips import ClipsEngine

        engine = ClipsEngine(kb)
    except ImportError:
        return None
    valid = {}  # validated outside the timing: CLIPS runs the engine and reads the floor only
    return lambda answers: engine.assess(valid.setdefault(id(answers), validate(answers, kb).answers))


def section_inprocess(kb: KnowledgeBase, cases: list[dict[str, Any]]) -> None:
    runners: dict[str, Callable[[dict[str, Any]], Any]] = {"experta assess()": lambda a: assess(a, kb=kb)}
    clips = clips_runner(kb)
    if clips:
        runners["CLIPS, same rules (engine and floor only)"] = clips
    for answers in cases[:50]:  # warm both
        for run in runners.values():
            run(answers)
    cpu, wall = interleaved(cases, runners)
    print(f"\n## per assessment, engine reused ({len(cases)} cases, blocks of 50 interleaved; load {load_average()})\n")
    print("| engine | CPU median | CPU p90 | wall median | wall p90 |\n|---|---|---|---|---|")
    for name in runners:
        cells = [f"{v:.3f} ms" for v in (*stats(cpu[name]), *stats(wall[name]))]
        print(f"| {name} | {' | '.join(cells)} |")
    if clips:
        names = list(runners)
        ratios = [f"{stats(t[names[0]])[i] / stats(t[names[1]])[i]:.2f}x" for t in (cpu, wall) for i in (0, 1)]
        print(f"| ratio experta / CLIPS | {' | '.join(ratios)} |")


def section_growth(kb: KnowledgeBase, cases: list[dict[str, Any]]) -> None:
    print(f"\n## growth with the rule base ({len(cases)} cases per size, blocks of 50 interleaved)\n")
    print("| rules | experta CPU median | vs 1x | CLIPS CPU median | vs 1x |\n|---|---|---|---|---|")
    base: dict[str, float] = {}
    for k in (1, 2, 4, 8):
        big = replicate(kb, k)
        runners: dict[str, Callable[[dict[str, Any]], Any]] = {"experta": lambda a, big=big: assess(a, kb=big)}
        clips = clips_runner(big)
        if clips:
            runners["clips"] = clips
        for answers in cases[:20]:
            for run in runners.values():
                run(answers)
        cpu, _ = interleaved(cases, runners)
        medians = {name: stats(t)[0] for name, t in cpu.items()}
        base = base or medians
        cells = [
            f"{medians[n]:.3f} ms | {medians[n] / base[n]:.2f}x" if n in medians else "- | -"
            for n in ("experta", "clips")
        ]
        print(f"| {len(big.rules)} ({k}x) | {' | '.join(cells)} |")


def cold(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    return stats(times)


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def section_cold(cases: list[dict[str, Any]], runs: int) -> None:
    # As a user's Python does: compiled modules are cached in __pycache__ (the warm-up run writes
    # them). With PYTHONDONTWRITEBYTECODE set, as in some sandboxes, every run would compile
    # triage's sources again (~25 ms) and the figure would not be what a user sees.
    env = USER_ENV
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.json"
        path.write_text(json.dumps(cases[0]))
        triage = str(BIN / "triage")
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("triage --help", [triage, "--help"]),
            ("triage assess FILE --format json", [triage, "assess", str(path), "--format", "json"]),
        ]
        for _, command in rows:  # warm the OS file cache and the knowledge-base cache
            subprocess.run(command, check=True, capture_output=True, env=env)
        print(f"\n## cold start ({runs} fresh processes each; load average before: {load_average()})\n")
        print("| command | median | p90 |\n|---|---|---|")
        for name, command in rows:
            median, p90 = cold(command, runs, env)
            print(f"| `{name}` | {median:.0f} ms | {p90:.0f} ms |")


def section_batch(kb: KnowledgeBase, rows: int) -> None:
    sets = random_answer_sets(kb, rows, seed=99)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_text("".join(json.dumps(a) + "\n" for a in sets))
        print(f"\n## `triage batch` ({rows} rows of random answers, JSONL in and out; load {load_average()})\n")
        print("| jobs | wall | assessments/s | CPU s (all processes) | assessments per CPU s |\n|---|---|---|---|---|")
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}.jsonl"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(
                [str(BIN / "triage"), "batch", str(src), "-o", str(out), "--jobs", str(jobs)],
                check=False,
                capture_output=True,
                env=USER_ENV,
            )
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            print(f"| {jobs} | {wall:.2f} s | {rows / wall:.0f} | {cpu:.2f} s | {rows / cpu:.0f} |")


def section_plan(kb: KnowledgeBase, shared: list[dict[str, Any]], rounds: int) -> None:
    from datetime import date

    from plan_support import checkin_answers

    from triage.checkin import check_in, red_flags_for_everyone
    from triage.plan import make_plan
    from triage.plan_file import plan_bytes, read_plan

    start = date(2026, 1, 5)
    assessments = [a for a in (assess(answers, kb=kb) for answers in shared) if a.urgency == 0]
    plans = [make_plan(a, start) for a in assessments]
    quiet = [checkin_answers(p, 1) for p in plans]
    flagged = [checkin_answers(p, 1, now={red_flags_for_everyone(p)[0].id: None}) for p in plans]
    file_text = []
    for plan in plans:
        for week in range(1, 6):
            plan = check_in(plan, checkin_answers(plan, week, None, 2 + week % 3)).plan
        file_text.append(plan_bytes(plan).decode())
    timings: dict[str, list[float]] = {
        "make_plan + check_in": [],
        "make_plan + check_in, red flag": [],
        "read a plan file (5 check-ins)": [],
    }
    for _ in range(rounds):
        for assessment, ok, flag, text in zip(assessments, quiet, flagged, file_text, strict=True):
            for name, answers in (("make_plan + check_in", ok), ("make_plan + check_in, red flag", flag)):
                t0 = time.perf_counter()
                check_in(make_plan(assessment, start), answers)
                timings[name].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            read_plan(text, kb)
            timings["read a plan file (5 check-ins)"].append(time.perf_counter() - t0)
    print(f"\n## walking plan ({len(assessments)} cases at urgency 0 x {rounds} rounds; load {load_average()})\n")
    print("| what | median | p90 |\n|---|---|---|")
    for name, times in timings.items():
        median, p90 = stats(times)
        print(f"| {name} | {median:.3f} ms | {p90:.3f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=1000, help="random answer sets besides tests/cases")
    parser.add_argument("--growth-cases", type=int, default=300, help="cases per rule-base size")
    parser.add_argument("--cold-runs", type=int, default=20)
    parser.add_argument("--batch-rows", type=int, default=20000)
    parser.add_argument("--plan-rounds", type=int, default=200)
    parser.add_argument("--only", nargs="*", default=["inprocess", "growth", "cold", "batch", "plan"])
    args = parser.parse_args()

    kb = load_knowledge_base()
    shared = [json.loads(p.read_text())["answers"] for p in sorted((ROOT / "tests" / "cases").glob("*.json"))]
    cases = shared + random_answer_sets(kb, args.random)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average (1/5/15 min) at start: {load_average()}")
    if "inprocess" in args.only:
        section_inprocess(kb, cases)
    if "growth" in args.only:
        section_growth(kb, cases[: args.growth_cases])
    if "cold" in args.only:
        section_cold(shared, args.cold_runs)
    if "batch" in args.only:
        section_batch(kb, args.batch_rows)
    if "plan" in args.only:
        section_plan(kb, shared, args.plan_rounds)


if __name__ == "__main__":
    main()
