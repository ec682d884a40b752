"""`triage fhir questionnaire`: a valid R4 Questionnaire whose enableWhen means exactly the
asked-when of every question (checked exhaustively against an independent evaluator),
with "not sure" kept as a real answer on red flags."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from fhir_support import enabled_items, rules_copy, validate_resource

from triage.answers import asked_questions
from triage.fhir import ExportError, build_questionnaire
from triage.fhir.response import answer_item
from triage.fhir.settings import settings
from triage.governance.check import check_knowledge_base
from triage.kb.load import load_knowledge_base
from triage.kb.records import KnowledgeBase, Question

MISSING = object()


def candidates(kb: KnowledgeBase, question: Question) -> list[Any]:
    """Every value that can matter to an asked-when: all options, and each side of every
    threshold any asked-when compares this question with, and no answer at all."""
    if question.type == "choice":
        values: list[Any] = list(question.choice_values)
    elif question.type == "boolean":
        values = [True, False]
    elif question.type in ("integer", "number"):
        values = {question.min, question.max}
        for other in kb.questions:
            for atom in (a for group in other.asked_when for a in group if a.subject == question.id):
                if atom.operand is not None and not isinstance(atom.operand, bool):
                    values |= {atom.operand - 1, atom.operand, atom.operand + 1}
        cast = int if question.type == "integer" else float
        values = sorted(cast(v) for v in values if question.min <= v <= question.max)
    else:
        values = ["text"]
    if question.allows_unsure:
        values.append(None)
    return [*values, MISSING]


def upstream(kb: KnowledgeBase, question: Question) -> list[str]:
    """The questions whose answers decide whether ``question`` is asked, transitively."""
    found: list[str] = []
    todo = [a.subject for group in question.asked_when for a in group]
    while todo:
        qid = todo.pop()
        if qid not in found:
            found.append(qid)
            todo += [a.subject for group in kb.question_by_id[qid].asked_when for a in group]
    return sorted(found, key=[q.id for q in kb.questions].index)


def disagreements(kb: KnowledgeBase, questionnaire: dict[str, Any]) -> list[str]:
    """Every combination of the deciding answers of every conditional question: where the
    FHIR reading of the exported enableWhen and the knowledge base's asked-when differ."""
    fhir = settings(kb)
    found = []
    for question in (q for q in kb.questions if q.asked_when):
        deciding = [kb.question_by_id[qid] for qid in upstream(kb, question)]
        for combo in itertools.product(*(candidates(kb, q) for q in deciding)):
            answers = {q.id: v for q, v in zip(deciding, combo, strict=True) if v is not MISSING}
            ours = question.id in {q.id for q in asked_questions(kb, answers)}
            fhir_values = {
                qid: next(iter(answer_item(fhir, kb.question_by_id[qid], v)["answer"][0].values()))
                for qid, v in answers.items()
            }
            theirs = question.id in enabled_items(questionnaire, fhir_values)
            # An "or" of "and" groups is widened in FHIR: it may be enabled when not asked here,
            # never the other way round (a form must not skip a question the rules need).
            if ours != theirs and not (theirs and widened(question)):
                found.append(f"{question.id} with {answers}: asked {ours}, enabled {theirs}")
    return found


def widened(question: Question) -> bool:
    groups = question.asked_when
    return len(groups) > 1 and any(len(group) > 1 for group in groups)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def questionnaire(kb: KnowledgeBase) -> dict[str, Any]:
    return build_questionnaire(kb)


def test_validates_as_r4_and_names_the_knowledge_base(kb, questionnaire):
    validate_resource(questionnaire)
    assert questionnaire["url"] == "https://knee-triage.example/fhir/Questionnaire/knee-triage"
    assert questionnaire["version"] == kb.version
    assert [i["linkId"] for i in questionnaire["item"]] == ["disclaimer", *(q.id for q in kb.questions)]
    notice = questionnaire["item"][0]
    assert notice["type"] == "display" and notice["text"] == kb.wording["disclaimer"] and "999" in notice["text"]


def test_every_question_keeps_its_text_type_help_and_limits(kb, questionnaire):
    items = {i["linkId"]: i for i in questionnaire["item"]}
    for q in kb.questions:
        item = items[q.id]
        assert item["text"] == q.text
        assert item["required"] is q.required
        assert item["item"][0]["text"] == q.help and item["item"][0]["type"] == "display"
    assert items["age"]["type"] == "integer"
    assert {e["url"].rsplit("/", 1)[1]: e["valueInteger"] for e in items["age"]["extension"]} == {
        "minValue": 18,
        "maxValue": 120,
    }
    assert items["height_cm"]["type"] == "decimal"
    assert items["notes"]["type"] == "text" and items["notes"]["maxLength"] == 2000
    assert items["oa_diagnosed"]["type"] == "boolean"  # not a red flag: a plain yes/no


def test_not_sure_is_an_answer_option_on_every_red_flag_and_only_there(kb, questionnaire):
    """On every red-flag and history question (1.2), and only there."""
    items = {i["linkId"]: i for i in questionnaire["item"]}
    for q in kb.questions:
        codes = [o["valueCoding"]["code"] for o in items[q.id].get("answerOption", [])]
        if q.allows_unsure:
            assert items[q.id]["type"] == "choice" and codes[-1] == "unsure", q.id
            assert items[q.id]["answerOption"][-1]["valueCoding"]["display"] == "not sure"
            assert codes[:-1] == (["yes", "no"] if q.type == "boolean" else list(q.choice_values))
        else:
            assert "unsure" not in codes
    swelling = [o["valueCoding"] for o in items["swelling"]["answerOption"]]
    assert [(c["code"], c["display"]) for c in swelling[:2]] == [("none", "not swollen"), ("mild", "slight puffiness")]


def test_enable_when_means_asked_when_exactly(kb, questionnaire):
    assert disagreements(kb, questionnaire) == []


def test_enable_when_examples(questionnaire):
    items = {i["linkId"]: i for i in questionnaire["item"]}
    assert [(e["question"], e["operator"], e["answerInteger"]) for e in items["tender_kneecap"]["enableWhen"]] == [
        ("injury_days_ago", "<=", 7)
    ]
    assert items["supervision_available"]["enableBehavior"] == "any"
    # 1.2: breathless is asked of everyone; clot_risk when the calf is "not sure" (either not
    # sure and neither yes), widened in FHIR to either calf answer "not sure"
    assert "enableWhen" not in items["breathless"]
    assert [(c["question"], c["answerCoding"]["code"]) for c in items["clot_risk"]["enableWhen"]] == [
        ("calf_swelling", "unsure"),
        ("calf_pain", "unsure"),
    ]
    assert items["clot_risk"]["enableBehavior"] == "any"
    # pregnant: age 55 or under and sex not male, where a left-out sex counts as not male
    pregnant = items["pregnant"]["enableWhen"]
    assert [(c["question"], c["operator"]) for c in pregnant] == [("age", "<="), ("sex", "!=")]
    assert items["pregnant"]["enableBehavior"] == "all"
    assert "enableWhen" not in items["age"]


def test_a_broken_enable_when_is_caught(kb, questionnaire):
    """Mutant: '<=' 7 written as '<' 7 (the day-7 injury would skip the Ottawa questions)."""
    broken = json.loads(json.dumps(questionnaire))
    for item in broken["item"]:
        for clause in item.get("enableWhen", []):
            if clause["operator"] == "<=":
                clause["operator"] = "<"
    found = disagreements(kb, broken)
    assert any(f.startswith("tender_kneecap with {'injury': True, 'injury_days_ago': 7}") for f in found)


def test_value_lists_and_and_groups_translate_exactly(tmp_path):
    """A mutant knowledge base with a choice list, a coded "or not sure" and a number in one "and" group."""
    kb = rules_copy(
        tmp_path,
        {
            "questions.toml": (
                'asked_when = [{ q = "osteoporosis", is = true }]',
                'asked_when = [{ q = "swelling", in = ["marked", "severe"] }, { q = "locking", or_unsure = true,'
                ' is = "stuck" }, { q = "pain_score", above = 3 }]',
            )
        },
    )
    questionnaire = build_questionnaire(kb)
    ops = [
        (c["question"], c["operator"])
        for c in {i["linkId"]: i for i in questionnaire["item"]}["fragility_fracture"]["enableWhen"]
    ]
    assert ("swelling", "exists") in ops and ("swelling", "!=") in ops  # "!=" alone holds with no answer
    assert disagreements(kb, questionnaire) == []


def test_an_or_of_and_groups_is_widened_never_narrowed(kb, questionnaire):
    """clot_risk: the knowledge base asks it when the calf is "not sure" and neither calf
    answer is yes; the form asks it whenever either is "not sure" (wider, never narrower)."""
    clot_risk = kb.question_by_id["clot_risk"]
    assert widened(clot_risk)
    fhir = settings(kb)

    def coded(qid, value):
        return next(iter(answer_item(fhir, kb.question_by_id[qid], value)["answer"][0].values()))

    for swelling, pain in itertools.product([True, False, None], repeat=2):
        answers = {"calf_swelling": swelling, "calf_pain": pain}
        ours = "clot_risk" in {q.id for q in asked_questions(kb, answers)}
        theirs = "clot_risk" in enabled_items(questionnaire, {q: coded(q, v) for q, v in answers.items()})
        assert ours == (None in (swelling, pain) and True not in (swelling, pain)), answers
        assert theirs == (None in (swelling, pain)), answers
        assert theirs or not ours  # never narrower


def test_an_or_of_and_groups_with_no_any_form_is_refused_and_rules_check_says_so(tmp_path):
    kb = rules_copy(
        tmp_path,
        {
            "questions.toml": (
                'asked_when = [{ q = "osteoporosis", is = true }]',
                'asked_when_any = [[{ q = "swelling", not_in = ["none", "mild"] }], [{ q = "falls",'
                ' is = "two-or-more" }, { q = "age", at_least = 60 }]]',
            )
        },
    )
    with pytest.raises(ExportError, match="fragility_fracture"):
        build_questionnaire(kb)
    assert any(p.startswith("fhir: question fragility_fracture") for p in check_knowledge_base(kb))
