"""Differential test: the experta engine against the same knowledge base compiled to CLIPS.

Two engines, one rule base: every answers object must give the same disposition, the same
fired rules and the same findings. Cases: the exhaustive red-flag grid (singles and pairs
over every background, as test_safety_exhaustive) and N random valid answer sets
(tests/random_answers.py). A mutant shows the comparison can fail: CLIPS compiled from a
copy with one threshold moved disagrees with experta on the real rules.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from random_answers import random_answer_sets
from safety_support import Mutant, canonical, enumerate_red_flag_cases

from triage import assess, load_knowledge_base
from triage.kb.records import KnowledgeBase

clips_module = pytest.importorskip("triage.engine.clips", reason="clipspy: pip install -e '.[bench]'")
pytest.importorskip("clips", reason="clipspy: pip install -e '.[bench]'")

KB = load_knowledge_base()
RANDOM_CASES = int(os.environ.get("TRIAGE_ORACLE_CASES", "1000"))


def _differences(kb: KnowledgeBase, oracle_kb: KnowledgeBase, cases: list[dict[str, Any]]) -> list[str]:
    oracle = clips_module.ClipsEngine(oracle_kb)
    out = []
    for answers in cases:
        result = assess(answers, kb=kb)
        mine = (result.disposition.id, tuple(r.id for r in result.fired), result.findings)
        theirs = oracle.assess(result.answers)
        if mine != (theirs.disposition, theirs.fired, theirs.findings):
            out.append(f"{answers}\n  experta: {mine}\n  CLIPS:   {theirs}")
    return out


def test_clips_agrees_on_the_exhaustive_red_flag_grid() -> None:
    combos, _ = enumerate_red_flag_cases(KB)
    cases = list({canonical(c.answers): c.answers for c in combos}.values())
    assert len(cases) > 3000
    assert _differences(KB, KB, cases) == []


def test_clips_agrees_on_random_answer_sets() -> None:
    cases = random_answer_sets(KB, RANDOM_CASES, seed=2026)
    fired = {r.id for answers in cases for r in assess(answers).fired}
    assert len(fired) >= len(KB.rules) * 0.9, "the random cases should reach nearly every rule"
    assert _differences(KB, KB, cases) == []


def test_clips_oracle_catches_a_moved_threshold(tmp_path: Path) -> None:
    # Pain score "7 or more" moved to "8 or more" in the copy CLIPS is compiled from.
    mutant = Mutant(tmp_path).replace_in("rule", "SP-SEVERE-PAIN", "at_least = 7", "at_least = 8").load()
    cases = [answers for answers in random_answer_sets(KB, 300, seed=7) if answers.get("pain_score") == 7]
    assert cases
    assert _differences(KB, mutant, cases)
