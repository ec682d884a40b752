"""The command line: text output, explain, rules list/show/check, python -m triage."""

from __future__ import annotations

import subprocess
import sys

from helpers import CASES, base_answers, run_cli

from triage import load_knowledge_base


def case_path(stem: str) -> str:
    return str(next(p for p in CASES if p.stem == stem))


def test_assess_text_shows_disposition_advice_reasons_and_safety_net():
    result = run_cli("assess", case_path("V38"))
    assert result.exit_code == 0  # an assessment was made, whatever the urgency
    out = result.stdout
    assert "GET SEEN TODAY" in out
    assert "What to do now:" in out and "Why:" in out and "Get help if:" in out
    assert "RF-LOCKED" in out
    assert "not a diagnosis" in out
    assert "\x1b[" not in out  # no colour codes when not on a terminal


def test_explain_ends_in_answers():
    result = run_cli("explain", case_path("V36"))
    assert result.exit_code == 0
    out = " ".join(result.stdout.replace("|", " ").split())  # wrapped to 80 columns: joined up again
    assert "INJ-OTTAWA-XRAY" in out and "finding: ottawa-positive" in out
    assert "DER-OTTAWA" in out
    assert 'you answered "no" to: Can you take four steps on that leg, even with a limp? [can_bear_weight]' in out
    assert "source S12a" in out


def test_explain_walk_normally_says_nothing_raised_it():
    result = run_cli("explain", "-", input=__import__("json").dumps(base_answers()))
    assert "No rule raised the result" in result.stdout


def test_rules_list_show_check():
    kb = load_knowledge_base()
    listing = run_cli("rules", "list").stdout
    assert all(rule.id in listing for rule in kb.rules)
    shown = run_cli("rules", "show", "RF-DISLOCATION")
    assert shown.exit_code == 0
    assert "deformity is true" in shown.stdout and "emergency" in shown.stdout and "S10c" in shown.stdout
    missing = run_cli("rules", "show", "NOPE")
    assert missing.exit_code == 2
    check = run_cli("rules", "check")
    assert check.exit_code == 0 and check.stdout.startswith("ok:")


def test_python_dash_m_triage():
    result = subprocess.run(
        [sys.executable, "-m", "triage", "assess", case_path("V01"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and '"walk-normally"' in result.stdout
