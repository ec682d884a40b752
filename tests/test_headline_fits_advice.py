"""The headline never names a place the advice under it rules out: where a possible clot or
infected joint sends the person to the emergency department or a same-day GP ("a minor
injuries unit is not the place"), the summary above it must not offer a minor injuries unit."""

from __future__ import annotations

from helpers import CASES, load_case

import triage
from triage.kb.load import load_knowledge_base

KB = load_knowledge_base()
RULED_OUT = "minor injuries unit"


def contradictions(assessment: triage.Assessment) -> list[str]:
    advised_against = "where-clot-or-infection" in {a.id for a in assessment.advice}
    if advised_against and RULED_OUT in assessment.disposition.summary.lower():
        return [f"{assessment.disposition.id}: {assessment.disposition.summary}"]
    return []


def test_no_shared_case_offers_a_minor_injuries_unit_next_to_advice_against_it():
    seen = 0
    for path in CASES:
        assessment = triage.assess(load_case(path)["answers"], kb=KB)
        seen += "where-clot-or-infection" in {a.id for a in assessment.advice}
        assert contradictions(assessment) == [], path.name
    assert seen, "no shared case reaches the clot-or-infection advice: the test would prove nothing"


def test_the_check_bites_without_the_headline():
    """A copy of the knowledge base without urgent-care-today's headlines shows the old summary."""
    plain = tuple(d._replace(headlines=()) if d.id == "urgent-care-today" else d for d in KB.dispositions)
    broken = KB._replace(dispositions=plain, disposition_by_id={d.id: d for d in plain})
    found = [
        c
        for path in CASES
        for c in contradictions(triage.assess(load_case(path)["answers"], kb=broken))
    ]
    assert found
