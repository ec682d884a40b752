"""Case corpora: run patient-case files against a knowledge base; write new ones.

A case file is one JSON object: ``{"id", "description", "answers": {...}, "expected",
"urgency", "reason"}`` (docs/cases.md). A case passes when the assessment gives the
expected disposition. A miss is under-triage when the urgency is lower than expected,
over-triage when higher, and "wrong tier" when the urgency is the same (the four self-care
tiers share urgency 0). No I/O here: the CLI (triage/cli/cases.py) reads and writes the files.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..answers import CASE_KEYS, AnswersError, printable, shown, shown_key
from ..assessment import Assessment, assess
from ..kb.records import KnowledgeBase

VERDICTS = ("pass", "under-triage", "over-triage", "wrong-tier", "error")


@dataclass(frozen=True)
class CaseOutcome:
    id: str
    file: str
    expected: str | None = None
    expected_urgency: int | None = None
    got: str | None = None
    urgency: int | None = None
    deciding: tuple[str, ...] = ()  # the fired rules whose floor is the disposition
    problems: tuple[str, ...] = ()  # an unreadable or invalid case file
    ignored: tuple[str, ...] = ()  # top-level keys that are not part of a case (tags, notes...)

    @property
    def verdict(self) -> str:
        if self.problems or self.urgency is None or self.expected_urgency is None:
            return "error"
        if self.got == self.expected:
            return "pass"
        if self.urgency < self.expected_urgency:
            return "under-triage"
        return "over-triage" if self.urgency > self.expected_urgency else "wrong-tier"


def wrap_block(text: str, width: int = 80) -> str:
    """Fit each line to an 80-column terminal; a continued line is indented 4 more (fixed width: same bytes)."""
    out = []
    for line in text.split("\n"):
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.append(
            textwrap.fill(
                line.strip(), width, initial_indent=indent, subsequent_indent=indent + "    ",
                break_long_words=False, break_on_hyphens=False,
            ) if line.strip() else ""
        )  # fmt: skip
    return "\n".join(out)


def deciding_rules(assessment: Assessment) -> tuple[str, ...]:
    return tuple(r.id for r in assessment.reasons)


def case_problems(raw: Any, kb: KnowledgeBase) -> list[str]:
    """What is wrong with a case file's frame (the answers are validated by assess)."""
    if not isinstance(raw, dict):
        return ["a case file is one JSON object"]
    problems = []
    if not isinstance(raw.get("answers"), dict):
        problems.append('needs "answers": {...} (an answers object)')
    expected = raw.get("expected")
    if expected not in kb.disposition_by_id:
        problems.append(f'"expected" should be one of {", ".join(kb.disposition_by_id)}, not {shown(expected)}')
    elif "urgency" in raw and raw["urgency"] != kb.disposition_by_id[expected].urgency:
        right = kb.disposition_by_id[expected].urgency
        problems.append(f'"urgency" {shown(raw["urgency"])} is not the urgency of {expected} ({right})')
    if "id" in raw and not isinstance(raw["id"], str):
        problems.append('"id" should be text')
    return problems  # other keys (tags, notes, source...) are the corpus owner's: ignored, reported once


def run_case(raw: Any, kb: KnowledgeBase, file: str, default_id: str) -> CaseOutcome:
    case_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else default_id
    # Ids and file names are shown on a terminal and written to XML: escaped and bounded here, once.
    case_id, file = printable(case_id), printable(file)
    ignored = tuple(sorted(str(k) for k in set(raw) - CASE_KEYS)) if isinstance(raw, dict) else ()
    problems = case_problems(raw, kb)
    if problems:
        return CaseOutcome(case_id, file, problems=tuple(problems), ignored=ignored)
    expected = kb.disposition_by_id[raw["expected"]]
    try:
        result = assess(raw["answers"], kb=kb)
    except AnswersError as error:
        problems = list(error.problems)
        return CaseOutcome(case_id, file, expected.id, expected.urgency, problems=tuple(problems), ignored=ignored)
    return CaseOutcome(
        case_id,
        file,
        expected.id,
        expected.urgency,
        result.disposition.id,
        result.urgency,
        deciding_rules(result),
        ignored=ignored,
    )


def ignored_line(outcomes: list[CaseOutcome]) -> str | None:
    """Keys that are not part of a case, said once for the corpus: "ignored: notes (2 files), tags (16 files)"."""
    tally: dict[str, int] = {}
    for outcome in outcomes:
        for key in outcome.ignored:
            tally[key] = tally.get(key, 0) + 1
    if not tally:
        return None
    keys = ", ".join(f"{shown_key(k)} ({n} file{'s' if n != 1 else ''})" for k, n in sorted(tally.items()))
    return f"ignored (not part of a case): {keys}"


def error_outcome(file: str, default_id: str, problems: list[str]) -> CaseOutcome:
    return CaseOutcome(printable(default_id), printable(file), problems=tuple(printable(p, 1000) for p in problems))


def counts(outcomes: list[CaseOutcome]) -> dict[str, int]:
    tally = Counter(o.verdict for o in outcomes)
    return {"cases": len(outcomes), **{v: tally.get(v, 0) for v in VERDICTS}}


def outcome_line(o: CaseOutcome) -> str:
    if o.verdict == "error":
        return f"ERROR {o.id} ({o.file}): " + "; ".join(o.problems)
    if o.verdict == "pass":
        return f"pass  {o.id}: {o.got}"
    because = f"; decided by {', '.join(o.deciding)}" if o.deciding else "; no rule set a floor"
    return (
        f"FAIL  {o.id}: expected {o.expected} (urgency {o.expected_urgency}), "
        f"got {o.got} (urgency {o.urgency}): {o.verdict}{because}"
    )


def summary_line(outcomes: list[CaseOutcome], kb: KnowledgeBase) -> str:
    c = counts(outcomes)
    failed = c["cases"] - c["pass"]
    return (
        f"{c['cases']} cases: {c['pass']} passed, {failed} failed "
        f"({c['under-triage']} under-triage, {c['over-triage']} over-triage, {c['wrong-tier']} wrong tier, "
        f"{c['error']} invalid); knowledge base {kb.version} (sha256 {kb.sha256[:16]}...)"
    )


def summary_json(outcomes: list[CaseOutcome], kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "knowledge_base": {"version": kb.version, "sha256": kb.sha256},
        "counts": counts(outcomes),
        "cases": [
            {
                "id": o.id,
                "file": o.file,
                "verdict": o.verdict,
                "expected": o.expected,
                "expected_urgency": o.expected_urgency,
                "got": o.got,
                "urgency": o.urgency,
                "deciding_rules": list(o.deciding),
                "problems": list(o.problems),
            }
            for o in outcomes
        ],
    }


def summary_junit(outcomes: list[CaseOutcome], kb: KnowledgeBase) -> bytes:
    """JUnit XML, the format CI systems read: one testcase per case, a failure per miss."""
    c = counts(outcomes)
    suite = ET.Element(
        "testsuite",
        name=f"triage cases (knowledge base {kb.version})",
        tests=str(c["cases"]),
        failures=str(c["cases"] - c["pass"] - c["error"]),
        errors=str(c["error"]),
    )
    for o in outcomes:
        case = ET.SubElement(suite, "testcase", classname="triage.governance.cases", name=o.id, file=o.file)
        if o.verdict == "error":
            ET.SubElement(case, "error", message="invalid case").text = "\n".join(o.problems)
        elif o.verdict != "pass":
            ET.SubElement(case, "failure", message=o.verdict, type=o.verdict).text = outcome_line(o)
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True) + b"\n"


def new_case(answers: dict[str, Any], result: Assessment, case_id: str, description: str) -> dict[str, Any]:
    """A case file recording today's result, for a clinician to review before it joins a corpus."""
    deciding = deciding_rules(result)
    rules = f"decided by {', '.join(deciding)}" if deciding else "no rule set a floor"
    return {
        "id": case_id,
        "description": description,
        "answers": answers,
        "expected": result.disposition.id,
        "urgency": result.urgency,
        "reason": (
            f"RECORDED, NOT YET REVIEWED: the result of knowledge base {result.kb.version} ({rules}). "
            "A clinician checks it against docs/policy.md and rewrites this reason as the policy line."
        ),
    }
