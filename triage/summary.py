"""The plain-text result, first screen first (no I/O, no front end).

The first screen (at most FIRST_SCREEN_LINES lines at the given width) is the answer: the
headline with its urgency word and timeframe, the three most important things to do now,
when to get help (the whole safety net), and where the full result and the report are.
The rest (how-to details, questions to get checked, why, the disclaimer) follows with
``full=True``. Text is wrapped to the width given, never mid-word; colour is only ever an
extra through ``style`` (the urgency word is always there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .assessment import Assessment
from .wrapping import wrap

MARKS = {0: "OK", 1: "BOOK", 2: "SOON", 3: "TODAY", 4: "NOW"}
COLOURS = {0: "green", 1: "cyan", 2: "yellow", 3: "red", 4: "red"}
DEFAULT_WIDTH = 80
FIRST_SCREEN_LINES = 23  # of a 24-line terminal: the last line is the shell's prompt
TOP_ADVICE = 3

Style = Callable[..., str]


def plain(text: str, **_: object) -> str:
    return text


def headline(assessment: Assessment, width: int = DEFAULT_WIDTH, style: Style = plain) -> list[str]:
    """The urgency word and the disposition (colour only as an extra), then when."""
    d = assessment.disposition
    text = f"[{MARKS.get(d.urgency, '!')}] {d.title.upper()}"
    lines = [style(line, fg=COLOURS.get(d.urgency), bold=True) for line in wrap(text, width, hanging="  ")]
    return [*lines, *wrap(f"When: {d.timeframe}.", width)]


def first_screen(
    assessment: Assessment, *, width: int = DEFAULT_WIDTH, style: Style = plain, where: Sequence[str] = ()
) -> list[str]:
    """The answer, in at most FIRST_SCREEN_LINES lines for every result of the knowledge base
    (tests/test_first_screen.py checks every shared case). ``where`` says where the rest is."""
    *lines, when = headline(assessment, width, style)
    if assessment.early_stop is not None:
        lines += wrap(assessment.early_stop.reason, width)
    heading = f"{when} What to do now:"  # one line: the first screen has no line to spare
    lines += wrap(heading, width) if len(heading) > width else [style(heading, bold=True)]
    top = assessment.advice[:TOP_ADVICE]
    for number, item in enumerate(top, start=1):
        lines += wrap(item.text, width, f"{number}. ")
    lines.append(style("Get help if:", bold=True))
    for item in assessment.safety_net:
        lines += wrap(item.text, width, "- ")
    for line in where:
        lines += wrap(line, width, hanging="    ")
    return lines


def the_rest(assessment: Assessment, *, width: int = DEFAULT_WIDTH, style: Style = plain) -> list[str]:
    """Everything the first screen leaves out."""
    kb = assessment.kb
    lines = ["", style("All the advice:", bold=True)]
    for number, item in enumerate(assessment.advice, start=1):
        lines += wrap(item.text, width, f"  {number}. ")
        if item.details:
            lines += wrap(item.details, width, "      ")
    if assessment.not_sure:
        lines += ["", style("Get these checked (you were not sure):", bold=True)]
        lines += [line for q in assessment.not_sure for line in wrap(kb.question_by_id[q].text, width, "  - ")]
    if assessment.reasons:  # the rules that set the result; lower findings apart, by title only
        lines += ["", style("Why:", bold=True)]
        for rule in assessment.reasons:
            keys = ", ".join(dict.fromkeys(c.source for c in rule.cite))
            lines += wrap(f"{rule.because} [{rule.id}; {keys}]", width, "  - ")
    if assessment.also_noted:
        lines += ["", style("Also noted:", bold=True)]
        lines += [line for rule in assessment.also_noted for line in wrap(f"{rule.title} [{rule.id}]", width, "  - ")]
    if assessment.early_stop is not None:
        count = len(assessment.early_stop.not_asked)
        lines += ["", *wrap(f"Not asked: {count} questions ({kb.wording['not_asked_early']}).", width)]
    lines += ["", *wrap(kb.wording["disclaimer"], width)]
    lines += wrap(f"Knowledge base {kb.version} (sha256 {kb.sha256[:12]}).", width)
    return lines


def render_summary(
    assessment: Assessment,
    *,
    width: int = DEFAULT_WIDTH,
    style: Style = plain,
    where: Sequence[str] = (),
    full: bool = True,
) -> str:
    """The first screen, then (``full``) the rest."""
    lines = first_screen(assessment, width=width, style=style, where=where)
    if full:
        lines += the_rest(assessment, width=width, style=style)
    return "\n".join(lines)
