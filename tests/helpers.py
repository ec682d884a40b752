"""Shared test helpers: the patient cases and running the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from triage.cli.main import main
from triage.kb.paths import KB_ENV

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(CASES_DIR.glob("*.json"))


def load_case(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def run_cli(*args: str, input: str | None = None) -> Result:
    # Naming TRIAGE_KB makes CliRunner put it back afterwards: `--kb DIR` sets it in the process.
    env = {KB_ENV: os.environ.get(KB_ENV)}
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def base_answers() -> dict[str, Any]:
    """A complete, valid, unremarkable answers object (no pain, no red flag)."""
    return dict(load_case(CASES_DIR / "V01.json")["answers"])
