"""Benchmark the FHIR layer: Questionnaire export, response -> assessment, Bundle, $next-question.

Usage: .venv/bin/python scripts/benchmark_fhir.py [--rounds N]
Prints a small table; docs/fhir.md quotes its figures. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage import assess  # noqa: E402
from triage.fhir import (  # noqa: E402
    build_bundle,
    build_questionnaire,
    build_response,
    next_question,
    read_response,
    start_response,
)
from triage.fhir.response import answer_item  # noqa: E402
from triage.fhir.settings import settings  # noqa: E402
from triage.kb.load import load_knowledge_base  # noqa: E402


def median_ms(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def adaptive_run(kb, answers: dict) -> tuple[int, int]:
    """A whole $next-question conversation: (calls, largest request in bytes)."""
    fhir, response, calls, largest = settings(kb), start_response(kb), 0, 0
    while True:
        largest = max(largest, len(json.dumps(response)))
        response, calls = next_question(kb, response), calls + 1
        if response["status"] == "completed":
            return calls, largest
        link = response["contained"][0]["item"][-1]["linkId"]
        if link in answers:
            response.setdefault("item", []).append(answer_item(fhir, kb.question_by_id[link], answers[link]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="repetitions per measure")
    args = parser.parse_args()
    kb = load_knowledge_base()
    cases = [json.loads(p.read_text())["answers"] for p in sorted((ROOT / "tests" / "cases").glob("*.json"))]
    responses = [json.loads(json.dumps(build_response(kb, a))) for a in cases]
    assess(cases[0])

    rows = [
        ("Questionnaire export (build_questionnaire)", median_ms(lambda: build_questionnaire(kb), args.rounds)),
        (
            "QuestionnaireResponse out (build_response), per case",
            median_ms(lambda: [build_response(kb, a) for a in cases], args.rounds) / len(cases),
        ),
        (
            "response in and assess (read_response + assess), per case",
            median_ms(lambda: [assess(read_response(kb, r)) for r in responses], args.rounds) / len(cases),
        ),
        (
            "outcome Bundle (build_bundle), per case",
            median_ms(lambda: [build_bundle(assess(a)) for a in cases], args.rounds) / len(cases),
        ),
    ]
    t0 = time.perf_counter()
    runs = [adaptive_run(kb, a) for a in cases]
    total_ms = (time.perf_counter() - t0) * 1000
    calls = sum(c for c, _ in runs)
    rows.append(("$next-question, mean per call (library, no HTTP)", total_ms / calls))

    print(f"{platform.machine()}, Python {platform.python_version()}, {len(cases)} cases, {args.rounds} rounds")
    for name, ms in rows:
        print(f"{name:<62} {ms:8.2f} ms")
    size = len(json.dumps(build_questionnaire(kb)))
    print(
        f"Questionnaire size: {size} bytes; largest $next-question request: {max(b for _, b in runs)} bytes;"
        f" calls per conversation: {min(c for c, _ in runs)}..{max(c for c, _ in runs)}"
    )


if __name__ == "__main__":
    main()
