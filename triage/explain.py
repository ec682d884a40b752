"""How did we conclude this? The chain from the disposition down to the person's answers.

Read off the engine's trace: each firing records the facts it matched, and each derived
fact records the firing that produced it, so the chain is followed, not reconstructed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .assessment import Assessment
from .engine.engine import FactRecord
from .kb.records import Citation, KnowledgeBase


@dataclass(frozen=True)
class Step:
    """One node of the explanation: a fired rule, or an answer it matched."""

    label: str
    rule_id: str | None = None
    sources: tuple[str, ...] = ()
    children: tuple[Step, ...] = field(default_factory=tuple)


def describe_answer(kb: KnowledgeBase, question_id: str, value: Any) -> str:
    question = kb.question_by_id.get(question_id)
    if question is None:
        return f'you answered "{value}" to: {question_id}'
    shown = question.answer_words(value)
    if question.type == "choice" and value is not None and shown != value:
        shown = f"{value}: {shown}"  # the value id too, so a clinician can match it to the rules
    text = question.text
    return f'you answered "{shown}" to: {text} [{question_id}]'


def cite_text(cite: Citation) -> str:
    detail = f'"{cite.quote}"' if cite.quote else cite.locator
    return f"{cite.source}: {detail}" if detail else cite.source


def explain(assessment: Assessment, *, everything: bool = False) -> list[Step]:
    """Steps for the rules that set the final disposition (or every fired rule)."""
    kb, run = assessment.kb, assessment.run
    rules = {r.id: r for r in kb.rules}
    order = {r.id: i for i, r in enumerate(kb.rules)}

    def fact_step(record: FactRecord) -> Step:
        if record.kind == "answer":
            return Step(describe_answer(kb, record.name, record.value))
        label = f"finding: {record.name}" if record.kind == "finding" else f"{record.name} = {record.value}"
        producer = run.firings[record.produced_by] if record.produced_by is not None else None
        return Step(label, children=(firing_step(producer),) if producer else ())

    def firing_step(firing: Any) -> Step:
        rule = rules[firing.rule_id]
        floor = f" -> at least {rule.floor}" if rule.floor else ""
        children = tuple(fact_step(run.facts[i]) for i in firing.matched if i in run.facts)
        return Step(f"{rule.id}: {rule.title}{floor}", rule.id, tuple(cite_text(c) for c in rule.cite), children)

    # everything: every fired rule the person may be shown at this urgency (Assessment.shows);
    # the JSON result keeps the others.
    wanted = [
        f
        for f in run.firings
        if (everything and assessment.shows(rules[f.rule_id])) or rules[f.rule_id].floor == assessment.disposition.id
    ]
    steps = sorted((firing_step(f) for f in wanted), key=lambda s: (order[s.rule_id or ""], _flat(s)))
    return _one_per_rule(steps)


def _one_per_rule(steps: list[Step]) -> list[Step]:
    """A rule that fired on several alternatives (eleven "not sure" answers) is shown once,
    with every answer or finding that matched, each once."""
    merged: dict[str | None, Step] = {}
    for step in steps:
        seen = merged.get(step.rule_id)
        if seen is None:
            merged[step.rule_id] = step
        else:
            children = tuple(dict.fromkeys((*seen.children, *step.children)))
            merged[step.rule_id] = Step(seen.label, seen.rule_id, seen.sources, children)
    return list(merged.values())


def _flat(step: Step) -> str:
    return step.label + "|" + "|".join(_flat(c) for c in step.children)


def render_text(assessment: Assessment, steps: list[Step]) -> str:
    d = assessment.disposition
    lines = [f"Result: {d.id} ({d.title}; {d.timeframe})", ""]
    if assessment.early_stop is not None:
        from .summary import unanswered_lines

        lines += [assessment.early_stop.reason, *unanswered_lines(assessment), ""]
    if not steps:
        lines.append("No rule raised the result: nothing in your answers needs more than walking as you do.")
    else:
        lines.append("Because:")
    for step in steps:
        _render(step, lines, "", True)
    hidden = [r.id for r in assessment.fired if not assessment.shows(r)]
    if hidden:
        lines += ["", f"Left out at this urgency (self-care; see `triage assess --format json`): {', '.join(hidden)}."]
    return "\n".join(lines)


def _render(step: Step, lines: list[str], prefix: str, last: bool) -> None:
    branch = "`-- " if last else "|-- "
    lines.append(f"{prefix}{branch}{step.label}")
    inner = prefix + ("    " if last else "|   ")
    for source in step.sources:
        lines.append(f"{inner}   source {source}")
    for i, child in enumerate(step.children):
        _render(child, lines, inner, i == len(step.children) - 1)


_TREE = re.compile(r"^[ |`-]*")  # the tree's drawing at the start of a line


def wrap_tree(text: str, width: int) -> str:
    """The explanation wrapped to ``width``, never mid-word: a long line carries on under its
    own text, with the tree's bars kept ("|" goes on, "`--" and "|--" become spaces)."""
    from .wrapping import wrap

    lines: list[str] = []
    for line in text.split("\n"):
        prefix = _TREE.match(line).group(0)
        hanging = prefix.replace("`--", "   ").replace("|--", "|  ").replace("-", " ") + "    "
        if len(hanging) > width // 2:
            hanging = "    "
        lines += wrap(line[len(prefix) :], width, prefix, hanging) if line.strip() else [line]
    return "\n".join(lines)
