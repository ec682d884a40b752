"""The benchmark scripts still run against the current code (tiny sizes; no figure is
checked: speed is measured by running them, never by tests). A script broken by a change
elsewhere (a record type, a renamed function) fails here, not when someone measures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.mark.parametrize(
    ("script", "args", "headings"),
    [
        (
            "benchmark.py",
            ["--random", "10", "--growth-cases", "10", "--cold-runs", "1", "--batch-rows", "40", "--plan-rounds", "2"],
            [
                "## per assessment",
                "## growth with the rule base",
                "## cold start",
                "## `triage batch`",
                "## walking plan",
            ],
        ),
        ("benchmark_fhir.py", ["--rounds", "2"], []),
        ("benchmark_report.py", ["--rounds", "2"], []),
    ],
)
def test_benchmark_script_runs(script: str, args: list[str], headings: list[str]) -> None:
    if script == "benchmark.py":
        pytest.importorskip("clips", reason="clipspy: pip install -e '.[bench]'")
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / script), *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ms" in result.stdout
    for heading in headings:
        assert heading in result.stdout
