"""`triage rules check` for the walking plan (rules/plan.toml): it loads, every citation
resolves (article quotes verbatim, clinical keys with a locator), the ladder keeps to the
weekly target, and every disposition it names is on the ladder at a urgency that gets a plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..kb.plan_params import PLAN_FILE, load_plan_parameters
from ..kb.plan_printout import drawings_dir, load_printout
from ..kb.records import Citation, KnowledgeBase, KnowledgeBaseError

# Sections that hold no number: who gets a plan (the ladder's own urgencies), question 5's
# questions (ids), the words, the printout's words (its drawings are cited one by one).
UNCITED = ("who", "changes", "wording", "printout")


def check_plan(
    kb: KnowledgeBase, check_citations: Callable[[KnowledgeBase, tuple[Citation, ...]], Iterable[str]]
) -> list[str]:
    """Every problem of plan.toml; ``check_citations`` is rules check's own (check.py)."""
    try:
        p = load_plan_parameters(kb)
    except KnowledgeBaseError as error:
        return list(error.problems)
    problems: list[str] = []
    for section, cites in p.citations.items():
        if section in UNCITED:
            continue
        if not cites:
            problems.append(f"{PLAN_FILE}: walking_plan.{section}: no citation")
        found = [*check_citations(kb, cites), *_clinical_quotes(kb, cites)]
        problems += [f"{PLAN_FILE}: walking_plan.{section}: {x}" for x in dict.fromkeys(found)]
    problems += [
        f"{PLAN_FILE}: ladder step {walks} x {minutes} = {walks * minutes} minutes is above the target of {p.target}"
        for walks, minutes in p.ladder
        if walks * minutes > p.target
    ]
    for name in (*p.minimum_for, *p.backward_for):
        d = kb.disposition_by_id.get(name)
        if d is None or d.urgency > p.max_urgency:
            problems.append(f"{PLAN_FILE}: {name!r} is not a disposition that gets a plan")
    if p.escalate_to not in kb.disposition_by_id or kb.disposition_by_id[p.escalate_to].urgency <= p.max_urgency:
        problems.append(f"{PLAN_FILE}: escalate_to {p.escalate_to!r} must be a disposition above the plan's urgency")
    return problems + _check_drawings(kb, check_citations)


def _check_drawings(
    kb: KnowledgeBase, check_citations: Callable[[KnowledgeBase, tuple[Citation, ...]], Iterable[str]]
) -> list[str]:
    """The printed plan's drawings: each cited (quotes verbatim) and its SVG file there."""
    try:
        printout = load_printout(kb)
    except KnowledgeBaseError as error:
        return list(error.problems)
    problems = []
    for d in printout.drawings:
        found = [*check_citations(kb, d.cite), *_clinical_quotes(kb, d.cite)]
        problems += [f"{PLAN_FILE}: walking_plan.drawing {d.id}: {x}" for x in dict.fromkeys(found)]
        if not (drawings_dir() / d.file).is_file():
            problems.append(f"{PLAN_FILE}: walking_plan.drawing {d.id}: no file reports/drawings/{d.file}")
    return problems


def _clinical_quotes(kb: KnowledgeBase, cites: tuple[Citation, ...]) -> list[str]:
    """A clinical source with a file of the passages retrieved: every quote must be in it."""
    problems = []
    for cite in cites:
        source = kb.sources.get(cite.source)
        if source is None or source.kind == "article" or not cite.quote:
            continue
        if not source.file:
            problems.append(f"quotes {cite.source}, which has no file to check the quote in")
        elif not (kb.root / source.file).is_file():
            problems.append(f"source {cite.source}: file {source.file!r} not found")
        elif cite.quote not in kb.article_text(source.key):
            problems.append(f"quote not found in {cite.source}: {cite.quote!r}")
    return problems
