"""Safety property 2 across processes: `report` and `explain` give one byte string per case
whatever the hash seed (issue #10).

Comparing two renders in one process is not enough: there the memory addresses that decide
set order happen to repeat. Each fresh process below has its own PYTHONHASHSEED and runs
both commands on every shared case.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import CASES

SEEDS = ("0", "1", "7", "42", "4242")

# Runs in a fresh interpreter: one sha256 per (command, case), as JSON.
SCRIPT = r"""
import hashlib, json, sys, tempfile
from pathlib import Path
from click.testing import CliRunner
from triage.cli.main import main

digests = {}
with tempfile.TemporaryDirectory() as folder:
    for i, case in enumerate(sys.argv[1:]):
        runner = CliRunner()
        out = Path(folder) / f"{i}.html"
        result = runner.invoke(main, ["report", case, "-o", str(out), "--now", "2026-01-31T09:00"])
        assert result.exit_code == 0, result.output
        digests["report " + case] = hashlib.sha256(out.read_bytes()).hexdigest()
        result = runner.invoke(main, ["explain", "--all", case])
        assert result.exit_code == 0, result.output
        digests["explain " + case] = hashlib.sha256(result.stdout_bytes).hexdigest()
print(json.dumps(digests))
"""


def run_in_fresh_process(seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *map(str, CASES)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_report_and_explain_bytes_do_not_depend_on_the_process() -> None:
    runs = [run_in_fresh_process(seed) for seed in SEEDS]
    assert len(runs[0]) == 2 * len(CASES) >= 32
    differing = sorted(key for key in runs[0] if len({digests[key] for digests in runs}) > 1)
    assert differing == [], f"{len(differing)} outputs differ between processes: {differing}"
