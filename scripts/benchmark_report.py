"""Benchmark: rendering the HTML report, the first render in a process and the ones after.

Usage: .venv/bin/python scripts/benchmark_report.py [--rounds N]
The first render builds the Jinja environment (parses and compiles the templates); it is
built once per process, so later renders only fill it in. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage import assess  # noqa: E402
from triage.report.report import render_report  # noqa: E402
from triage.report.templates import environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="renders per case after the first")
    args = parser.parse_args()
    cases = [json.loads(p.read_text())["answers"] for p in sorted((ROOT / "tests" / "cases").glob("*.json"))]
    assessments = [assess(answers) for answers in cases]
    now = datetime(2026, 1, 31, 9, 0)

    t0 = time.perf_counter()
    render_report(assessments[0], now=now)
    first = time.perf_counter() - t0

    cached: list[float] = []
    for assessment in assessments:
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            render_report(assessment, now=now)
            cached.append(time.perf_counter() - t0)

    rebuilt: list[float] = []  # what every render cost when the environment was built each time
    for _ in range(10):
        environment.cache_clear()
        t0 = time.perf_counter()
        render_report(assessments[0], now=now)
        rebuilt.append(time.perf_counter() - t0)

    ms = 1000
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {len(cases)} cases")
    print(f"first render in a process (builds the Jinja environment): {first * ms:.1f} ms")
    print(f"later renders ({len(cached)}): median {statistics.median(cached) * ms:.1f} ms")
    print(f"a render with a new environment each time (before #10): median {statistics.median(rebuilt) * ms:.1f} ms")


if __name__ == "__main__":
    main()
