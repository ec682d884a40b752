"""`triage cases run DIR` and `triage cases new`: the project's own cases, the shared vignettes,
a broken rule base that must fail naming its cases, and the JSON and JUnit summaries."""

from __future__ import annotations

import json
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import CASES, CASES_DIR, run_cli
from safety.safety_support import Mutant

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "vignettes-1.2"  # a test input only (1.2 answers)


def test_project_cases_pass_through_cases_run():
    """tests/cases/ is run the way a clinician runs a corpus."""
    result = run_cli("cases", "run", str(CASES_DIR))
    assert result.exit_code == 0, result.output
    assert f"{len(CASES)} cases: {len(CASES)} passed, 0 failed" in result.stdout
    assert result.stdout.count("pass  ") == len(CASES)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not here (a clone without the shared inputs)")
def test_shared_vignettes_pass():
    result = run_cli("cases", "run", str(SHARED))
    assert result.exit_code == 0, result.output
    assert " passed, 0 failed" in result.stdout


def test_broken_rule_base_fails_and_names_the_cases(tmp_path):
    broken = Mutant(tmp_path).lower_floor("RF-LOCKED")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli(
        "--kb", str(broken.root), "cases", "run", "-q", str(CASES_DIR),
        "--json", str(out / "s.json"), "--junit", str(out / "s.xml"),
    )  # fmt: skip
    assert result.exit_code == 1
    failed = [line.split()[1].rstrip(":") for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert failed == ["V38"]
    assert "1 under-triage, 0 over-triage" in result.stdout
    assert "decided by RF-LOCKED" in result.stdout or "see-a-doctor-soon" in result.stdout
    summary = json.loads((out / "s.json").read_text(encoding="utf-8"))
    assert summary["counts"]["under-triage"] == 1 and summary["counts"]["pass"] == len(CASES) - 1
    assert [c["id"] for c in summary["cases"] if c["verdict"] != "pass"] == ["V38"]
    suite = ET.parse(out / "s.xml").getroot()
    assert suite.get("tests") == str(len(CASES)) and suite.get("failures") == "1"
    assert [tc.get("name") for tc in suite if tc.find("failure") is not None] == ["V38"]


def test_over_triage_and_invalid_cases_are_counted(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    case = json.loads((CASES_DIR / "V01.json").read_text(encoding="utf-8"))
    (corpus / "under.json").write_text(json.dumps(case | {"id": "UNDER", "expected": "emergency", "urgency": 4}))
    (corpus / "tier.json").write_text(json.dumps(case | {"id": "TIER", "expected": "walk-with-care", "urgency": 0}))
    (corpus / "bad.json").write_text(json.dumps(case | {"id": "BAD", "answers": {"age": 130}}))
    (corpus / "junk.json").write_text("{not json")
    result = run_cli("cases", "run", str(corpus))
    assert result.exit_code == 1
    flat = " ".join(result.stdout.split())  # lines are wrapped to 80 columns
    assert "4 cases: 0 passed, 4 failed (1 under-triage, 0 over-triage, 1 wrong tier, 2 invalid)" in flat
    assert "ERROR BAD (bad.json): age: 130 is above the maximum 120" in flat
    assert "ERROR junk (junk.json): invalid JSON at line 1" in flat
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Traceback" not in result.output


def test_over_triage_is_named(tmp_path):
    case = json.loads((CASES_DIR / "V01.json").read_text(encoding="utf-8"))
    path = tmp_path / "over.json"
    path.write_text(json.dumps(case | {"id": "OVER", "expected": "walk-normally", "urgency": 0}))
    rule = 'id = "WN-KEEP-KNEES-WELL"'
    broken = Mutant(tmp_path).replace_in("rule", "WN-KEEP-KNEES-WELL", rule, f'{rule}\nfloor = "emergency"')
    result = run_cli("--kb", str(broken.root), "cases", "run", str(path))
    assert result.exit_code == 1 and "over-triage" in result.stdout


def test_summary_files_are_not_overwritten_without_force(tmp_path):
    target = tmp_path / "s.json"
    target.write_text("keep")
    result = run_cli("cases", "run", str(CASES_DIR), "--json", str(target))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert target.read_text() == "keep"
    assert run_cli("cases", "run", str(CASES_DIR), "--json", str(target), "--force").exit_code == 0
    assert json.loads(target.read_text())["counts"]["cases"] == len(CASES)


def test_empty_corpus_is_a_usage_error(tmp_path):
    result = run_cli("cases", "run", str(tmp_path))
    assert result.exit_code == 2 and "no case files" in result.stderr


def test_cases_new_records_the_current_result_for_review(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(json.loads((CASES_DIR / "V38.json").read_text())["answers"]))
    target = tmp_path / "corpus" / "locked.json"
    target.parent.mkdir()
    result = run_cli("cases", "new", str(answers), "-o", str(target), "--description", "A locked knee.")
    assert result.exit_code == 0, result.output
    case = json.loads(target.read_text(encoding="utf-8"))
    assert (case["id"], case["expected"], case["urgency"]) == ("locked", "urgent-care-today", 3)
    assert case["description"] == "A locked knee." and "NOT YET REVIEWED" in case["reason"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # answers are health data
    again = run_cli("cases", "new", str(answers), "-o", str(target))
    assert again.exit_code == 2 and "already exists" in again.stderr
    shutil.copy(CASES_DIR / "V01.json", target.parent)
    assert run_cli("cases", "run", str(target.parent)).exit_code == 0  # a recorded case passes as recorded


def test_cases_new_rejects_invalid_answers(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text('{"age": 10}')
    result = run_cli("cases", "new", str(answers), "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2 and "age: 10 is below the minimum 18" in result.stderr
    assert not (tmp_path / "x.json").exists()


def _corpus_with_annotations(tmp_path):
    """The project's cases, each with keys of the corpus owner's (issue 23: tags, notes, source)."""
    corpus = tmp_path / "annotated"
    corpus.mkdir()
    for path in CASES:
        case = json.loads(path.read_text(encoding="utf-8"))
        case |= {"tags": ["review"], "source": "outside review", "x-reviewer": {"initials": "AB"}}
        (corpus / path.name).write_text(json.dumps(case), encoding="utf-8")
    return corpus


def test_extra_top_level_keys_are_ignored_and_reported_once(tmp_path):
    corpus = _corpus_with_annotations(tmp_path)
    result = run_cli("cases", "run", str(corpus))
    assert result.exit_code == 0, result.output
    assert f"{len(CASES)} cases: {len(CASES)} passed, 0 failed" in " ".join(result.stdout.split())
    said = " ".join(result.stdout.split())
    assert said.count("ignored (not part of a case)") == 1
    n = len(CASES)
    assert f"source ({n} files), tags ({n} files), x-reviewer ({n} files)" in said
    # `assess` reads such a case file too: "expected" marks it as a case
    assert run_cli("assess", str(next(corpus.glob("*.json")))).exit_code == 0


def test_a_case_missing_its_answers_is_still_invalid_with_extra_keys(tmp_path):
    corpus = tmp_path / "bad"
    corpus.mkdir()
    (corpus / "x.json").write_text(json.dumps({"id": "X", "expected": "walk-normally", "tags": []}), encoding="utf-8")
    result = run_cli("cases", "run", str(corpus))
    assert result.exit_code == 1 and 'needs "answers"' in result.stdout
