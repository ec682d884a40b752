"""`triage ask -o report.html`: the questionnaire ends with the printable report, also after an early stop."""

from __future__ import annotations

from ask_helpers import lines_for, load_case
from click.testing import CliRunner
from helpers import CASES

from triage.cli.main import main


def ask(tmp_path, stem: str, *extra: str):
    answers = load_case(next(p for p in CASES if p.stem == stem))["answers"]
    lines, _ = lines_for(answers)
    args = ["ask", "-a", str(tmp_path / "a.json"), "-o", str(tmp_path / "r.html"), "--now", "2026-01-31T09:00", *extra]
    return CliRunner().invoke(main, args, input="\n".join(lines) + "\n", catch_exceptions=False)


def test_ask_writes_the_report_at_the_end(tmp_path):
    result = ask(tmp_path, "V10")
    assert result.exit_code == 0, result.output
    assert f"Report: {tmp_path / 'r.html'}" in " ".join(result.output.split())
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Walk, strengthen, and try short supervised backward walking" in html
    assert "31 January 2026" in html


def test_ask_writes_the_report_after_an_early_stop(tmp_path):
    result = ask(tmp_path, "V40")
    assert result.exit_code == 0, result.output
    assert "Call an ambulance now" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_ask_refuses_an_existing_report_before_the_first_question(tmp_path):
    (tmp_path / "r.html").write_text("keep me", encoding="utf-8")
    result = ask(tmp_path, "V10")
    assert result.exit_code == 2
    assert "already exists (use --force to overwrite it)" in result.stderr
    assert "How old are you?" not in result.output  # nothing was asked
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "a.json").exists()


def test_ask_rejects_a_bad_time_before_the_first_question(tmp_path):
    result = CliRunner().invoke(
        main, ["ask", "-a", str(tmp_path / "a.json"), "-o", str(tmp_path / "r.html"), "--now", "yesterday"], input=""
    )
    assert result.exit_code == 2
    assert "How old are you?" not in result.output
