"""An early stop is a complete record: the saved answers file says so, and the library,
`assess`, `explain` and `report` read it; a file that merely lacks answers is still an error."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli

import triage
from triage.early_stop import RECORD_KEY

AMBULANCE = {"age": 40, "injury": True, "injury_days_ago": 2, "deformity": True}  # knee out of place
SEEN_TODAY = {"age": 60, "injury": True, "injury_days_ago": 3, "deformity": False}  # Ottawa: 55+


def record(disposition: str) -> dict:
    return {"disposition": disposition, "because": [], "reason": "stopped"}


def test_the_library_reads_the_record_and_names_what_was_not_asked():
    result = triage.assess({**AMBULANCE, RECORD_KEY: record("emergency")})
    assert result.disposition.id == "emergency"
    assert result.early_stop is not None
    assert result.early_stop.because == ("RF-DISLOCATION",)
    assert "injury_pop" in result.early_stop.not_asked and "walking_effect" in result.early_stop.not_asked
    assert "deformity" not in result.early_stop.not_asked
    assert result.to_dict()[RECORD_KEY]["not_asked"] == list(result.early_stop.not_asked)


def test_a_file_that_merely_lacks_answers_is_still_an_error():
    with pytest.raises(triage.AnswersError) as error:
        triage.assess(AMBULANCE)
    assert "injury_pop: required when injury is true" in error.value.problems


def test_a_record_the_answers_do_not_justify_is_an_error():
    # Not urgent at all: the missing answers are needed.
    with pytest.raises(triage.AnswersError) as error:
        triage.assess({"age": 40, "injury": False, RECORD_KEY: record("emergency")})
    assert any("not an urgent result" in p for p in error.value.problems)
    assert "walking_effect: required" in error.value.problems
    # Urgent care today, but the questions that could still make it an emergency are missing.
    with pytest.raises(triage.AnswersError) as error:
        triage.assess({**SEEN_TODAY, RECORD_KEY: record("urgent-care-today")})
    assert error.value.problems == [
        f"{q}: required (asked even after an early stop at urgent-care-today)"
        for q in ("foot_cold_numb", "calf_swelling", "calf_pain", "breathless", "breathless_other", "blood_thinners")
    ]
    # With them, it is a complete record.
    asked = dict.fromkeys(("foot_cold_numb", "calf_swelling", "calf_pain", "breathless", "breathless_other"), False)
    done = triage.assess({**SEEN_TODAY, **asked, "blood_thinners": False, RECORD_KEY: record("urgent-care-today")})
    assert done.disposition.id == "urgent-care-today"
    assert "can_bear_weight" in done.early_stop.not_asked


def test_a_malformed_record_is_an_error():
    with pytest.raises(triage.AnswersError) as error:
        triage.assess({**AMBULANCE, RECORD_KEY: "yes"})
    assert error.value.problems[0].startswith(f"{RECORD_KEY}: expected")


def test_assess_explain_and_report_read_the_record(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**AMBULANCE, RECORD_KEY: record("emergency")}), encoding="utf-8")
    assessed = run_cli("assess", str(path))
    assert assessed.exit_code == 0, assessed.output
    assert "CALL AN AMBULANCE NOW" in assessed.stdout
    assert "The questions stopped early" in assessed.stdout
    explained = run_cli("explain", str(path))
    assert explained.exit_code == 0 and "Result: emergency" in explained.stdout
    assert "The questions stopped early" in explained.stdout
    html = tmp_path / "r.html"
    reported = run_cli("report", str(path), "-o", str(html), "--now", "2026-01-31T09:00")
    assert reported.exit_code == 0, reported.output
    text = html.read_text(encoding="utf-8")
    assert "The questions stopped early" in text
    assert "Not asked: the result was already urgent" in text and "not answered" not in text


def test_explain_shows_a_rule_once_with_every_answer_that_matched(tmp_path):
    from helpers import base_answers

    answers = base_answers() | {"fever": None, "warmth": None, "night_pain": None, "redness": None}
    answers |= {"hot_recent": False, "infection_risk": False}
    out = run_cli("explain", "-", input=json.dumps(answers)).stdout
    assert out.count("RF-UNSURE:") == 1
    for qid in ("fever", "warmth", "night_pain", "redness"):
        assert f"[{qid}]" in out


def test_resume_keeps_the_report_targets_of_the_interrupted_run(tmp_path):
    from ask_helpers import lines_for
    from click.testing import CliRunner
    from helpers import base_answers

    from triage.cli.main import main

    answers, report = tmp_path / "a.json", tmp_path / "r.html"
    lines, _ = lines_for(base_answers())
    first = CliRunner().invoke(
        main, ["ask", "-a", str(answers), "-o", str(report), "--now", "2026-01-31T09:00"], input="\n".join(lines[:3])
    )
    assert first.exit_code == 1  # the input ran out: answers so far saved
    assert not report.exists()
    again = CliRunner().invoke(main, ["ask", "-a", str(answers), "--resume"], input="\n".join(lines[3:]) + "\n")
    assert again.exit_code == 0, again.output
    assert f"Report: {report}" in " ".join(again.output.split())
    assert "31 January 2026 at 09:00" in report.read_text(encoding="utf-8")  # --now kept too


def test_ambulance_check_never_lowers_the_result_without_a_changed_answer():
    """Scripted: yes, then "no" to the check, then the same answer again: still an ambulance.
    For each emergency rule of the knowledge base's policy."""
    from triage.cli.questionnaire import run
    from triage.flow import Flow, Progress
    from triage.kb.load import load_knowledge_base

    class Script:
        def __init__(self, lines):
            self.lines, self.shown = list(lines), []

        def show(self, text=""):
            self.shown.append(text)

        def ask(self, prompt):
            self.shown.append(prompt)
            return self.lines.pop(0)

    kb = load_knowledge_base()
    for lines, again in (
        (["40", "", "y", "2", "y", "n"], ["y"]),  # deformity (sex left out)
        (["40", "", "n", "y", "y", "n"], ["y"]),  # foot cold or numb
        (["40", "", "n", "y", "n", "y", "n", "y", "n"], ["y"]),  # calf swollen and breathless
        (["40", "", "n", "y", "n", "n", "n", "y", "n"], ["y"]),  # breathless (999 signs), no calf sign
        (["40", "", "n", "y", "n", "n", "y", "n", "y", "n"], ["y"]),  # calf ache, short of breath lately
    ):
        script = Script([*lines, *again])
        outcome = run(Flow(kb, Progress()), script, save=lambda: None, check_emergency=True)
        assert outcome.assessment.disposition.id == "emergency", script.shown
        assert sum("is that answer right?" in " ".join(line.split()) for line in script.shown) == 1
        assert not script.lines


def test_o_pdf_refuses_clearly_without_the_pdf_extra(tmp_path, monkeypatch):
    from triage.report import report as report_module

    monkeypatch.setattr(report_module, "pdf_available", lambda: False)
    out = tmp_path / "x.pdf"
    result = run_cli("report", str(next(iter(sorted(__import__("helpers").CASES)))), "-o", str(out))
    assert result.exit_code == 2
    assert "a PDF needs the pdf extra" in result.output and not out.exists()


def test_o_pdf_writes_a_real_pdf_with_the_extra(tmp_path):
    from triage.report.report import pdf_available

    if not pdf_available():
        pytest.skip("WeasyPrint is not installed")
    out = tmp_path / "x.pdf"
    result = run_cli("report", str(sorted(__import__("helpers").CASES)[0]), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert result.stderr == ""  # WeasyPrint's warnings stay off stderr


def test_commands_in_messages_match_how_triage_was_started(monkeypatch, tmp_path):
    from triage.cli import main as cli

    monkeypatch.setattr("sys.argv", [".venv/bin/triage", "ask"])
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert cli.invoked_as() == ".venv/bin/triage"
    monkeypatch.setattr("sys.argv", ["triage", "ask"])
    assert cli.invoked_as() == "triage"
    monkeypatch.setattr("sys.argv", ["/x/triage/__main__.py", "ask"])
    monkeypatch.setattr("sys.orig_argv", ["python3", "-m", "triage", "ask"])
    assert cli.invoked_as() == "python3 -m triage"


def test_the_record_check_bites(monkeypatch):
    """A broken copy that trusts the record (every question "not wanted" after a stop) would
    accept an urgent-care file that skipped the ambulance questions; the real one refuses it."""
    from triage import early_stop

    record_file = {**SEEN_TODAY, RECORD_KEY: record("urgent-care-today")}
    with pytest.raises(triage.AnswersError):
        triage.assess(record_file)
    monkeypatch.setattr(early_stop, "wanted", lambda kb, question_id, urgency: False)
    assert triage.assess(record_file).early_stop is not None  # the mutant lets it through
