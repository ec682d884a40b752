"""`triage rules check` (check_knowledge_base) fails on a broken knowledge base: a dangling
finding reference, a missing citation, an altered quote, an unknown question or value."""

from __future__ import annotations

from pathlib import Path

import pytest
from safety_support import Mutant

from triage import load_knowledge_base
from triage.governance.check import check_knowledge_base


def test_check_never_passes_an_unknown_question(tmp_path: Path) -> None:
    """An unknown question is listed as a problem (it once raised KeyError in the reachability pass)."""
    kb = Mutant(tmp_path).replace_in("rule", "RF-FEVER", '{ q = "fever", is = true }', '{ q = "feverish", is = true }')
    assert check_knowledge_base(kb.load())


def test_real_knowledge_base_is_clean() -> None:
    assert check_knowledge_base(load_knowledge_base()) == []


@pytest.mark.parametrize(
    ("kind", "ident", "old", "new", "expected"),
    [
        ("rule", "INJ-OTTAWA-XRAY", '{ finding = "ottawa-positive" }', '{ finding = "ottawa-positiv" }',
         "finding 'ottawa-positiv' is concluded by no rule"),
        ("rule", "RF-LOCKED", 'in = ["stuck"]', 'in = ["stuk"]', "are not values of this question"),
        ("rule", "RF-FEVER", '{ q = "fever", is = true }', '{ q = "feverish", is = true }',
                     "unknown question 'feverish'"),
        ("rule", "RF-GIVING-WAY-OFTEN", "frequent knee buckling", "frequent knee buckles", "quote not found"),
        ("rule", "RF-CALF", 'source = "S7"', 'source = "S77"', "cites unknown source 'S77'"),
        ("rule", "RF-CALF", 'floor = "urgent-care-today"', 'floor = "urgent"', "floor 'urgent' is not on the ladder"),
        ("rule", "SP-SEVERE-PAIN", 'advice = ["walking-aid"]', 'advice = ["walking-stick"]',
         "unknown advice 'walking-stick'"),
        ("question", "clot_risk", '{ q = "calf_swelling", unsure = true }', '{ q = "calf_swollen", unsure = true }',
                     "not an earlier question"),
        ("advice", "shoes", 'in = ["supportive"]', 'in = ["cushioned"]', "unless: footwear: ['cushioned']"),
        ("advice", "shoes", '{ q = "footwear", in = ["supportive"] }', '{ derived = "bmi", at_least = 30 }',
         "unless: only answers and findings can be tested"),
        ("advice", "shoes", '{ q = "footwear", in = ["supportive"] }', '{ finding = "no-such-finding" }',
         "unless: finding 'no-such-finding' is concluded by no rule"),
        ("rule", "SP-FALLS", 'floor = "see-a-professional"', 'floor = "see-a-professional"\nmax_urgency = 0',
         "max_urgency 0 is below the urgency of its own floor"),
        ("rule", "WC-SLOPES", "max_urgency = 2", "max_urgency = 7", "max_urgency 7 is off the ladder"),
    ],
)  # fmt: skip
def test_check_reports_a_broken_reference(
    tmp_path: Path, kind: str, ident: str, old: str, new: str, expected: str
) -> None:
    kb = Mutant(tmp_path).replace_in(kind, ident, old, new).load()
    problems = check_knowledge_base(kb)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(("kind", "ident"), [("rule", "RF-DISLOCATION"), ("advice", "call-ambulance")])
def test_check_reports_a_missing_citation(tmp_path: Path, kind: str, ident: str) -> None:
    kb = Mutant(tmp_path).set_cite(kind, ident, "cite = []").load()
    assert any(ident in p and "cites no source" in p for p in check_knowledge_base(kb))


def test_check_reports_an_article_quote_without_a_quote(tmp_path: Path) -> None:
    kb = (
        Mutant(tmp_path)
        .set_cite("rule", "RF-RED-OR-HOT", 'cite = [{ source = "activ-physio", locator = "somewhere" }]')
        .load()
    )
    assert any("RF-RED-OR-HOT" in p and "without a quote" in p for p in check_knowledge_base(kb))


def test_check_reports_a_rule_that_can_never_fire(tmp_path: Path) -> None:
    kb = Mutant(tmp_path).replace_in("rule", "SP-SEVERE-PAIN", "at_least = 7", "at_least = 11").load()
    assert any("SP-SEVERE-PAIN" in p and "can never fire" in p for p in check_knowledge_base(kb))
