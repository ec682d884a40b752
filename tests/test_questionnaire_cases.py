"""`triage ask` on every patient case: answers typed in, the same disposition as `triage assess`."""

from __future__ import annotations

import json

import pytest
from ask_helpers import CASE_FILES, lines_for, load_case
from click.testing import CliRunner

from triage.assessment import assess
from triage.cli import main


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_typed_in_gives_the_same_disposition_as_assess(case_file, tmp_path):
    case = load_case(case_file)
    answers_file = tmp_path / "answers.json"
    lines, early = lines_for(case["answers"])
    runner = CliRunner()
    result = runner.invoke(main, ["ask", "-a", str(answers_file)], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output

    expected = assess(case["answers"])
    assert expected.disposition.id == case["expected"]
    assert expected.disposition.title.upper() in result.output
    assert f"saved in {answers_file}" in result.output

    saved = json.loads(answers_file.read_text(encoding="utf-8"))
    if early:
        assert expected.urgency >= 3
        assert assess(saved, partial=True).disposition.id == case["expected"]
        assert set(saved.items()) <= set(case["answers"].items())
    else:
        assert saved == assess(case["answers"]).answers  # exactly the answers that were asked
        out = runner.invoke(main, ["assess", str(answers_file), "--format", "json"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["disposition"] == case["expected"]
