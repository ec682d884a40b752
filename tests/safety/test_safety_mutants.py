"""Proof that the safety tests bite: each property fails on a deliberately broken copy of the
knowledge base (rules/ copied to a temporary folder, one thing changed as text, loaded with
load_knowledge_base), using the very same check functions as the property tests.

Each test also runs the same witnesses on the real knowledge base, where they must pass:
the failure comes from the mutation, not from the witness.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from safety_support import (
    BACKGROUNDS,
    Mutant,
    answers_with_unsure,
    citation_problems,
    first_violation,
    normalise,
    one_change_cases,
    violations_backward_walking,
    violations_contradictions,
    violations_deterministic,
    violations_history,
    violations_monotone,
    violations_red_flags,
    violations_safety_net,
    violations_texts,
    violations_total,
    violations_traceable,
    violations_unknown,
    violations_waiting,
    violations_words,
    with_answer,
    worse_steps,
)

from triage import assess, load_knowledge_base
from triage.engine.engine import TriageEngineBase
from triage.kb.records import KnowledgeBase

REAL = load_knowledge_base()
Check = Callable[[KnowledgeBase, Mapping[str, Any]], list[str]]


def witnesses(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The backgrounds, and each question changed alone to each of its values (~500 sets)."""
    return list(one_change_cases(kb))


def assert_bites(mutant: KnowledgeBase, check: Check, cases: list[dict[str, Any]] | None = None) -> str:
    """``check`` finds a violation on the mutant, and none on the real knowledge base."""
    cases = cases if cases is not None else witnesses(REAL)
    found = first_violation(mutant, check, cases)
    assert found is not None, "the property did not catch the broken knowledge base"
    answers, problems = found
    assert check(REAL, answers) == [], "the witness fails on the real knowledge base too"
    return f"{problems} for {answers}"


# --- 1. Total -----------------------------------------------------------------------------------


def test_p1_bites_floor_off_the_ladder(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("rule", "RF-DISLOCATION", 'floor = "emergency"', 'floor = "ambulance"').load()
    assert_bites(mutant, violations_total)


def test_p1_bites_disposition_removed_from_ladder(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).edit_block("disposition", "see-a-doctor-soon", lambda block: "").load()
    assert_bites(mutant, violations_total)


# --- 2. Deterministic ---------------------------------------------------------------------------


def test_p2_bites_engine_not_reset_between_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule language cannot express an order-dependent rule (rules only add facts and raise
    floors), so the breakage is in the engine: working memory kept from case to case."""
    kb = Mutant(tmp_path).load()  # an unchanged copy: its own engine, its own history
    original = TriageEngineBase.reset
    done: set[int] = set()

    def reset_once(self: TriageEngineBase) -> None:
        if id(self) not in done:
            done.add(id(self))
            original(self)

    monkeypatch.setattr(TriageEngineBase, "reset", reset_once)
    background = normalise(kb, BACKGROUNDS["no-pain"])
    assess(with_answer(kb, background, "deformity", True), kb=kb)  # an earlier case, in the same process
    assert violations_deterministic(kb, background)
    monkeypatch.undo()
    assert violations_deterministic(REAL, background) == []


# --- 3. Red flags never missed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule_id",
    [
        *(
            "RF-CALF",
            "RF-DISLOCATION",
            "INJ-OTTAWA-XRAY",
            "INJ-POP-OR-RAPID-SWELLING",
            "RF-NIGHT-PAIN",
            "SP-PAIN-WORSENS",
        ),
        *("RF-BREATHLESS-SEVERE", "RF-BREATHLESS-NEW", "RF-BREATHLESS-UNSURE", "RF-EMERGENCY-SIGN-UNSURE"),
        "RF-CANNOT-BEAR-WEIGHT",
    ],
)
def test_p3_bites_red_flag_rule_removed(tmp_path: Path, rule_id: str) -> None:
    assert_bites(Mutant(tmp_path).remove_rule(rule_id).load(), violations_red_flags)


def _pair(background: str, first: tuple[str, Any], second: tuple[str, Any]) -> dict[str, Any]:
    answers = with_answer(REAL, normalise(REAL, BACKGROUNDS[background]), *first)
    assert answers is not None
    answers = with_answer(REAL, answers, *second)
    assert answers is not None
    return answers


@pytest.mark.parametrize(
    ("rule_id", "first", "second"),
    [
        ("RF-HOT-SWOLLEN", ("warmth", True), ("swelling", "mild")),
        ("RF-FEVER-INFLAMED", ("fever", True), ("redness", True)),
        ("RF-FEVER-NEW-PAIN", ("fever", True), ("injury", True)),
        ("RF-POST-SURGERY", ("knee_surgery", "replacement"), ("fever", True)),
        ("RF-CLOT-LUNG", ("calf_pain", True), ("breathless_other", True)),
        # 1.2 rules on two answers together (a new rule, or a red flag with a history answer)
        ("RF-CALF-UNSURE-CLOT-RISK", ("calf_pain", None), ("clot_risk", True)),
        ("RF-CALF-UNSURE-CLOT-RISK", ("calf_swelling", None), ("pregnant", True)),
        ("RF-BREATHLESS-NEW-UNSURE-CALF", ("breathless_other", None), ("calf_pain", None)),
        ("RF-INFECTION-RISK", ("hot_recent", True), ("infection_risk", True)),
        ("RF-BLEED-RISK", ("blood_thinners", True), ("swelling", "marked")),
        ("RF-BLEED-RISK", ("blood_thinners", None), ("swelling", "mild")),  # after an injury in the last 7 days
        ("RF-CANCER-REST-PAIN", ("cancer_history", True), ("rest_pain", True)),
        ("SP-REPLACED-KNEE", ("knee_surgery", "replacement"), ("pain_score", 4)),
        ("INJ-POP-LATER", ("injury_days_ago", 20), ("injury_pop", True)),
        ("TX-FAILED-SEVERE", ("treatment_tried", "not-helping"), ("walking_tolerance", "under-10-min")),
        ("SP-FALLS", ("falls", "one"), ("balance_problems", True)),
    ],
)
def test_p3_bites_combination_rule_removed(
    tmp_path: Path, rule_id: str, first: tuple[str, Any], second: tuple[str, Any]
) -> None:
    """Rules on two answers together: the witnesses are pairs (as in the exhaustive enumeration)."""
    cases = [_pair(b, first, second) for b in BACKGROUNDS]
    assert_bites(Mutant(tmp_path).remove_rule(rule_id).load(), violations_red_flags, cases)


@pytest.mark.parametrize(
    "rule_id",
    [
        *("RF-DISLOCATION", "RF-BREATHLESS-SEVERE", "RF-LOCKED", "RF-GIVING-WAY-OFTEN", "RF-UNSURE", "SP-SEVERE-PAIN"),
        *("RF-BREATHLESS-NEW", "RF-BREATHLESS-UNSURE", "RF-EMERGENCY-SIGN-UNSURE", "RF-CALF"),
    ],
)
def test_p3_bites_floor_lowered_one_step(tmp_path: Path, rule_id: str) -> None:
    assert_bites(Mutant(tmp_path).lower_floor(rule_id).load(), violations_red_flags)


def test_p3_bites_falls_rule_removed(tmp_path: Path) -> None:
    """Mutant (issue 8): the falls rule removed; two falls in a year then stay at self-care."""
    found = assert_bites(Mutant(tmp_path).remove_rule("SP-FALLS").load(), violations_red_flags)
    assert "falls" in found


UNSURE_CALF_BREATHLESS = [_pair(b, ("calf_swelling", None), ("breathless_other", True)) for b in BACKGROUNDS]
BREATHLESS_ONLY = [with_answer(REAL, normalise(REAL, b), "breathless", True) for b in BACKGROUNDS.values()]


def test_p3_bites_breathless_back_behind_the_calf(tmp_path: Path) -> None:
    """Mutant (1.2): `breathless` asked only after a swollen or unsure calf, as in 1.1. An
    answer to it with a calf that is fine is then ignored as "not asked", and the ambulance
    is missed."""

    def behind_the_calf(block: str) -> str:
        return block.replace(
            'type = "boolean"\n',
            'type = "boolean"\nasked_when = [{ q = "calf_swelling", is = true, or_unsure = true }]\n',
        )

    mutant = Mutant(tmp_path).edit_block("question", "breathless", behind_the_calf).load()
    found = assert_bites(mutant, violations_red_flags, BREATHLESS_ONLY)
    assert "emergency" in found


def test_p3_bites_clot_rule_ignores_an_unsure_calf(tmp_path: Path) -> None:
    old = '{ q = "calf_swelling", is = true, or_unsure = true }, { q = "breathless_other", is = true }'
    new = '{ q = "calf_swelling", is = true }, { q = "breathless_other", is = true }'
    mutant = Mutant(tmp_path).replace_in("rule", "RF-CLOT-LUNG", old, new).load()
    assert_bites(mutant, violations_red_flags, UNSURE_CALF_BREATHLESS)


def _every(old: str, new: str) -> Callable[[str], str]:
    def edit(block: str) -> str:
        assert old in block, old
        return block.replace(old, new)

    return edit


@pytest.mark.parametrize(
    ("rule_id", "old", "new", "first", "second"),
    [
        # a history "not sure" counted as "no"
        (
            "RF-CALF-UNSURE-CLOT-RISK", '{ q = "clot_risk", is = true, or_unsure = true }',
            '{ q = "clot_risk", is = true }', ("calf_pain", None), ("clot_risk", None),
        ),
        (
            "RF-BLEED-RISK", '{ q = "blood_thinners", is = true, or_unsure = true }',
            '{ q = "blood_thinners", is = true }', ("blood_thinners", None), ("swelling", None),
        ),
        (
            "RF-INFECTION-RISK", '{ q = "infection_risk", is = true, or_unsure = true }',
            '{ q = "infection_risk", is = true }', ("hot_recent", True), ("infection_risk", None),
        ),
        (
            "RF-CANCER-REST-PAIN", '{ q = "cancer_history", is = true, or_unsure = true }',
            '{ q = "cancer_history", is = true }', ("cancer_history", None), ("rest_pain", True),
        ),
        # a red-flag "not sure" of the complete list (answers.md, Unknowns) counted as "no"
        (
            "RF-CANNOT-BEAR-WEIGHT", "is = false, or_unsure = true", "is = false",
            ("can_bear_weight", None), ("calf_swelling", False),
        ),
        (
            "RF-HOT-SWOLLEN", 'in = ["mild", "marked", "severe"], or_unsure = true',
            'in = ["mild", "marked", "severe"]', ("warmth", True), ("swelling", None),
        ),
        (
            "RF-CALF-UNSURE-CLOT-RISK", 'in = ["recent"], or_unsure = true', 'in = ["recent"]',
            ("calf_swelling", None), ("knee_surgery", None),
        ),
        (
            "RF-INFECTION-RISK", '{ q = "hot_recent", is = true, or_unsure = true }', '{ q = "hot_recent", is = true }',
            ("hot_recent", None), ("infection_risk", True),
        ),
    ],
)  # fmt: skip
def test_p3_bites_not_sure_counted_as_no(
    tmp_path: Path, rule_id: str, old: str, new: str, first: tuple[str, Any], second: tuple[str, Any]
) -> None:
    """Mutants (1.2): each "not sure counts as yes" of answers.md, dropped from its rule."""
    cases = [_pair(b, first, second) for b in BACKGROUNDS]
    assert_bites(Mutant(tmp_path).edit_block("rule", rule_id, _every(old, new)).load(), violations_red_flags, cases)


def test_p3_bites_ottawa_not_sure_counted_as_no(tmp_path: Path) -> None:
    old = '{ q = "tender_kneecap", is = true, or_unsure = true }'
    mutant = Mutant(tmp_path).replace_in("rule", "DER-OTTAWA", old, '{ q = "tender_kneecap", is = true }').load()
    injured = normalise(REAL, BACKGROUNDS["after-an-injury"])
    cases = [with_answer(REAL, injured, "tender_kneecap", None)]
    assert_bites(mutant, violations_red_flags, cases)


# --- 4. Monotone --------------------------------------------------------------------------------


def monotone_check(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[str]:
    """Property 4 from one answer set: every single change toward "worse" (fills: least worrying)."""
    problems: list[str] = []
    for qid, value in worse_steps(kb, answers):
        after = normalise(kb, {**answers, qid: value})
        problems += violations_monotone(
            kb, answers, after, f"{qid}: {answers[qid]!r} -> {value!r}", lambda a: assess(a, kb=kb).urgency
        )
    return problems


def test_p4_bites_true_locking_rule_removed(tmp_path: Path) -> None:
    """Without RF-LOCKED, "catches" (see-a-professional) -> "stuck" (nothing) lowers the urgency."""
    mutant = Mutant(tmp_path).remove_rule("RF-LOCKED").load()
    cases = [with_answer(REAL, normalise(REAL, b), "locking", "catches") for b in BACKGROUNDS.values()]
    assert "lowers the urgency" in assert_bites(mutant, monotone_check, cases)


def test_p4_bites_severe_swelling_floor_below_marked(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).lower_floor("RF-SEVERE-SWELLING").lower_floor("RF-SEVERE-SWELLING").load()
    cases = [with_answer(REAL, normalise(REAL, b), "swelling", "marked") for b in BACKGROUNDS.values()]
    assert "lowers the urgency" in assert_bites(mutant, monotone_check, cases)


# --- 5. Unknown is never "no" ---------------------------------------------------------------------


def test_p5_bites_not_sure_rule_removed(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).remove_rule("RF-UNSURE").load()
    assert_bites(mutant, violations_unknown)


def test_p5_bites_hypothesis_finds_a_readable_counterexample(tmp_path: Path) -> None:
    """The generator itself finds the broken rule base, and shrinks to a small example."""
    mutant = Mutant(tmp_path).remove_rule("RF-UNSURE").load()
    example = find(
        answers_with_unsure(REAL),
        lambda answers: bool(violations_unknown(mutant, answers)),
        settings=settings(
            max_examples=300, database=None, deadline=None, suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink],
        ),
    )  # fmt: skip
    assert violations_unknown(REAL, example) == []
    assert [q for q in REAL.red_flags if q in example and example[q] is None]
    print("shrunk counterexample:", example)


# --- 6. Backward walking only when safe ----------------------------------------------------------


def _near_oa() -> list[dict[str, Any]]:
    base = normalise(REAL, BACKGROUNDS["osteoarthritis-with-pain"])
    return [a for a in one_change_cases(REAL) if all(a.get(k) == base[k] for k in ("age", "oa_diagnosed"))]


def test_p6_bites_fall_risk_condition_dropped(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("rule", "SC-BACKWARD-WALKING", '{ finding = "no-fall-risk" }, ', "").load()
    assert "fall risk" in assert_bites(mutant, violations_backward_walking, _near_oa())


def test_p6_bites_one_fall_risk_item_dropped(tmp_path: Path) -> None:
    def drop_balance(block: str) -> str:
        return block.replace('{ q = "balance_problems", is = false },', "")

    mutant = Mutant(tmp_path).edit_block("rule", "DER-NO-FALL-RISK", drop_balance).load()
    assert_bites(mutant, violations_backward_walking, _near_oa())


def test_p6_bites_supervision_dropped(tmp_path: Path) -> None:
    mutant = (
        Mutant(tmp_path)
        .replace_in("rule", "SC-BACKWARD-WALKING", ', { q = "supervision_available", is = true }', "")
        .load()
    )
    assert_bites(mutant, violations_backward_walking, _near_oa())


def test_p6_bites_safety_advice_lost(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "backward-walking", "indoors, slowly, ", "").load()
    assert_bites(mutant, violations_backward_walking, _near_oa()[:1])


# --- 7. No contradictions ---------------------------------------------------------------------


def test_p7_bites_keep_walking_at_higher_urgency(tmp_path: Path) -> None:
    """keep-walking given by a rule that fires for everyone, and allowed at any urgency."""
    mutant = (
        Mutant(tmp_path)
        .replace_in("advice", "keep-walking", "max_urgency = 0", "max_urgency = 4")
        .replace_in("rule", "WN-KEEP-KNEES-WELL", '["strengthen-legs"]', '["strengthen-legs", "keep-walking"]')
        .load()
    )
    assert "keep walking" in assert_bites(mutant, violations_contradictions)


def test_p7_bites_exercise_advice_when_urgent(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "strengthen-legs", "max_urgency = 1", "max_urgency = 3").load()
    assert "exercise advice" in assert_bites(mutant, violations_contradictions)


def test_p7_bites_shoes_advice_for_cushioned_shoes(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "shoes", 'unless = [{ q = "footwear", in = ["supportive"] }]\n', "")
    assert "habit already right" in assert_bites(mutant.load(), violations_contradictions)


def test_p7_bites_high_impact_advice_for_no_sport(tmp_path: Path) -> None:
    old = 'unless = [{ q = "high_impact_sport", is = false }]\n'
    mutant = Mutant(tmp_path).replace_in("advice", "avoid-high-impact", old, "").load()
    assert "high_impact_sport" in assert_bites(mutant, violations_contradictions)


def test_p7_bites_no_balance_advice_with_a_fall(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("rule", "DER-FALL-RISK", 'advice = ["strength-and-balance"]', "").load()
    assert "strength-and-balance" in assert_bites(mutant, violations_contradictions)


def test_p7_bites_no_falls_assessment_advice(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("rule", "SP-FALLS", 'advice = ["falls-assessment"]\n', "").load()
    assert "falls assessment" in assert_bites(mutant, violations_contradictions)


def test_p7_bites_walking_aid_without_severe_pain(tmp_path: Path) -> None:
    old = 'advice = ["strengthen-legs", "heat-before-walking", "ice-after"]'
    new = 'advice = ["strengthen-legs", "heat-before-walking", "ice-after", "walking-aid"]'
    mutant = Mutant(tmp_path).replace_in("rule", "SC-OA-EXERCISE", old, new).load()
    assert "severe pain" in assert_bites(mutant, violations_contradictions)


def _urgent_with_self_care() -> list[dict[str, Any]]:
    """Urgent results (cannot take four steps; a stuck knee) where self-care rules also fire."""
    cases = []
    for name in ("osteoarthritis-with-pain", "after-an-injury"):
        for qid, value in (("can_bear_weight", False), ("locking", "stuck")):
            answers = with_answer(REAL, normalise(REAL, BACKGROUNDS[name]), qid, value)
            assert answers is not None and assess(answers, kb=REAL).urgency >= 3
            cases.append(answers)
    return cases


def test_p7_bites_self_care_reason_shown_when_urgent(tmp_path: Path) -> None:
    """A self-care rule ("walking keeps the joints moving") allowed at any urgency: the report
    shows its reason at urgency 3."""
    mutant = Mutant(tmp_path).replace_in("rule", "WN-KEEP-KNEES-WELL", "max_urgency = 2", "max_urgency = 4").load()
    assert "report" in assert_bites(mutant, violations_texts, _urgent_with_self_care())


def test_p7_bites_walking_words_in_the_urgent_advice(tmp_path: Path) -> None:
    old = "Until you are seen, rest the knee."
    new = "Until you are seen, keep walking gently."
    mutant = Mutant(tmp_path).replace_in("advice", "urgent-care-today", old, new).load()
    assert "keep walking" in assert_bites(mutant, violations_texts, _urgent_with_self_care())


def test_p7_bites_every_fired_rule_shown_as_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken copy of the library: "Why" lists every rule with a floor (as before issue 8),
    so an urgent result says "walking helps knee pain ... build up gradually"."""
    from triage.assessment import Assessment

    cases = _urgent_with_self_care()
    assert all(violations_texts(REAL, a) == [] for a in cases)
    monkeypatch.setattr(Assessment, "reasons", property(lambda self: tuple(r for r in self.fired if r.floor)))
    found = first_violation(REAL, violations_texts, cases)
    assert found is not None and any("does not set" in p for p in found[1])
    assert any("build up" in p or "Walking helps" in p for p in found[1])


def test_p7_bites_self_care_rules_shown_at_any_urgency(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken copy of the library: Assessment.shows ignores max_urgency, so `explain --all`
    and the report list the self-care rules and their sources at urgency 3."""
    from triage.assessment import Assessment

    cases = _urgent_with_self_care()
    monkeypatch.setattr(Assessment, "shows", lambda self, rule: True)
    found = first_violation(REAL, violations_texts, cases)
    assert found is not None and any(p.startswith(("explain --all", "report")) for p in found[1])


def test_p7_bites_walk_normally_with_a_red_flag(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).remove_rule("SP-MECHANICAL").load()
    assert "walk-normally" in assert_bites(mutant, violations_contradictions)


# --- 8. Traceable --------------------------------------------------------------------------------


def test_p8_bites_citation_removed(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).set_cite("rule", "RF-CALF", "cite = []").load()
    assert "cites no source" in assert_bites(mutant, violations_traceable)


def test_p8_bites_advice_citation_removed(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).set_cite("advice", "see-doctor-soon", "cite = []").load()
    assert "cites no source" in assert_bites(mutant, violations_traceable)


def test_p8_bites_quote_altered(tmp_path: Path) -> None:
    mutant = (
        Mutant(tmp_path)
        .replace_in("rule", "RF-GIVING-WAY-OFTEN", "frequent knee buckling", "frequent knee buckles")
        .load()
    )
    assert "quote not found" in assert_bites(mutant, violations_traceable)


def test_p8_bites_unknown_source(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("rule", "RF-CALF", 'source = "S7"', 'source = "S77"').load()
    assert "unknown source" in assert_bites(mutant, violations_traceable)


def test_p8_bites_article_text_changed(tmp_path: Path) -> None:
    """The quote is checked against the document itself: editing the article breaks it."""
    m = Mutant(tmp_path)
    article = m.root / REAL.sources["activ-physio"].file
    text = article.read_text(encoding="utf-8")
    assert "frequent knee buckling" in text
    article.write_text(text.replace("frequent knee buckling", "frequent buckling"), encoding="utf-8")
    mutant = m.load()
    problems = [p for r in mutant.rules for p in citation_problems(mutant, f"rule {r.id}", r.cite)]
    assert any("RF-GIVING-WAY-OFTEN" in p and "quote not found" in p for p in problems)


# --- 1.2: properties 11 to 14, and each new advice exclusion ------------------------------------


def _with(background: str, **changes: Any) -> dict[str, Any]:
    answers = normalise(REAL, BACKGROUNDS[background])
    for qid, value in changes.items():
        answers = with_answer(REAL, answers, qid, value)
        assert answers is not None, qid
    return answers


def test_p11_bites_a_safety_net_that_points_down(tmp_path: Path) -> None:
    """The physiotherapist tier shown at every level, as in 1.1."""
    mutant = Mutant(tmp_path).replace_in("advice", "safety-net-physio", "max_urgency = 0", "max_urgency = 4")
    mutant.replace_in("advice", "safety-net-physio", 'points_to = "see-a-professional"\n', "")
    assert "not above urgency" in assert_bites(mutant.load(), violations_safety_net)


def test_p11_bites_a_lower_tier_at_emergency(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "safety-net-today", "max_urgency = 2", "max_urgency = 4")
    mutant.replace_in("advice", "safety-net-today", 'points_to = "urgent-care-today"\n', "")
    assert "at emergency" in assert_bites(mutant.load(), violations_safety_net)


def test_p9_bites_no_while_waiting_at_emergency(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "safety-net-while-waiting", "min_urgency = 4", "min_urgency = 5")
    mutant.replace_in("advice", "safety-net-while-waiting", "max_urgency = 4", "max_urgency = 5")
    assert "999 again" in assert_bites(mutant.load(), violations_safety_net)


def test_p13_bites_heat_without_the_hot_knee_exclusion(tmp_path: Path) -> None:
    old = '  [{ q = "warmth", is = true, or_unsure = true }],\n'
    mutant = Mutant(tmp_path).replace_in("advice", "heat-before-walking", old, "")
    mutant.replace_in("advice", "heat-before-walking", "max_urgency = 1", "max_urgency = 2")
    cases = [_with("osteoarthritis-with-pain", warmth=True)]
    assert "heat advice" in assert_bites(mutant.load(), violations_waiting, cases)


def test_p13_bites_heat_after_a_fresh_injury(tmp_path: Path) -> None:
    fresh = '  [{ q = "injury_days_ago", at_most = 7 }],\n'
    mutant = Mutant(tmp_path).replace_in("advice", "heat-before-walking", fresh, "")
    assert "heat advice" in assert_bites(mutant.load(), violations_waiting, [_with("after-an-injury")])


def test_p13_bites_ice_with_a_numb_foot(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "ice-after", '  [{ q = "numb_feet", is = true }],\n', "")
    cases = [_with("osteoarthritis-with-pain", numb_feet=True)]
    assert "ice advice" in assert_bites(mutant.load(), violations_waiting, cases)


def test_p13_bites_build_up_at_urgency_1(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "pace", "max_urgency = 0", "max_urgency = 1").load()
    cases = [_with("osteoarthritis-with-pain", walking_effect="sharp-or-worsening")]
    assert "build up" in assert_bites(mutant, violations_waiting, cases)


def test_p13_bites_exercise_at_urgency_2(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("advice", "strengthen-legs", "max_urgency = 1", "max_urgency = 2").load()
    cases = [_with("osteoarthritis-with-pain", giving_way="often")]
    assert "urgency 2" in assert_bites(mutant, violations_waiting, cases)


def test_p13_bites_weight_advice_in_pregnancy(tmp_path: Path) -> None:
    unless = 'unless = [{ q = "pregnant", is = true, or_unsure = true }]\n'
    mutant = Mutant(tmp_path).replace_in("advice", "weight", unless, "")
    mutant.replace_in("rule", "DER-BMI-OBESE", ', { finding = "not-pregnant" }', "")
    answers = {**normalise(REAL, BACKGROUNDS["no-pain"]), "age": 30, "sex": "female", "height_cm": 160, "weight_kg": 90}
    cases = [normalise(REAL, {**answers, "pregnant": True})]
    assert "weight advice" in assert_bites(mutant.load(), violations_waiting, cases)


def test_p13_bites_medicine_advice(tmp_path: Path) -> None:
    old = 'text = "Before a walk, a warm compress on the knee can loosen it."'
    new = 'text = "Before a walk, take paracetamol and use a warm compress on the knee."'
    mutant = Mutant(tmp_path).replace_in("advice", "heat-before-walking", old, new).load()
    assert "medicine advice" in assert_bites(mutant, violations_waiting)


def test_p13_bites_backward_walking_in_pregnancy(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).replace_in("rule", "SC-BACKWARD-WALKING", '  { finding = "not-pregnant" }, ', "  ").load()
    base = {**normalise(REAL, BACKGROUNDS["osteoarthritis-with-pain"]), "age": 50, "sex": "female"}
    cases = [normalise(REAL, {**base, "pregnant": None})]
    assert "pregnancy" in assert_bites(mutant, violations_waiting, cases)


def test_p13_bites_no_head_injury_line_on_blood_thinners(tmp_path: Path) -> None:
    mutant = Mutant(tmp_path).remove_rule("DER-FALLS-ON-BLOOD-THINNERS").load()
    cases = [_with("osteoarthritis-with-pain", blood_thinners=None, falls="one")]
    assert "head-injury" in assert_bites(mutant, violations_waiting, cases)


def test_p14_bites_rest_from_walks_that_do_not_hurt(tmp_path: Path) -> None:
    """The 1.1 headline at see-a-professional, whatever walking does."""
    old = 'title = "Book a physiotherapist or GP in the next 1 to 2 weeks"'
    new = 'title = "Rest from the walks that hurt and book a physiotherapist or GP"'
    mutant = Mutant(tmp_path).replace_in("disposition", "see-a-professional", old, new).load()
    cases = [_with("no-pain", falls="two-or-more", balance_problems=True)]
    assert "walks that hurt" in assert_bites(mutant, violations_words, cases)


def test_p12_bites_history_alone_raising(tmp_path: Path) -> None:
    """A rule on a history answer alone (blood thinners, without swelling) is caught."""
    old = (
        '  [{ q = "blood_thinners", is = true, or_unsure = true }, '
        '{ q = "swelling", in = ["marked", "severe"], or_unsure = true }],\n'
    )
    new = '  [{ q = "blood_thinners", is = true, or_unsure = true }],\n'
    mutant = Mutant(tmp_path).replace_in("rule", "RF-BLEED-RISK", old, new).load()
    assert "alone" in assert_bites(mutant, violations_history)


def test_p12_bites_history_not_sure_read_as_no(tmp_path: Path) -> None:
    """"Not sure" counted as "no" where "yes" raises: replacing it by "yes" changes the result."""
    old = '{ q = "clot_risk", is = true, or_unsure = true }'
    edit = lambda block: block.replace(old, '{ q = "clot_risk", is = true }')  # noqa: E731
    mutant = Mutant(tmp_path).edit_block("rule", "RF-CALF-UNSURE-CLOT-RISK", edit).load()
    cases = [_with("no-pain", calf_pain=None, clot_risk=None)]
    assert "not sure -> yes" in assert_bites(mutant, violations_history, cases)
