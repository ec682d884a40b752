"""`triage ask` on every patient case: answers typed in, the same disposition as `triage assess`."""

from __future__ import annotations

import json

import pytest
from ask_helpers import CASE_FILES, lines_for, load_case
from click.testing import CliRunner

from triage.assessment import assess
from triage.cli.main import main


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
    assert f"All of it: triage assess {answers_file}" in " ".join(result.output.split())

    saved = json.loads(answers_file.read_text(encoding="utf-8"))
    if early:
        assert expected.urgency >= 3
        record = saved.pop("stopped_early")
        assert record["disposition"] == case["expected"]
        assert set(saved.items()) <= set(case["answers"].items())
        # The saved file is a complete record: assess, explain and report agree with the screen.
        out = runner.invoke(main, ["assess", str(answers_file), "--format", "json"])
        assert out.exit_code == 0, out.output
        result_json = json.loads(out.stdout)
        assert result_json["disposition"] == case["expected"]
        assert result_json["stopped_early"]["not_asked"]
        out = runner.invoke(main, ["explain", str(answers_file)])
        assert out.exit_code == 0, out.output
        assert f"Result: {case['expected']} " in out.output
        assert "The questions stopped early" in out.output
        report = tmp_path / "report.html"
        out = runner.invoke(main, ["report", str(answers_file), "-o", str(report), "--now", "2026-01-31T09:00"])
        assert out.exit_code == 0, out.output
        html = report.read_text(encoding="utf-8")
        assert expected.disposition.title in html
        assert "The questions stopped early" in html
        assert "Not asked: the result was already urgent" in html
        assert "not answered" not in html
    else:
        assert saved == assess(case["answers"]).answers  # exactly the answers that were asked
        out = runner.invoke(main, ["assess", str(answers_file), "--format", "json"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["disposition"] == case["expected"]
