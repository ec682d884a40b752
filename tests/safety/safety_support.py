"""Safety properties of the rule base (../shared/spec/safety.md), as plain check functions.

Each ``check_*`` / ``violations_*`` function returns a list of violations (empty = the
property holds). They are used three ways, with the very same code:

- by the hypothesis tests, on answers generated from the real questions (``answer_sets``);
- by the exhaustive enumeration of red-flag singles and pairs (``enumerate_red_flag_cases``);
- by the mutant tests, on deliberately broken copies of the knowledge base (``mutant_kb``),
  to show that each property can fail.

The expected floors come from ``POLICY``: a small table written here from
../shared/spec/dispositions.md, independent of the rule base's own conditions.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from triage import assess, load_knowledge_base
from triage.answers import AnswersError, validate
from triage.assessment import Assessment, build_assessment, engine_for
from triage.engine.engine import compile_engine_class
from triage.kb.conditions import condition_holds
from triage.kb.paths import rules_dir
from triage.kb.records import KnowledgeBase, Question

Answers = dict[str, Any]
_MISSING = object()

# --- the independent policy (dispositions.md), written without the rule base ------------------

URGENCY = {
    "walk-normally": 0,
    "walk-with-care": 0,
    "strengthen-and-walk": 0,
    "try-backward-walking": 0,
    "see-a-professional": 1,
    "see-a-doctor-soon": 2,
    "urgent-care-today": 3,
    "emergency": 4,
}
FLOOR_NAME = {4: "emergency", 3: "urgent-care-today", 2: "see-a-doctor-soon", 1: "see-a-professional"}

# The red-flag questions of answers.md (marked RF). Written out, not read from the rule base,
# so that un-flagging a question in questions.toml is caught (test_red_flag_questions_match_spec).
RED_FLAG_QUESTIONS = (
    "injury", "deformity", "injury_pop", "rapid_swelling", "tender_kneecap", "tender_fibular_head",
    "can_bend_90", "can_bear_weight", "foot_cold_numb", "calf_swelling", "calf_pain", "breathless",
    "breathless_other", "locking", "swelling", "warmth", "redness", "fever", "hot_recent", "rest_pain",
    "knee_surgery", "unexplained_weight_loss", "night_pain", "giving_way",
)  # fmt: skip
# The history questions of answers.md 1.2 (marked H): "not sure" counts as "yes" in every rule,
# and no rule fires on them alone (safety.md property 12).
HISTORY_QUESTIONS = ("clot_risk", "infection_risk", "blood_thinners", "pregnant", "cancer_history")
HISTORY_NO: dict[str, Any] = dict.fromkeys(HISTORY_QUESTIONS, False)

# The worrying ("positive") answers of each red-flag question on its own. For the two Ottawa
# "can you" questions, the worrying answer is "no". knee_surgery: no value is a red flag by
# itself (the policy raises the floor only for replacement/recent surgery WITH a hot, red or
# swollen knee or fever), so a knee replacement alone may still walk normally.
RED_FLAG_POSITIVE: dict[str, frozenset[Any]] = {
    "injury": frozenset({True}),
    "deformity": frozenset({True}),
    "injury_pop": frozenset({True}),
    "rapid_swelling": frozenset({True}),
    "tender_kneecap": frozenset({True}),
    "tender_fibular_head": frozenset({True}),
    "can_bend_90": frozenset({False}),
    "can_bear_weight": frozenset({False}),
    "foot_cold_numb": frozenset({True}),
    "calf_swelling": frozenset({True}),
    "calf_pain": frozenset({True}),
    "breathless": frozenset({True}),
    "breathless_other": frozenset({True}),
    "hot_recent": frozenset({True}),
    "rest_pain": frozenset({True}),
    "locking": frozenset({"catches", "stuck"}),
    "swelling": frozenset({"mild", "marked", "severe"}),
    "warmth": frozenset({True}),
    "redness": frozenset({True}),
    "fever": frozenset({True}),
    "knee_surgery": frozenset(),
    "unexplained_weight_loss": frozenset({True}),
    "night_pain": frozenset({True}),
    "giving_way": frozenset({"occasionally", "often"}),
}
# The reassuring ("no") answer of each red-flag question.
RED_FLAG_NO: dict[str, Any] = {
    "injury": False, "deformity": False, "injury_pop": False, "rapid_swelling": False,
    "tender_kneecap": False, "tender_fibular_head": False, "can_bend_90": True, "can_bear_weight": True,
    "foot_cold_numb": False, "calf_swelling": False, "calf_pain": False, "breathless": False,
    "breathless_other": False, "hot_recent": False, "rest_pain": False, "locking": "never",
    "swelling": "none", "warmth": False, "redness": False, "fever": False, "knee_surgery": "none",
    "unexplained_weight_loss": False, "night_pain": False, "giving_way": "never",
}  # fmt: skip

SWOLLEN = ("mild", "marked", "severe")


def _v(a: Mapping[str, Any], q: str) -> Any:
    return a.get(q, _MISSING)


def _yes(a: Mapping[str, Any], q: str) -> bool:
    return _v(a, q) is True


def _in(a: Mapping[str, Any], q: str, *values: Any) -> bool:
    value = _v(a, q)
    return value is not _MISSING and any(value is v if v is None or isinstance(v, bool) else value == v for v in values)


def _num(a: Mapping[str, Any], q: str) -> float | None:
    value = _v(a, q)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _ottawa(a: Mapping[str, Any]) -> bool:
    days, age = _num(a, "injury_days_ago"), _num(a, "age")
    if days is None or days > 7:
        return False
    return (
        (age is not None and age >= 55)
        or _in(a, "tender_kneecap", True, None)
        or _in(a, "tender_fibular_head", True, None)
        or _in(a, "can_bend_90", False, None)
        or _in(a, "can_bear_weight", False, None)
    )


def _hot_or_red(a: Mapping[str, Any]) -> bool:
    return _yes(a, "warmth") or _yes(a, "redness")


def _yes_or_unsure(a: Mapping[str, Any], q: str) -> bool:
    return _in(a, q, True, None)


def _swollen(a: Mapping[str, Any]) -> bool:
    """answers.md 1.2, Derived values: in the hot-or-red, fever and surgery lines."""
    return _in(a, "swelling", *SWOLLEN, None)


def _calf_signs(a: Mapping[str, Any]) -> bool:
    return _yes(a, "calf_swelling") or _yes(a, "calf_pain")


def _calf_unsure(a: Mapping[str, Any]) -> bool:
    return not _calf_signs(a) and (_in(a, "calf_swelling", None) or _in(a, "calf_pain", None))


def _clot_risk(a: Mapping[str, Any]) -> bool:
    return _yes_or_unsure(a, "clot_risk") or _yes_or_unsure(a, "pregnant") or _in(a, "knee_surgery", "recent", None)


def _days(a: Mapping[str, Any]) -> float | None:
    return _num(a, "injury_days_ago")


def _bleed(a: Mapping[str, Any]) -> bool:
    if not _yes_or_unsure(a, "blood_thinners"):
        return False
    days = _days(a)
    recent = days is not None and days <= 7
    return _in(a, "swelling", "marked", "severe", None) or (
        recent and (_yes(a, "rapid_swelling") or _in(a, "swelling", *SWOLLEN))
    )


def _pregnant(a: Mapping[str, Any]) -> bool:
    return _yes_or_unsure(a, "pregnant")


# (finding in plain words, minimum urgency, answer condition)
POLICY: tuple[tuple[str, int, Callable[[Mapping[str, Any]], bool]], ...] = (
    # emergency
    ("knee misshapen after an injury", 4, lambda a: _yes(a, "deformity")),
    ("foot cold, pale, blue or numb", 4, lambda a: _yes(a, "foot_cold_numb")),
    (
        "swollen or unsure calf with breathlessness",
        4,
        lambda a: _in(a, "calf_swelling", True, None) and _yes(a, "breathless"),
    ),
    ("breathless (the 999 signs), whatever the calf", 4, lambda a: _yes(a, "breathless")),
    (
        "short of breath lately, with calf signs or an unsure calf",
        4,
        lambda a: _yes(a, "breathless_other") and (_calf_signs(a) or _calf_unsure(a)),
    ),
    # urgent-care-today
    ("hot or red knee with swelling", 3, lambda a: _hot_or_red(a) and _swollen(a)),
    (
        "fever with a hot, red or swollen knee",
        3,
        lambda a: _yes(a, "fever") and (_hot_or_red(a) or _swollen(a)),
    ),
    (
        "fever with new knee pain",
        3,
        lambda a: _yes(a, "fever") and (_in(a, "pain_duration", "under-2-weeks") or _yes(a, "injury")),
    ),
    (
        "replacement or recent surgery with a hot, red, swollen knee or fever",
        3,
        lambda a: _in(a, "knee_surgery", "replacement", "recent")
        and (_hot_or_red(a) or _swollen(a) or _yes(a, "fever")),
    ),
    ("cannot take four steps (or not sure)", 3, lambda a: _in(a, "can_bear_weight", False, None)),
    ("injury within 7 days, Ottawa knee rule positive", 3, _ottawa),
    (
        "injury in the last 7 days with a pop or rapid swelling",
        3,
        lambda a: _yes(a, "injury")
        and (_days(a) or 0) <= 7
        and (_yes(a, "injury_pop") or _yes(a, "rapid_swelling")),
    ),
    ("knee stuck (true locking)", 3, lambda a: _in(a, "locking", "stuck")),
    ("calf signs (swollen, tender calf or a new calf ache)", 3, _calf_signs),
    ("badly swollen, tight knee", 3, lambda a: _in(a, "swelling", "severe")),
    ("calf not sure with a clot risk", 3, lambda a: _calf_unsure(a) and _clot_risk(a)),
    ("short of breath lately, whatever the calf", 3, lambda a: _yes(a, "breathless_other")),
    (
        "short of breath lately 'not sure', with calf signs or an unsure calf",
        3,
        lambda a: _in(a, "breathless_other", None) and (_calf_signs(a) or _calf_unsure(a)),
    ),
    ("breathless (999 signs) 'not sure'", 3, lambda a: _in(a, "breathless", None)),
    (
        "misshapen knee or cold foot 'not sure'",
        3,
        lambda a: _in(a, "deformity", None) or _in(a, "foot_cold_numb", None),
    ),
    (
        "hot or red knee in the last 2 weeks with an infection risk",
        3,
        lambda a: (_yes_or_unsure(a, "warmth") or _yes_or_unsure(a, "redness"))
        and _yes_or_unsure(a, "hot_recent")
        and _yes_or_unsure(a, "infection_risk"),
    ),
    ("blood thinners with swelling", 3, _bleed),
    # see-a-doctor-soon
    ("unexplained weight loss", 2, lambda a: _yes(a, "unexplained_weight_loss")),
    ("constant night or rest pain", 2, lambda a: _yes(a, "night_pain")),
    ("knee gives way often", 2, lambda a: _in(a, "giving_way", "often")),
    ("clearly swollen knee", 2, lambda a: _in(a, "swelling", "marked")),
    ("red or hot knee", 2, _hot_or_red),
    ("fever", 2, lambda a: _yes(a, "fever")),
    (
        "programme failed and walking under 10 minutes",
        2,
        lambda a: _in(a, "treatment_tried", "not-helping") and _in(a, "walking_tolerance", "under-10-min"),
    ),
    ("'not sure' on a red-flag question", 2, lambda a: any(_in(a, q, None) for q in RED_FLAG_QUESTIONS)),
    (
        "rest or night pain after cancer treatment",
        2,
        lambda a: _yes_or_unsure(a, "cancer_history")
        and (_yes_or_unsure(a, "rest_pain") or _yes_or_unsure(a, "night_pain")),
    ),
    (
        "injury 8 days to 6 weeks ago with a pop or rapid swelling",
        2,
        lambda a: _yes(a, "injury")
        and (_days(a) or 0) > 7
        and (_yes(a, "injury_pop") or _yes(a, "rapid_swelling")),
    ),
    # see-a-professional
    ("pain sharp or building with walking", 1, lambda a: _in(a, "walking_effect", "sharp-or-worsening")),
    ("slight swelling", 1, lambda a: _in(a, "swelling", "mild")),
    (
        "catching, painful clicking or occasional giving way",
        1,
        lambda a: _in(a, "locking", "catches") or _in(a, "clicking", "painful") or _in(a, "giving_way", "occasionally"),
    ),
    ("injury in the last 6 weeks", 1, lambda a: _yes(a, "injury")),
    ("programme of 6 weeks has not helped", 1, lambda a: _in(a, "treatment_tried", "not-helping")),
    ("pain 7/10 or more", 1, lambda a: (_num(a, "pain_score") or 0) >= 7),
    ("morning stiffness over 30 minutes", 1, lambda a: (_num(a, "morning_stiffness_minutes") or 0) > 30),
    (
        "two or more falls, or a fall with unsteadiness (at 50 or over; or both at any age)",
        1,
        lambda a: falls_escalation(a),
    ),
    (
        "pain in a replaced knee",
        1,
        lambda a: _in(a, "knee_surgery", "replacement") and (_num(a, "pain_score") or 0) >= 1,
    ),
)  # fmt: skip


def policy_floor(answers: Mapping[str, Any]) -> tuple[int, list[str]]:
    """The minimum urgency the policy requires, and the findings that require it."""
    hits = [(u, name) for name, u, holds in POLICY if holds(answers)]
    floor = max((u for u, _ in hits), default=0)
    return floor, [name for u, name in hits if u == floor]


def red_flag_positive(answers: Mapping[str, Any]) -> list[str]:
    """Red-flag questions answered with a worrying value or 'not sure'."""
    return [
        f"{q}={json.dumps(answers[q])}"
        for q in RED_FLAG_QUESTIONS
        if q in answers and (answers[q] is None or answers[q] in RED_FLAG_POSITIVE[q])
    ]


# --- "worse" (property 4), from safety.md: a red flag false->true, more swelling, more pain, ----
# more giving way, a fall, "not sure" instead of "no". Nothing else is claimed to be monotone
# (for example injury "not sure" -> yes lowers the floor from 2 to 1, by policy).

ORDERED_WORSE = {
    "swelling": ("none", "mild", "marked", "severe"),
    "giving_way": ("never", "occasionally", "often"),
    "locking": ("never", "catches", "stuck"),
    "walking_effect": ("no-pain", "aches-then-settles", "sharp-or-worsening"),
    "falls": ("none", "one", "two-or-more"),
    "balance_problems": (False, True),
}


def worse_values(kb: KnowledgeBase, qid: str, value: Any) -> list[Any]:
    """The values strictly "worse" than ``value`` on question ``qid`` (may be empty)."""
    question = kb.question_by_id[qid]
    out: list[Any] = []
    if qid in ORDERED_WORSE and value in ORDERED_WORSE[qid]:
        order = ORDERED_WORSE[qid]
        out += list(order[order.index(value) + 1 :])
    elif qid in RED_FLAG_POSITIVE and question.type == "boolean" and value == RED_FLAG_NO[qid] and value is not None:
        out += sorted(RED_FLAG_POSITIVE[qid], key=str)
    if qid == "pain_score" and isinstance(value, int):
        out += list(range(value + 1, int(question.max or 10) + 1))
    if qid in RED_FLAG_NO and value is not None and value == RED_FLAG_NO[qid] and type(value) is type(RED_FLAG_NO[qid]):
        out.append(None)  # "not sure" instead of "no"
    if qid in HISTORY_NO and value is False:
        out += [None, True]  # property 12: history "no" to "not sure" or "yes"
    return out


def worse_steps(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Every single-answer change toward "worse" available from these answers."""
    return [(q, v) for q in answers for v in worse_values(kb, q, answers[q])]


# --- answers: normalising, filling, strategies --------------------------------------------------


def least_worrying(question: Question) -> Any:
    """The value used to fill a required question that becomes asked (deterministic fills)."""
    if question.id in RED_FLAG_NO:
        return RED_FLAG_NO[question.id]
    if question.id in HISTORY_NO:
        return HISTORY_NO[question.id]
    if question.type == "boolean":
        return False
    if question.type == "choice":
        return question.choice_values[0]
    if question.type in ("integer", "number"):
        return int(question.max) if question.id == "injury_days_ago" else int(question.min or 0)
    return "x"


def normalise(
    kb: KnowledgeBase, answers: Mapping[str, Any], fill: Callable[[Question, Answers], Any] | None = None
) -> Answers:
    """Drop answers no longer asked; fill required questions that became asked."""
    out: Answers = {}
    for question in kb.questions:
        if not condition_holds(question.asked_when, out):
            continue
        if question.id in answers:
            out[question.id] = answers[question.id]
        elif question.required:
            out[question.id] = fill(question, out) if fill else least_worrying(question)
    return out


def numeric_boundaries(kb: KnowledgeBase, question: Question) -> list[int | float]:
    """min, max and every threshold any rule or asked-when tests on this question, +-1."""
    points: set[float] = {question.min or 0, question.max or 0}
    conditions = [r.when for r in kb.rules] + [q.asked_when for q in kb.questions]
    for condition in conditions:
        for group in condition:
            for atom in group:
                if atom.kind == "answer" and atom.subject == question.id and isinstance(atom.operand, int | float):
                    points |= {atom.operand - 1, atom.operand, atom.operand + 1}
    low, high = question.min or 0, question.max or 0
    values = sorted(p for p in points if low <= p <= high)
    return [int(v) for v in values] if question.type == "integer" else values


def derived_boundaries(kb: KnowledgeBase, name: str) -> list[float]:
    points: set[float] = set()
    for rule in kb.rules:
        for group in rule.when:
            for atom in group:
                if atom.kind == "derived" and atom.subject == name and isinstance(atom.operand, int | float):
                    points |= {round(atom.operand - 0.1, 1), float(atom.operand), round(atom.operand + 0.1, 1)}
    return sorted(points)


MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</td></tr></table><h1>pwned</h1>",
    "{{ 7*7 }} {% if 1 %}x{% endif %}",
    "&amp; &lt;b&gt; <b>bold</b> 'quote' \"dq\"",
    "Zoë O'Brien — ünïcödé ✓",
    "<!-- comment --><style>body{display:none}</style>",
    "javascript:alert(1)",
)


def value_strategy(kb: KnowledgeBase, question: Question, answers: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """All valid values of one question; "not sure" (None) last on red-flag questions.

    Values shrink toward the first listed (choices are ordered least to most worrying).
    """
    strategy: st.SearchStrategy[Any]
    if question.type == "boolean":
        strategy = st.sampled_from([False, True])
    elif question.type == "choice":
        strategy = st.sampled_from(question.choice_values)
    elif question.type == "integer":
        low, high = int(question.min or 0), int(question.max or 0)
        strategy = st.one_of(st.sampled_from(numeric_boundaries(kb, question)), st.integers(low, high))
    elif question.type == "number":
        low, high = question.min or 0, question.max or 0
        plain = st.integers(int(low * 10), int(high * 10)).map(lambda n: n / 10)
        options = [st.sampled_from(numeric_boundaries(kb, question)), plain]
        if question.id == "weight_kg" and "height_cm" in answers:  # hit the BMI thresholds
            metres2 = (answers["height_cm"] / 100) ** 2
            near = [round(b * metres2, 1) for b in derived_boundaries(kb, "bmi")]
            near = [w for w in near if low <= w <= high]
            if near:
                options.insert(0, st.sampled_from(near))
        strategy = st.one_of(*options)
    else:
        low = question.min_length or 0
        high = min(question.max_length or 60, 60)
        strategy = st.one_of(
            st.sampled_from([m for m in MARKUP if low <= len(m) <= (question.max_length or 10**6)]),
            st.text(min_size=max(low, 0), max_size=high),
        )
    if question.allows_unsure:  # red flags and history: "not sure"
        strategy = st.one_of(strategy, st.none())
    return strategy


@st.composite
def answer_sets(draw: st.DrawFn, kb: KnowledgeBase | None = None, near: Mapping[str, Any] | None = None) -> Answers:
    """A valid answers object, generated from rules/questions.toml alone.

    Walks the questions in asking order; a question is drawn only when its asked-when holds
    on the answers so far; required ones always, optional ones maybe left out; red-flag ones
    may be None ("not sure"). A new question is covered without touching this code.

    ``near``: a background answer set; each of its answers is kept or redrawn, so the
    examples cluster around it (and shrink back toward it: readable counterexamples).
    """
    kb = kb or load_knowledge_base()
    answers: Answers = {}
    for question in kb.questions:
        if not condition_holds(question.asked_when, answers):
            continue
        if near is not None and question.id in near and not draw(st.booleans()):
            answers[question.id] = near[question.id]
            continue
        if not question.required and not draw(st.booleans()):
            continue
        answers[question.id] = draw(value_strategy(kb, question, answers))
    return answers


def any_answers(kb: KnowledgeBase | None = None) -> st.SearchStrategy[Answers]:
    """Fully random answer sets, and answer sets near each background."""
    kb = kb or load_knowledge_base()
    return st.one_of(answer_sets(kb), *(answer_sets(kb, near=normalise(kb, b)) for b in BACKGROUNDS.values()))


@st.composite
def answers_with_unsure(draw: st.DrawFn, kb: KnowledgeBase | None = None) -> Answers:
    """Answer sets with at least one red-flag question answered "not sure"."""
    kb = kb or load_knowledge_base()
    answers = draw(any_answers(kb))
    asked_flags = [q for q in kb.red_flags if q in answers]
    qid = draw(st.sampled_from(asked_flags))
    return normalise(kb, {**answers, qid: None})


# --- the properties ------------------------------------------------------------------------


def _assess(kb: KnowledgeBase, answers: Mapping[str, Any]) -> Assessment:
    return assess(answers, kb=kb)


def violations_total(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[str]:
    """Property 1 (the report half is in test_report_properties.py)."""
    try:
        result = _assess(kb, answers)
    except AnswersError as error:
        return [f"valid answers rejected: {error.problems}"]
    except Exception as error:
        return [f"no result: {type(error).__name__}: {error}"]
    problems = []
    ladder = [d.id for d in kb.dispositions]
    own = kb.disposition_by_id.get(result.disposition.id)
    # 1.2: the title and summary may be one of the disposition's headlines (it fits the reason)
    titles = {own.title} | {h.title for h in own.headlines} if own else set()
    same = own and own._replace(title=result.disposition.title, summary=result.disposition.summary)
    if own is None or same != result.disposition:
        problems.append(f"disposition {result.disposition.id!r} is not on the ladder")
    elif result.disposition.title not in titles:
        problems.append(f"disposition {result.disposition.id!r} has a title of its own: {result.disposition.title!r}")
    required = [r.floor for r in result.fired if r.floor]
    if any(f not in kb.disposition_by_id for f in required):
        problems.append(f"a fired rule requires a disposition not on the ladder: {required}")
    highest = max((kb.disposition_by_id[f].rank for f in required if f in kb.disposition_by_id), default=0)
    if result.disposition.rank != highest:
        problems.append(f"disposition {result.disposition.id} is not the highest floor of the fired rules")
    if sorted(URGENCY) != sorted(ladder) or any(kb.disposition_by_id[d].urgency != u for d, u in URGENCY.items()):
        problems.append("the ladder differs from dispositions.md")
    return problems


def result_bytes(result: Assessment) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False)


def violations_deterministic(kb: KnowledgeBase, answers: Mapping[str, Any], seed: int = 0) -> list[str]:
    """Property 2: same bytes whatever the declaration order and whatever ran before."""
    valid = validate(dict(answers), kb)
    reference = result_bytes(build_assessment(kb, valid, engine_for(kb).start(valid.answers)))
    items = list(valid.answers.items())
    orders = {"reversed": items[::-1]}
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    orders["shuffled"] = shuffled
    problems = []
    for name, order in orders.items():
        got = result_bytes(build_assessment(kb, valid, engine_for(kb).start(dict(order))))
        if got != reference:
            problems.append(f"declaring the facts {name} changes the result")
    fresh = compile_engine_class(kb)()  # a brand-new engine that has run nothing before
    if result_bytes(build_assessment(kb, valid, fresh.start(valid.answers))) != reference:
        problems.append("a fresh engine gives a different result than one that ran other cases")
    again = result_bytes(_assess(kb, dict(shuffled)))
    if again != reference:
        problems.append("assess() on the same answers in another key order differs")
    return problems


def violations_red_flags(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Property 3: each finding of the policy forces at least its disposition."""
    result = result or _assess(kb, answers)
    floor, why = policy_floor(answers)
    if result.urgency < floor:
        return [
            f"policy requires at least {FLOOR_NAME[floor]} (urgency {floor}) for {why}; "
            f"got {result.disposition.id} (urgency {result.urgency})"
        ]
    return []


def violations_monotone(
    kb: KnowledgeBase,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    change: str,
    urgency: Callable[[Answers], int],
) -> list[str]:
    """Property 4, for one change toward "worse"."""
    u0, u1 = urgency(dict(before)), urgency(dict(after))
    if u1 < u0:
        return [f"{change} lowers the urgency from {u0} to {u1}"]
    return []


def violations_unknown(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Property 5: a "not sure" on a red-flag question never gives urgency 0."""
    unsure = [q for q in RED_FLAG_QUESTIONS if _in(answers, q, None)]
    if not unsure:
        return []
    result = result or _assess(kb, answers)
    if result.urgency == 0:
        return [f"'not sure' on {unsure} gave {result.disposition.id} (urgency 0)"]
    return []


def no_fall_risk(a: Mapping[str, Any]) -> bool:
    """answers.md: every fall-risk question answered, none positive."""
    return (
        _in(a, "falls", "none")
        and _in(a, "balance_problems", False)
        and _in(a, "numb_feet", False)
        and _in(a, "difficulty_rising", False)
        and (_in(a, "osteoporosis", False) or _in(a, "fragility_fracture", False))
    )


def probable_oa(a: Mapping[str, Any]) -> bool:
    age, pain, stiff = _num(a, "age"), _num(a, "pain_score"), _num(a, "morning_stiffness_minutes")
    if not _in(a, "knee_surgery", "none", "recent", "past"):  # 1.2: never for a replaced knee
        return False
    return _yes(a, "oa_diagnosed") or (
        age is not None and age >= 45 and pain is not None and pain >= 1 and stiff is not None and stiff <= 30
    )


def violations_backward_walking(
    kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None
) -> list[str]:
    """Property 6."""
    result = result or _assess(kb, answers)
    advice = [a for a in result.advice if a.group == "backward-walking" or a.id == "backward-walking"]
    if result.disposition.id != "try-backward-walking" and not advice:
        return []
    problems = []
    if result.urgency != 0:
        problems.append(f"backward walking at urgency {result.urgency}")
    if not no_fall_risk(answers):
        problems.append("backward walking without a known absence of fall risk")
    if not probable_oa(answers):
        problems.append("backward walking without probable osteoarthritis")
    if (_num(answers, "pain_score") or 0) < 1:
        problems.append("backward walking without pain when walking")
    if not _yes(answers, "supervision_available"):
        problems.append("backward walking without someone to supervise")
    if _pregnant(answers):
        problems.append("backward walking in pregnancy (or 'not sure')")
    if not _in(answers, "knee_surgery", "none", "past"):
        problems.append(f"backward walking with knee_surgery {answers.get('knee_surgery')!r}")
    text = " ".join(f"{a.text} {a.details}" for a in advice).lower()
    for needed in ("indoors", "slowly", "someone with you"):
        if needed not in text:
            problems.append(f"backward walking without the safety advice {needed!r}")
    return problems


EXERCISE_GROUPS = frozenset({"strength", "weight", "walking", "feet-and-knees", "bones", "backward-walking"})


def violations_contradictions(
    kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None
) -> list[str]:
    """Property 7."""
    result = result or _assess(kb, answers)
    problems = []
    ids = [a.id for a in result.advice]
    keep_walking = "keep-walking" in ids or any("keep walking as you do" in a.text.lower() for a in result.advice)
    if result.urgency >= 1 and keep_walking:
        problems.append(f"'keep walking as you do' at urgency {result.urgency}")
    if result.urgency >= 3:
        exercise = [a.id for a in result.advice if a.group in EXERCISE_GROUPS]
        if exercise:
            problems.append(f"exercise advice {exercise} at urgency {result.urgency}")
    if result.disposition.id == "walk-normally" and red_flag_positive(answers):
        problems.append(f"walk-normally with red flag(s) {red_flag_positive(answers)}")
    problems += violations_advice_fits(result, answers)
    return problems


# Advice about a habit, and the answer that says the habit is already right (dispositions.md,
# Advice): nobody is told to change what they just said is fine. Unknown (left out) may get it.
HABIT_ALREADY_RIGHT: dict[str, tuple[str, Any]] = {
    "shoes": ("footwear", "supportive"),
    "surfaces": ("surface", "soft-or-flat"),
    "avoid-high-impact": ("high_impact_sport", False),
}


def falls_escalation(a: Mapping[str, Any]) -> bool:
    """dispositions.md 1.2: two falls, or one with unsteadiness, at 50 or over; or two falls
    with unsteadiness at any age."""
    recurrent = _in(a, "falls", "two-or-more") or (_in(a, "falls", "one") and _yes(a, "balance_problems"))
    return ((_num(a, "age") or 0) >= 50 and recurrent) or (
        _in(a, "falls", "two-or-more") and _yes(a, "balance_problems")
    )


def fall_or_unsteady(a: Mapping[str, Any]) -> bool:
    return _in(a, "falls", "one", "two-or-more") or _yes(a, "balance_problems")


def violations_advice_fits(result: Assessment, answers: Mapping[str, Any]) -> list[str]:
    """Property 7, last clause, and the advice lines of dispositions.md: advice fits the person."""
    problems = []
    for item in result.advice:
        if item.id in HABIT_ALREADY_RIGHT and _in(answers, *HABIT_ALREADY_RIGHT[item.id]):
            problems.append(f"advice {item.id} for {HABIT_ALREADY_RIGHT[item.id]}: a habit already right")
        if "severe" in item.text.lower() and (_num(answers, "pain_score") or 0) < 7:
            problems.append(f"advice {item.id} is about severe pain, but pain_score is {answers.get('pain_score')}")
    balance = [a.id for a in result.advice if "balance" in f"{a.text} {a.details}".lower()]
    if fall_or_unsteady(answers) and result.urgency <= 1 and not balance:  # 1.2: rest only at 2
        problems.append(f"a fall or unsteadiness without strength-and-balance advice at urgency {result.urgency}")
    assessment_advice = [a for a in result.advice if "falls assessment" in a.text.lower()]
    if falls_escalation(answers) and result.urgency <= 2 and not assessment_advice:
        problems.append("recurrent falls (or a fall with unsteadiness) without advice to ask for a falls assessment")
    return problems


# --- property 7 on every text a person reads (text result, explain, report) -----------------

# Words that encourage walking or exercise: none of them may appear at urgency 3 or more.
# Written from dispositions.md ("no reason shown says keep walking or recommends exercise").
ENCOURAGING = re.compile(
    r"keep walking|keep to short|walking helps|walking keeps|walking is (?:good|one of)|walk, and add"
    r"|start with short walks|start slow|build up|gradually increase|strengthen|stretch\b|try short"
    r"|personali[sz]ed exercise|(?:exercise|exercises|walking) (?:can help|helps|is the core)",
    re.I,
)


def person_texts(result: Assessment) -> dict[str, str]:
    """Everything a person reads about this result: the terminal text, both explanations and
    the report's visible text; free text they typed (name, notes) is taken out."""
    import html as html_lib
    from datetime import UTC, datetime

    import click

    from triage.explain import explain, render_text
    from triage.report.report import render_report
    from triage.summary import render_summary

    page = render_report(result, now=datetime(2025, 1, 2, tzinfo=UTC))
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    texts = {
        "text result": click.unstyle(render_summary(result)),
        "explain": render_text(result, explain(result)),
        "explain --all": render_text(result, explain(result, everything=True)),
        "report": html_lib.unescape(re.sub(r"<[^>]*>", " ", page)),
    }
    # Not the person's own words (name, notes), nor the titles of the cited articles.
    # Titles first: a one-letter name taken out first would break a title apart ("A" in "Alleviate").
    left_out = [s.title for s in result.kb.sources.values()] + [result.answers.get(q) for q in ("name", "notes")]
    for value in left_out:
        if isinstance(value, str) and value.strip():
            texts = {k: v.replace(value, " ") for k, v in texts.items()}
    return {k: re.sub(r"\s+", " ", v) for k, v in texts.items()}


def self_care_words(kb: KnowledgeBase) -> list[str]:
    """The knowledge base's own self-care wording: exercise advice, and the reasons of the
    rules that lead to a self-care result (or only add advice)."""
    words = [f"{a.text}" for a in kb.advice.values() if a.group in EXERCISE_GROUPS or a.id == "keep-walking"]
    for rule in kb.rules:
        self_care = rule.floor is not None and URGENCY.get(rule.floor) == 0
        advice_only = rule.floor is None and rule.finding is None and rule.compute is None
        if self_care or advice_only:
            words.append(rule.because)
    return words


def violations_texts(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Property 7 on every text: at urgency 3 or more nothing encourages walking or exercise,
    and the reasons shown first ("Why") are only rules that set the disposition."""
    result = result or _assess(kb, answers)
    texts = person_texts(result)
    problems = []
    deciding = {r.id for r in result.fired if r.floor == result.disposition.id}
    why = texts["text result"].split(" Why: ", 1)
    if len(why) == 2:
        shown_first = why[1].split(" Also noted: ")[0].split(" Get help if: ")[0]
        for rule in result.fired:
            if f"[{rule.id};" in shown_first and rule.id not in deciding:
                problems.append(f"'Why' shows {rule.id}, which does not set {result.disposition.id}")
    if result.urgency < 3:
        return problems
    forbidden = [re.sub(r"\s+", " ", w) for w in self_care_words(kb)]
    for name, text in texts.items():
        hit = ENCOURAGING.search(text)
        if hit:
            context = text[max(hit.start() - 60, 0) : hit.end() + 60]
            problems.append(f"{name} at urgency {result.urgency}: {hit.group(0)!r} in ...{context}...")
        problems += [f"{name} at urgency {result.urgency} says {w[:70]!r}" for w in forbidden if w in text]
    return problems


def citation_problems(kb: KnowledgeBase, what: str, cites: Iterable[Any]) -> list[str]:
    cites = list(cites)
    problems = []
    if not cites:
        problems.append(f"{what} cites no source")
    for cite in cites:
        source = kb.sources.get(cite.source)
        if source is None:
            problems.append(f"{what} cites unknown source {cite.source!r}")
            continue
        if cite.quote is not None or source.kind == "article":
            if not source.file:
                problems.append(f"{what} quotes {cite.source}, which has no document")
                continue
            text = (kb.root / source.file).read_text(encoding="utf-8")  # the document itself
            if not cite.quote or cite.quote not in text:
                problems.append(f"{what}: quote not found in {cite.source}: {cite.quote!r}")
    return problems


def violations_traceable(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Property 8: every fired rule and every advice item (safety net included) is sourced."""
    result = result or _assess(kb, answers)
    problems = []
    for rule in result.fired:
        problems += citation_problems(kb, f"rule {rule.id}", rule.cite)
    for item in (*result.advice, *result.safety_net):
        problems += citation_problems(kb, f"advice {item.id}", item.cite)
    return problems


# --- 1.2: properties 9, 11, 13, 14 (safety.md), from dispositions.md "Advice" -------------------

# The level a safety-net line sends the person to, read off its own words (not its id).
NET_LEVEL_WORDS = ((4, re.compile(r"\b999\b")), (3, re.compile(r"\btoday\b|same day")), (2, re.compile(r"few days")),
                   (1, re.compile(r"physiotherapist")))  # fmt: skip
BUILD_UP = re.compile(r"build up|increase|gradually|further|longer walks|more walking", re.I)
MEDICINE = re.compile(r"paracetamol|ibuprofen|naproxen|codeine|aspirin|painkiller|anti-inflammator|\bgel\b|cream", re.I)
WEIGHT_ADVICE = re.compile(r"los(e|ing) (some )?weight|weight loss|manag\w+ (your )?weight|diet", re.I)
HEAT = re.compile(r"warm compress|\bheat\b|hot water bottle|heat pack", re.I)
ICE = re.compile(r"\bice\b|frozen", re.I)
REST_ONLY_GROUPS = frozenset({"strength", "weight", "feet-and-knees", "bones", "backward-walking"})


def net_level(text: str) -> int | None:
    for level, words in NET_LEVEL_WORDS:
        if words.search(text.split(":")[0]):  # the lead says whom to contact how fast
            return level
    return None


def violations_safety_net(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Properties 9 and 11: below emergency, every higher level and only those, each with its
    own signs; at emergency, what to do while waiting, and to call 999 again."""
    result = result or _assess(kb, answers)
    problems = []
    levels = [net_level(item.text) for item in result.safety_net if "wait" not in item.text.split(":")[0].lower()]
    if result.urgency < 4:
        if sorted(level for level in levels if level is not None) != list(range(result.urgency + 1, 5)):
            problems.append(f"safety net levels {levels} at urgency {result.urgency}")
        if any(level is None or level <= result.urgency for level in levels):
            problems.append(f"safety net names a level not above urgency {result.urgency}: {levels}")
        if any(len(item.points) < 1 for item in result.safety_net):
            problems.append("a safety-net level without its signs as a list")
    else:
        if levels:
            problems.append(f"at emergency, the safety net still names {levels}")
        waiting = " ".join(item.text for item in result.safety_net if "wait" in item.text.lower())
        if not re.search(r"999 again", waiting):
            problems.append("at emergency, no 'while you wait' with 'call 999 again'")
    return problems


def violations_waiting(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Property 13: while waiting means waiting; heat and ice only where allowed; no weight
    advice or backward walking in pregnancy; no medicine advice."""
    result = result or _assess(kb, answers)
    problems = []
    for item in result.advice:
        words = f"{item.text} {item.details}"
        if result.urgency >= 1 and BUILD_UP.search(words):
            problems.append(f"{item.id} asks to build up at urgency {result.urgency}")
        if result.urgency >= 2 and item.group in REST_ONLY_GROUPS:
            problems.append(f"{item.id} ({item.group}) at urgency {result.urgency}")
        if (result.urgency >= 2 or _pregnant(answers)) and (item.group == "weight" or WEIGHT_ADVICE.search(words)):
            problems.append(f"weight advice {item.id} at urgency {result.urgency}, pregnant {answers.get('pregnant')}")
        if MEDICINE.search(words):
            problems.append(f"medicine advice in {item.id}")
        if HEAT.search(words) and not heat_allowed(answers):
            problems.append(f"heat advice {item.id} with a knee that may be hot, red, swollen or freshly injured")
        cold_or_numb = _yes_or_unsure(answers, "foot_cold_numb") or _yes(answers, "numb_feet")
        if ICE.search(words) and cold_or_numb:
            problems.append(f"ice advice {item.id} with a cold or numb foot")
        if ICE.search(words) and result.urgency >= 4:
            problems.append(f"ice advice {item.id} at emergency")
    backward = result.disposition.id == "try-backward-walking" or any(a.id == "backward-walking" for a in result.advice)
    if _pregnant(answers) and backward:
        problems.append("backward walking in pregnancy")
    thinners_and_falls = _yes_or_unsure(answers, "blood_thinners") and fall_risk(answers)
    if thinners_and_falls and not [a for a in result.advice if "hit your head" in a.text]:
        problems.append("blood thinners with a fall or fall risk, without the head-injury line")
    return problems


def violations_history(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Property 12: a history answer from "no" to "not sure" or "yes" never lowers the urgency;
    "not sure" replaced by "yes" never changes the disposition; with no red flag answered
    worryingly or "not sure", history answers alone never raise the urgency."""
    result = result or _assess(kb, answers)
    problems = []
    for qid in HISTORY_QUESTIONS:
        if qid not in answers:
            continue
        if answers[qid] is False:
            for value in (None, True):
                after = _assess(kb, normalise(kb, {**answers, qid: value}))
                if after.urgency < result.urgency:
                    problems.append(f"{qid}: no -> {value} lowers the urgency {result.urgency} -> {after.urgency}")
        if answers[qid] is None:
            after = _assess(kb, normalise(kb, {**answers, qid: True}))
            if after.disposition.id != result.disposition.id:
                problems.append(f"{qid}: not sure -> yes changes {result.disposition.id} to {after.disposition.id}")
    if not red_flag_positive(answers):
        without = normalise(kb, {**answers, **{q: False for q in HISTORY_QUESTIONS if q in answers}})
        if not red_flag_positive(without) and result.urgency > _assess(kb, without).urgency:
            problems.append(f"history answers alone raise the urgency to {result.urgency}")
    return problems


def heat_allowed(a: Mapping[str, Any]) -> bool:
    """dispositions.md: warmth and redness both false, swelling none or mild, no injury in 7 days."""
    injury_ok = _in(a, "injury", False) or (_yes(a, "injury") and (_days(a) or 0) > 7)
    return _in(a, "warmth", False) and _in(a, "redness", False) and _in(a, "swelling", "none", "mild") and injury_ok


def fall_risk(a: Mapping[str, Any]) -> bool:
    return (
        _in(a, "falls", "one", "two-or-more") or _yes(a, "balance_problems") or _yes(a, "numb_feet")
        or _yes(a, "fragility_fracture") or _yes(a, "difficulty_rising")
    )  # fmt: skip


def violations_words(kb: KnowledgeBase, answers: Mapping[str, Any], result: Assessment | None = None) -> list[str]:
    """Property 14: the see-a-professional headline mentions painful walks only when walking
    hurts; every reason on the report names the answers behind it, in the person's words."""
    from datetime import UTC, datetime

    from triage.report.view import report_context

    result = result or _assess(kb, answers)
    problems = []
    hurts = not _in(answers, "walking_effect", "no-pain")
    for text in (result.disposition.title, result.disposition.summary):
        if result.disposition.id == "see-a-professional" and "walks that hurt" in text.lower() and not hurts:
            problems.append(f"headline {text!r} when walking does not hurt")
    context = report_context(result, now=datetime(2025, 1, 2, tzinfo=UTC))
    for reason in context["reasons"]:
        rule = next(r for r in result.fired if r.id == reason.rule_id)
        on_answers = any(atom.kind == "answer" for group in rule.when for atom in group)
        if on_answers and not reason.based_on:  # a rule on a finding names it; its rule names the answers
            problems.append(f"reason {reason.rule_id} names no answer")
        for question_text, said in reason.based_on:
            question = next(q for q in kb.questions if q.text == question_text)
            if said != question.answer_words(answers.get(question.id)):
                problems.append(f"reason {reason.rule_id}: {said!r} is not what was answered to {question.id}")
    return problems


SINGLE_ANSWER_CHECKS: dict[str, Callable[[KnowledgeBase, Mapping[str, Any]], list[str]]] = {
    "total": violations_total,
    "red_flags": violations_red_flags,
    "unknown": violations_unknown,
    "backward_walking": violations_backward_walking,
    "contradictions": violations_contradictions,
    "texts": violations_texts,
    "traceable": violations_traceable,
    "safety_net": violations_safety_net,
    "waiting": violations_waiting,
    "words": violations_words,
}


# --- backgrounds and the exhaustive red-flag enumeration -----------------------------------

# Red-flag questions asked only after an injury (or with a swollen calf): the backgrounds
# answer them only where they are asked; normalise() drops the rest.
_ALWAYS_NO = {**RED_FLAG_NO, **HISTORY_NO}

BACKGROUNDS: dict[str, Answers] = {
    "no-pain": {
        "age": 30, **_ALWAYS_NO, "pain_score": 0, "walking_effect": "no-pain",
    },
    "osteoarthritis-with-pain": {
        "age": 62, **_ALWAYS_NO,
        "pain_score": 4, "walking_effect": "aches-then-settles", "pain_duration": "over-3-months",
        "morning_stiffness_minutes": 10, "oa_diagnosed": True, "treatment_tried": "none",
        "walking_tolerance": "over-30-min", "difficulty_rising": False, "osteoporosis": False,
        "falls": "none", "balance_problems": False, "numb_feet": False, "supervision_available": True,
    },
    "after-an-injury": {
        "age": 35, **_ALWAYS_NO, "injury": True, "injury_days_ago": 3,
        "pain_score": 3, "walking_effect": "aches-then-settles", "pain_duration": "under-2-weeks",
    },
}  # fmt: skip


def domain(question: Question, kb: KnowledgeBase) -> list[Any]:
    if question.type == "boolean":
        values: list[Any] = [False, True]
    elif question.type == "choice":
        values = list(question.choice_values)
    elif question.type in ("integer", "number"):
        values = numeric_boundaries(kb, question)
    else:
        values = ["<b>x</b>"]
    return [*values, None] if question.allows_unsure else values


def make_asked(kb: KnowledgeBase, answers: Answers, qid: str, depth: int = 0) -> bool:
    """Change earlier answers (as little as possible) so that ``qid`` is asked."""
    question = kb.question_by_id[qid]
    if condition_holds(question.asked_when, normalise(kb, answers)):
        return True
    if depth > 5:
        return False
    for group in question.asked_when:
        trial = dict(answers)
        for atom in group:
            if atom.holds_in(trial):
                continue
            options = [v for v in domain(kb.question_by_id[atom.subject], kb) if atom.accepts(v)]
            if not options or not make_asked(kb, trial, atom.subject, depth + 1):
                break
            trial[atom.subject] = options[-1] if atom.test == "at_most" else options[0]
        else:
            answers.clear()
            answers.update(normalise(kb, trial))
            if condition_holds(question.asked_when, answers):
                return True
    return False


def with_answer(kb: KnowledgeBase, base: Answers, qid: str, value: Any) -> Answers | None:
    """``base`` with question ``qid`` answered ``value`` (made asked if need be), or None."""
    answers = dict(base)
    if not make_asked(kb, answers, qid):
        return None
    answers[qid] = value
    return normalise(kb, answers)


def canonical(answers: Mapping[str, Any]) -> str:
    return json.dumps(answers, sort_keys=True)


@dataclass(frozen=True)
class Case:
    background: str
    varied: tuple[tuple[str, Any], ...]
    answers: Answers


# Questions that are not red flags but that the policy escalates on (the falls line of
# dispositions.md): the grid varies them like the red-flag questions.
GRID_EXTRA = ("falls", "balance_problems")


def grid_questions(kb: KnowledgeBase) -> list[Question]:
    """The red flags, the history questions (1.2, "not sure" too) and GRID_EXTRA."""
    return [kb.question_by_id[q] for q in (*kb.red_flags, *kb.history_questions, *GRID_EXTRA)]


def enumerate_red_flag_cases(kb: KnowledgeBase) -> tuple[list[Case], int]:
    """Every red-flag question (and GRID_EXTRA question) alone at every value, and every pair
    at every pair of values, over each background. Returns every combination that can be
    asked (several may give the same answers, e.g. a pair whose one answer is the
    background's own) and the number that cannot be asked together (for example deformity
    with injury = no)."""
    seen: list[Case] = []
    impossible = 0
    rf = grid_questions(kb)
    for name, base in BACKGROUNDS.items():
        base = normalise(kb, base)
        singles: list[tuple[str, Any]] = [(q.id, v) for q in rf for v in domain(q, kb)]
        combos: list[tuple[tuple[str, Any], ...]] = [(s,) for s in singles]
        combos += [(a, b) for i, a in enumerate(singles) for b in singles[i + 1 :] if a[0] != b[0]]
        for combo in combos:
            answers: Answers | None = dict(base)
            for qid, value in combo:
                answers = with_answer(kb, answers, qid, value) if answers is not None else None
            if answers is None or any(answers.get(q, _MISSING) != v or (v is None) != (answers.get(q) is None)
                                      for q, v in combo):  # fmt: skip
                impossible += 1
                continue
            seen.append(Case(name, combo, answers))
    return seen, impossible


def one_change_cases(kb: KnowledgeBase) -> Iterator[Answers]:
    """Each background, then each question changed alone to each value of its domain."""
    for base in BACKGROUNDS.values():
        base = normalise(kb, base)
        yield base
        for question in kb.questions:
            for value in domain(question, kb):
                answers = with_answer(kb, base, question.id, value)
                if answers is not None:
                    yield answers


# --- deliberately broken knowledge bases -----------------------------------------------------


def _block_span(text: str, kind: str, ident: str) -> tuple[int, int]:
    """The span of the [[kind]] table whose id (or key) is ``ident``."""
    header = f"[[{kind}]]"
    starts = [m.start() for m in re.finditer(rf"^\[\[{kind}\]\]$", text, re.M)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        nxt = re.search(r"^\[\[", text[start + len(header) :], re.M)
        end = min(end, start + len(header) + nxt.start()) if nxt else end
        if re.search(rf'^(id|key) = "{re.escape(ident)}"$', text[start:end], re.M):
            return start, end
    raise KeyError(f"no [[{kind}]] {ident}")


class Mutant:
    """A copy of rules/ in a temporary folder, edited as text, then loaded."""

    def __init__(self, tmp: Path):
        self.root = tmp / "rules"
        shutil.copytree(rules_dir(), self.root)

    def _file_with(self, kind: str, ident: str) -> Path:
        for path in sorted(self.root.glob("*.toml")):
            try:
                _block_span(path.read_text(encoding="utf-8"), kind, ident)
                return path
            except KeyError:
                continue
        raise KeyError(f"no [[{kind}]] {ident} in any file")

    def edit_block(self, kind: str, ident: str, edit: Callable[[str], str]) -> Mutant:
        path = self._file_with(kind, ident)
        text = path.read_text(encoding="utf-8")
        start, end = _block_span(text, kind, ident)
        new = edit(text[start:end])
        assert new != text[start:end], f"edit of {kind} {ident} changed nothing"
        path.write_text(text[:start] + new + text[end:], encoding="utf-8")
        return self

    def replace_in(self, kind: str, ident: str, old: str, new: str) -> Mutant:
        def edit(block: str) -> str:
            assert block.count(old) == 1, f"{old!r} occurs {block.count(old)} times in {kind} {ident}"
            return block.replace(old, new)

        return self.edit_block(kind, ident, edit)

    def remove_rule(self, rule_id: str) -> Mutant:
        return self.edit_block("rule", rule_id, lambda block: "")

    def lower_floor(self, rule_id: str) -> Mutant:
        """The rule's floor, one step down the ladder."""
        ladder = list(URGENCY)

        def edit(block: str) -> str:
            floor = re.search(r'^floor = "([^"]+)"$', block, re.M)
            assert floor, f"rule {rule_id} has no floor"
            lower = ladder[ladder.index(floor.group(1)) - 1]
            return block.replace(floor.group(0), f'floor = "{lower}"')

        return self.edit_block("rule", rule_id, edit)

    def set_cite(self, kind: str, ident: str, cite: str) -> Mutant:
        """Replace the whole ``cite = [...]`` of a rule or advice item."""

        def edit(block: str) -> str:
            start = block.index("cite = [")
            depth, i, in_string = 0, start + len("cite = "), False
            while True:
                ch = block[i]
                if ch == '"' and block[i - 1] != "\\":
                    in_string = not in_string
                elif not in_string and ch == "[":
                    depth += 1
                elif not in_string and ch == "]":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            return block[:start] + cite + block[i + 1 :]

        return self.edit_block(kind, ident, edit)

    def load(self) -> KnowledgeBase:
        return load_knowledge_base(self.root)


def first_violation(
    kb: KnowledgeBase, check: Callable[[KnowledgeBase, Mapping[str, Any]], list[str]], cases: Iterable[Answers]
) -> tuple[Answers, list[str]] | None:
    for answers in cases:
        problems = check(kb, answers)
        if problems:
            return answers, problems
    return None
