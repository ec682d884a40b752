"""The plain-text result for a terminal: disposition, what to do, why, and the safety net."""

from __future__ import annotations

import textwrap

import click

from .assessment import Assessment

MARKS = {0: "OK", 1: "BOOK", 2: "SOON", 3: "TODAY", 4: "NOW"}
COLOURS = {0: "green", 1: "cyan", 2: "yellow", 3: "red", 4: "red"}


def _wrap(text: str, indent: str = "  - ") -> str:
    return textwrap.fill(
        text, width=88, initial_indent=indent, subsequent_indent=" " * len(indent), break_on_hyphens=False
    )


def render_summary(assessment: Assessment, *, top_advice: int | None = None) -> str:
    d = assessment.disposition
    headline = f"[{MARKS.get(d.urgency, '!')}] {d.title.upper()}  ({d.timeframe})"
    lines = [click.style(headline, fg=COLOURS.get(d.urgency), bold=True), _wrap(d.summary, "    "), ""]
    advice = assessment.advice if top_advice is None else assessment.advice[:top_advice]
    lines.append("What to do now:")
    for item in advice:
        lines.append(_wrap(item.text))
        if item.details:
            lines.append(_wrap(item.details, "      "))
    if top_advice is not None and len(assessment.advice) > top_advice:
        lines.append(f"  ... and {len(assessment.advice) - top_advice} more: all of them are in the printable report.")
    if assessment.not_sure:
        lines += ["", "Get these checked (you were not sure):"]
        kb = assessment.kb
        lines += [_wrap(kb.question_by_id[q].text) for q in assessment.not_sure]
    if assessment.reasons:  # the rules that set the result; lower findings apart, by title only
        lines += ["", "Why:"]
        for rule in assessment.reasons:
            keys = ", ".join(dict.fromkeys(c.source for c in rule.cite))
            lines.append(_wrap(f"{rule.because} [{rule.id}; {keys}]"))
    if assessment.also_noted:
        lines += ["", "Also noted:"]
        lines += [_wrap(f"{rule.title} [{rule.id}]") for rule in assessment.also_noted]
    lines += ["", "Get help if:"]
    lines += [_wrap(item.text) for item in assessment.safety_net]
    lines += [
        "",
        _wrap(
            "This is not a diagnosis. It cannot examine you. In an emergency call your emergency number "
            "(999 in the UK, 112 in Europe, 911 in the US).",
            "",
        ),
    ]
    kb = assessment.kb
    lines.append(
        f"Knowledge base {kb.version} (sha256 {kb.sha256[:12]}). "
        "Run `triage explain FILE` to see how this was worked out."
    )
    return "\n".join(lines)
