"""Every shared patient case gives its expected disposition and urgency, in-process and via the CLI."""

from __future__ import annotations

import json

import pytest
from helpers import CASES, load_case, run_cli

from triage import assess


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_disposition(path):
    case = load_case(path)
    result = assess(case["answers"])
    assert result.disposition.id == case["expected"], case["reason"]
    assert result.urgency == case["urgency"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_through_cli_json(path, tmp_path):
    case = load_case(path)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(case["answers"]), encoding="utf-8")
    result = run_cli("assess", str(answers), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["disposition"], data["urgency"]) == (case["expected"], case["urgency"])
    for key in ("rules_fired", "findings", "advice", "knowledge_base"):
        assert key in data
    assert len(data["knowledge_base"]["sha256"]) == 64
    assert all(rule["sources"] for rule in data["rules_fired"])
    assert all(item["sources"] and item["text"] for item in data["advice"])


def test_case_file_is_accepted_as_is():
    """A case file (answers wrapped with id/description/expected) can be assessed directly."""
    path = next(p for p in CASES if p.stem == "V40")
    result = run_cli("assess", str(path), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["disposition"] == "emergency"
