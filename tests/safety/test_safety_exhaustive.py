"""Exhaustive where it is small: every red-flag and history question alone at every value
(including "not sure"), and every pair of them at every pair of values, each over the
backgrounds of safety_support.BACKGROUNDS (no pain; osteoarthritis with pain; after an
injury). Properties 3, 4 and 5 are checked on every one of them.

All ~3^20 combinations are far too many; singles and pairs are complete. The enumeration
runs once per session, on all cores (experta takes about 10 ms per assessment).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from safety_support import (
    GRID_EXTRA,
    Case,
    canonical,
    domain,
    enumerate_red_flag_cases,
    normalise,
    violations_monotone,
    violations_red_flags,
    violations_unknown,
    worse_values,
)

from triage import assess, load_knowledge_base

KB = load_knowledge_base()


def _assess_chunk(chunk: list[dict[str, Any]]) -> list[tuple[int, list[str], list[str]]]:
    kb = load_knowledge_base()
    out = []
    for answers in chunk:
        result = assess(answers, kb=kb)
        out.append((result.urgency, violations_red_flags(kb, answers, result), violations_unknown(kb, answers, result)))
    return out


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def assess_all(answer_sets: list[dict[str, Any]]) -> list[tuple[int, list[str], list[str]]]:
    """Assess many answer sets, on every core (each worker compiles the engine once). The
    workers fork from a forkserver: forking pytest itself, which may have threads, can hang."""
    workers = min(os.cpu_count() or 1, 4)
    chunks = list(_chunks(answer_sets, 50))
    if workers == 1 or len(answer_sets) < 200:
        return [r for c in chunks for r in _assess_chunk(c)]
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        return [r for part in pool.imap(_assess_chunk, chunks) for r in part]


class Enumeration:
    def __init__(self) -> None:
        started = time.perf_counter()
        self.combinations, self.impossible = enumerate_red_flag_cases(KB)
        distinct = {canonical(c.answers): c for c in self.combinations}
        self.cases = list(distinct.values())
        results = assess_all([c.answers for c in self.cases])
        self.urgency = {canonical(c.answers): r[0] for c, r in zip(self.cases, results, strict=True)}
        self.red_flags = {canonical(c.answers): r[1] for c, r in zip(self.cases, results, strict=True)}
        self.unknown = {canonical(c.answers): r[2] for c, r in zip(self.cases, results, strict=True)}
        # Property 4: every change toward "worse" of a varied question, from every case.
        self.steps: list[tuple[Case, str, dict[str, Any]]] = []
        for case in self.combinations:
            for qid, _ in case.varied:
                if qid not in case.answers:
                    continue
                for value in worse_values(KB, qid, case.answers[qid]):
                    after = normalise(KB, {**case.answers, qid: value})
                    self.steps.append((case, f"{qid}: {case.answers[qid]!r} -> {value!r}", after))
        missing = list({canonical(a): a for _, _, a in self.steps if canonical(a) not in self.urgency}.values())
        for answers, result in zip(missing, assess_all(missing), strict=True):
            self.urgency[canonical(answers)] = result[0]
        self.extra = len(missing)
        self.seconds = time.perf_counter() - started


@pytest.fixture(scope="session")
def enumeration() -> Enumeration:
    return Enumeration()


def test_enumeration_is_complete_and_reported(enumeration: Enumeration, capsys: pytest.CaptureFixture) -> None:
    assert len(KB.red_flags) == 24 and len(KB.history_questions) == 5
    # every red-flag and history question appears at every value (None = "not sure") in every background
    for background in ("no-pain", "osteoarthritis-with-pain", "after-an-injury"):
        cases = [c.answers for c in enumeration.combinations if c.background == background]
        for qid in (*KB.red_flags, *KB.history_questions, *GRID_EXTRA):
            for value in domain(KB.question_by_id[qid], KB):
                assert any(qid in a and a[qid] == value and (a[qid] is None) == (value is None) for a in cases), (
                    background,
                    qid,
                    value,
                )
    assert len(enumeration.cases) > 2500
    with capsys.disabled():
        print(
            f"\n[exhaustive] {len(enumeration.combinations)} red-flag singles and pairs x 3 backgrounds "
            f"({enumeration.impossible} more cannot be asked together) = {len(enumeration.cases)} distinct "
            f"answer sets; {len(enumeration.steps)} monotone steps "
            f"({enumeration.extra} extra assessments), {enumeration.seconds:.1f} s"
        )


def test_p3_exhaustive_red_flags_never_missed(enumeration: Enumeration) -> None:
    failures = {key: v for key, v in enumeration.red_flags.items() if v}
    assert not failures, next(iter(failures.items()))


def test_p4_exhaustive_monotone(enumeration: Enumeration) -> None:
    failures = []
    for case, change, after in enumeration.steps:
        failures += violations_monotone(
            KB, case.answers, after, change, lambda a: enumeration.urgency[canonical(a)]
        ) and [(change, case.answers)]
    assert not failures, failures[:3]


def test_p5_exhaustive_unknown_is_never_no(enumeration: Enumeration) -> None:
    failures = {key: v for key, v in enumeration.unknown.items() if v}
    assert not failures, next(iter(failures.items()))


def test_grid_covers_the_new_policy_lines(enumeration: Enumeration) -> None:
    """The calf "not sure" x breathless pair and the falls x unsteady pair are in the grid,
    in every background, and get what dispositions.md asks."""
    for background in ("no-pain", "osteoarthritis-with-pain", "after-an-injury"):
        cases = [c for c in enumeration.combinations if c.background == background]
        unsure_calf = [c for c in cases if dict(c.varied) == {"calf_swelling": None, "breathless": True}]
        falls = [c for c in cases if dict(c.varied) == {"falls": "two-or-more", "balance_problems": True}]
        assert unsure_calf and falls, background
        assert all(enumeration.urgency[canonical(c.answers)] == 4 for c in unsure_calf)
        assert all(enumeration.urgency[canonical(c.answers)] >= 1 for c in falls)


def urgency_of(enumeration: Enumeration, background: str, varied: dict[str, Any]) -> list[int]:
    cases = [c for c in enumeration.combinations if c.background == background and dict(c.varied) == varied]
    assert cases, (background, varied)
    return [enumeration.urgency[canonical(c.answers)] for c in cases]


@pytest.mark.parametrize(
    ("varied", "urgency"),
    [
        ({"breathless": True}, 4),  # whatever the calf
        ({"breathless": None}, 3),
        ({"breathless_other": True}, 3),
        ({"breathless_other": True, "calf_pain": True}, 4),
        ({"breathless_other": True, "calf_swelling": None}, 4),
        ({"breathless_other": None, "calf_pain": None}, 3),
        ({"calf_pain": True}, 3),
        ({"calf_pain": None, "clot_risk": None}, 3),  # a history "not sure" counts as yes
        ({"calf_swelling": None, "pregnant": True}, 3),
        ({"calf_swelling": None, "knee_surgery": None}, 3),
        ({"foot_cold_numb": None}, 3),
        ({"can_bear_weight": None}, 3),
        ({"hot_recent": None, "infection_risk": None}, 3),  # warmth made asked: yes
        ({"blood_thinners": None, "swelling": "marked"}, 3),
        ({"blood_thinners": True, "swelling": None}, 3),
        ({"cancer_history": None, "rest_pain": True}, 2),
        ({"clot_risk": False}, 2),  # the calf "not sure" that asks it, no clot risk: a few days
        ({"clot_risk": None}, 3),  # "not sure" about a clot risk counts as one
        ({"blood_thinners": None}, 0),  # history alone raises nothing
        ({"cancer_history": True}, 0),
    ],
)
def test_grid_covers_the_1_2_lines(enumeration: Enumeration, varied: dict[str, Any], urgency: int) -> None:
    """Lines of dispositions.md 1.2, in the no-pain background: exactly the urgency asked."""
    assert set(urgency_of(enumeration, "no-pain", varied)) == {urgency}
