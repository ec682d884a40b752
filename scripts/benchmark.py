"""Benchmark: time per assessment in-process (engine reused) and end-to-end `triage assess`.

Usage: .venv/bin/python scripts/benchmark.py [--rounds N] [--cli-runs N]
Prints a small table; the README quotes its figures. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage import assess  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="assessments per case, in-process")
    parser.add_argument("--cli-runs", type=int, default=10, help="runs of `triage assess` end to end")
    args = parser.parse_args()

    cases = [json.loads(p.read_text())["answers"] for p in sorted((ROOT / "tests" / "cases").glob("*.json"))]
    start = time.perf_counter()
    assess(cases[0])  # compiles the engine class once, as the first call in any process does
    first = time.perf_counter() - start

    timings: list[float] = []
    for answers in cases:
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            assess(answers)
            timings.append(time.perf_counter() - t0)
    per_case = sorted(timings)

    triage = Path(sys.executable).parent / "triage"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.json"
        path.write_text(json.dumps(cases[0]))
        cli: list[float] = []
        for _ in range(args.cli_runs):
            t0 = time.perf_counter()
            subprocess.run([str(triage), "assess", str(path), "--format", "json"], check=True, capture_output=True)
            cli.append(time.perf_counter() - t0)

    ms = 1000
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {len(cases)} cases")
    print(f"first assessment in a process (loads TOML, compiles the engine): {first * ms:.0f} ms")
    print(
        f"in-process, engine reused ({len(timings)} assessments): median {statistics.median(per_case) * ms:.2f} ms, "
        f"p90 {per_case[int(len(per_case) * 0.9)] * ms:.2f} ms, max {per_case[-1] * ms:.2f} ms"
    )
    print(f"end to end `triage assess FILE --format json` ({args.cli_runs} runs): median {statistics.median(cli) * ms:.0f} ms")


if __name__ == "__main__":
    main()
