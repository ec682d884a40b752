"""The printed plan's words a person reads before the calendar (page 1 and the check-ins),
and the terminal's plan lines, follow NHS content style: every sentence under 25 words.
The sources ("Where this comes from", for clinicians) are left out. Shown to catch a broken
copy: the old one-sentence backward-walking line."""

from __future__ import annotations

import re

import pytest
from plan_support import checkin_answers, plan_for
from test_plan_report import CASES, escalated, six_checkins

from triage.checkin import check_in
from triage.kb.paths import rules_dir
from triage.kb.plan_params import PLAN_FILE, _parse
from triage.kb.records import KnowledgeBaseError
from triage.plan import Plan
from triage.plan_text import plan_lines
from triage.report.plan_report import render_plan

MAX_WORDS = 24  # "under 25 words"


def two_red_weeks() -> Plan:
    plan = plan_for(CASES["V06"])
    for week in (1, 2):
        plan = check_in(plan, checkin_answers(plan, week, pain=9, morning="much-worse")).plan
    assert plan.status == "escalated"
    return plan


def part_way_with_a_red_week() -> Plan:
    plan = plan_for(CASES["V10"])
    plan = check_in(plan, checkin_answers(plan, 1, pain=9, morning="much-worse")).plan
    assert plan.status == "active" and plan.checkins[-1].outcome == "back"
    return plan


PLANS = {
    **{case: (lambda a=answers: plan_for(a)) for case, answers in sorted(CASES.items())},
    "six-check-ins": six_checkins,
    "stopped": escalated,
    "two-red-weeks": two_red_weeks,
    "part-way": part_way_with_a_red_week,
}


def sentences(text_blocks: list[str]) -> list[str]:
    found = []
    for block in text_blocks:
        found += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(block.split())) if s]
    return found


def page_blocks(html: str) -> list[str]:
    """The text of each block before the calendar: drawings and chart (SVG, aria-hidden) out."""
    main = html.split("<main>")[1].split('<section class="calendar-page"')[0]
    main = re.sub(r"<svg.*?</svg>", " ", main, flags=re.S)
    main = re.sub(r"</(p|li|h1|h2|td|th|caption|strong|figcaption)>", "\n", main)
    text = re.sub(r"<[^>]+>", " ", main).replace("&#39;", "'").replace("&amp;", "&")
    return [line for line in text.split("\n") if line.strip()]


def long_sentences(blocks: list[str]) -> list[str]:
    return [s for s in sentences(blocks) if len(s.split()) > MAX_WORDS]


@pytest.mark.parametrize("name", list(PLANS))
def test_page_one_sentences_are_under_25_words(name: str) -> None:
    plan = PLANS[name]()
    assert long_sentences(page_blocks(render_plan(plan))) == []
    assert long_sentences(plan_lines(plan, "triage-plan.json", "triage plan-report triage-plan.json -o x.html")) == []


def test_the_check_bites_on_the_old_backward_walking_sentence() -> None:
    plan = plan_for(CASES["V10"])  # try-backward-walking
    old = "After the walk on {days}: {minutes} minutes of backward walking, indoors, slowly, with someone with you."
    broken = plan._replace(params=plan.params._replace(wording={**plan.params.wording, "backward_walking": old}))
    found = long_sentences(page_blocks(render_plan(broken)))
    assert found and "backward walking, indoors" in found[0]


def test_the_safety_net_list_must_say_the_sentence_word_for_word() -> None:
    """The list is the sentence laid out, never a second claim: a changed sign is refused."""
    data = (rules_dir() / PLAN_FILE).read_bytes()
    assert _parse(data).safety_net_signs  # the shipped knowledge base is consistent
    changed = data.replace(b'"gets worse during or after walking"', b'"gets worse during walking"', 1)
    assert changed != data
    with pytest.raises(KnowledgeBaseError, match="safety_net word for word"):
        _parse(changed)
    one_sign = re.sub(rb"safety_net_signs = \[.*\]", b'safety_net_signs = ["gets worse"]', data)
    with pytest.raises(KnowledgeBaseError, match="2 or more signs"):
        _parse(one_sign)
