"""The answers files in examples/ (the README's demo and examples) stay complete and valid
under the current knowledge base: a new required question must come with new answers here,
or the first command in the README fails on a fresh machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.json"))


def test_there_are_examples() -> None:
    assert {p.name for p in EXAMPLES} >= {"osteoarthritis.json", "injury.json"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_example_is_assessed_and_explained(path: Path) -> None:
    for command in ("assess", "explain"):  # what scripts/demo.sh runs
        result = run_cli(command, str(path))
        assert result.exit_code == 0, result.stderr
        assert "required" not in result.stderr


def test_the_demo_runs_an_example_that_is_checked_here() -> None:
    demo = (Path(__file__).resolve().parents[1] / "scripts" / "demo.sh").read_text(encoding="utf-8")
    assert "examples/osteoarthritis.json" in demo
