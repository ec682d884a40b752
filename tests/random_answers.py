"""Random valid answer sets, without hypothesis: for the CLIPS differential test and the benchmark.

Each question that is asked (given the earlier answers) is answered at random from its own
domain: yes/no, a choice, a number in range (often at a rule boundary), "not sure" on red
flags. Reassuring answers are favoured so that the lower dispositions are reached too.
"""

from __future__ import annotations

import random
from typing import Any

from triage.kb.conditions import condition_holds
from triage.kb.records import KnowledgeBase, Question


def _boundaries(kb: KnowledgeBase, qid: str) -> list[float]:
    values: list[float] = []
    for rule in kb.rules:
        for group in rule.when:
            for atom in group:
                if atom.kind == "answer" and atom.subject == qid and isinstance(atom.operand, int | float):
                    values += [atom.operand - 1, atom.operand, atom.operand + 1]
    return values


def _value(kb: KnowledgeBase, question: Question, rng: random.Random) -> Any:
    if question.red_flag and rng.random() < 0.04:
        return None
    rare = 0.08 if question.red_flag else 0.4  # chance of leaving the usual answer
    if question.type == "boolean":
        usual = question.id in ("can_bear_weight", "can_bend_90")  # the two "can you" questions
        return usual if rng.random() >= rare else not usual
    if question.type == "choice":
        values = question.choice_values
        return values[0] if rng.random() >= rare else rng.choice(values)
    if question.type in ("integer", "number"):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 100
        near = [v for v in _boundaries(kb, question.id) if low <= v <= high]
        value = rng.choice(near) if near and rng.random() < 0.5 else rng.uniform(low, high)
        return round(value) if question.type == "integer" else round(value, 1)
    return "Sam"  # free text (the name)


def random_answers(kb: KnowledgeBase, rng: random.Random) -> dict[str, Any]:
    """One valid answers object: every asked question answered, some optional ones left out."""
    answers: dict[str, Any] = {}
    for question in kb.questions:
        if not condition_holds(question.asked_when, answers):
            continue
        if not question.required and rng.random() < 0.15:
            continue
        answers[question.id] = _value(kb, question, rng)
    return answers


def random_answer_sets(kb: KnowledgeBase, count: int, seed: int = 14) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [random_answers(kb, rng) for _ in range(count)]
