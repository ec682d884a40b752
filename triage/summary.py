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
COLOURS = {0: "green", 1: "cyan", 2: "yellow", 3: "red", 4: "white"}
DEFAULT_WIDTH = 80
# The end screen stays on screen in a 23-row pane (a tmux status line, a two-line prompt):
# at most 20 lines at 80 columns. The answer (headline, when, the stop, the safety net, the
# "not sure" answers, where the rest is) always shows; the things to do now fill what is
# left, at least MIN_ADVICE and at most TOP_ADVICE.
FIRST_SCREEN_LINES = 20
TOP_ADVICE = 3
MIN_ADVICE = 2  # the things to do now always shown, however long the rest
EMERGENCY = 4
BANNER = "#"  # the emergency frame: the most striking screen, without colour

Style = Callable[..., str]


def plain(text: str, **_: object) -> str:
    return text


def headline(assessment: Assessment, width: int = DEFAULT_WIDTH, style: Style = plain) -> list[str]:
    """The urgency word and the disposition (colour only as an extra), then when. An
    emergency is framed by full-width rows of #, stronger than any other screen."""
    d = assessment.disposition
    text = f"[{MARKS.get(d.urgency, '!')}] {d.title.upper()}"
    when = wrap(f"When: {d.timeframe}.", width)
    if d.urgency >= EMERGENCY:
        bar = BANNER * width
        inner = wrap(text, width, f"{BANNER * 2}  ", f"{BANNER * 2}  ")
        framed = [bar, *inner, bar]
        return [*(style(line, fg="white", bg="red", bold=True) for line in framed), *when]
    lines = [style(line, fg=COLOURS.get(d.urgency), bold=True) for line in wrap(text, width, hanging="  ")]
    return [*lines, *when]


def upward_safety_net(assessment: Assessment) -> list:
    """The safety-net items that send the person higher than the result (rules/screens.toml)."""
    points_to = assessment.kb.safety_net_points_to
    return [item for item in assessment.safety_net if points_to.get(item.id, EMERGENCY + 1) > assessment.urgency]


def not_sure_lines(
    assessment: Assessment, width: int = DEFAULT_WIDTH, style: Style = plain, listed: bool = True
) -> list[str]:
    """The "not sure" answers, by their short labels, in one wrapped paragraph (or only
    their number, when the screen has no room)."""
    if not assessment.not_sure:
        return []
    kb = assessment.kb
    count = len(assessment.not_sure)
    names = "; ".join(kb.label(q) for q in assessment.not_sure) if listed else f"{count} questions (see all of it)"
    heading = "Get these checked (you were not sure):"
    lines = wrap(f"{heading} {names}.", width)  # wrapped plain: escape codes take no room
    lines[0] = style(heading, bold=True) + lines[0][len(heading) :]
    return lines


def first_screen(
    assessment: Assessment,
    *,
    width: int = DEFAULT_WIDTH,
    style: Style = plain,
    where: Sequence[str] = (),
    spare: Sequence[str] = (),
) -> list[str]:
    """The answer, in at most FIRST_SCREEN_LINES lines at 80 columns for every result of the
    knowledge base (tests/test_first_screen.py checks every shared case). ``where`` says
    where the rest is; ``spare`` lines come last, only if they fit. When the answer is long,
    first the things to do shrink to MIN_ADVICE, then to one, then the "not sure" list to
    its count, then the unanswered emergency questions to their count (1.2 has four long
    ones); the headline, when, the early stop and the safety net are never cut."""
    lines: list[str] = []
    steps = ((MIN_ADVICE, True, True), (1, True, True), (1, False, True), (1, False, False))
    for min_advice, list_unsure, list_unanswered in steps:
        lines = _screen(assessment, width, style, where, spare, min_advice, list_unsure, list_unanswered)
        if len(lines) <= FIRST_SCREEN_LINES:
            break
    return lines


def _screen(
    assessment: Assessment,
    width: int,
    style: Style,
    where: Sequence[str],
    spare: Sequence[str],
    min_advice: int,
    list_unsure: bool,
    list_unanswered: bool = True,
) -> list[str]:
    *top_lines, when = headline(assessment, width, style)
    if assessment.early_stop is not None:
        top_lines += wrap(assessment.early_stop.reason, width)
        top_lines += unanswered_lines(assessment, width, listed=list_unanswered)
    heading = f"{when} What to do now:"  # one line: the first screen has no line to spare
    top_lines += wrap(heading, width) if len(heading) > width else [style(heading, bold=True)]
    bottom = []
    for item in upward_safety_net(assessment):
        bottom += wrap(item.text, width, "- ")
    bottom = [style("Get help if:", bold=True), *bottom] if bottom else []
    bottom += not_sure_lines(assessment, width, style, list_unsure)
    for line in where:
        bottom += wrap(line, width, hanging="    ")
    room = FIRST_SCREEN_LINES - len(top_lines) - len(bottom)
    advice: list[str] = []
    for number, item in enumerate(assessment.advice[:TOP_ADVICE], start=1):
        lines = wrap(assessment.kb.advice_text(item), width, f"{number}. ")
        if number > min_advice and len(advice) + len(lines) > room:
            if len(advice) < room:
                advice.append(f"   (and {len(assessment.advice) - number + 1} more: see all of it)")
            break
        advice += lines
    extra = [line for text in spare for line in wrap(text, width, hanging="    ")]
    if len(top_lines) + len(advice) + len(bottom) + len(extra) > FIRST_SCREEN_LINES:
        extra = []
    return [*top_lines, *advice, *bottom, *extra]


def unanswered_lines(assessment: Assessment, width: int = DEFAULT_WIDTH, listed: bool = True) -> list[str]:
    """The questions that could still have made it an emergency, when the person left first;
    with ``listed`` false, only how many (when the knowledge base has the wording for it)."""
    stop = assessment.early_stop
    if stop is None or not stop.unanswered:
        return []
    kb = assessment.kb
    count_text = kb.wording.get("unanswered_emergency_count")
    if not listed and count_text:
        return wrap(count_text.format(count=len(stop.unanswered)), width)
    lines = wrap(kb.wording["unanswered_emergency"], width)
    for qid in stop.unanswered:
        lines += wrap(kb.question_by_id[qid].text, width, "  - ")
    return lines


def the_rest(assessment: Assessment, *, width: int = DEFAULT_WIDTH, style: Style = plain) -> list[str]:
    """Everything the first screen leaves out."""
    kb = assessment.kb
    lines = ["", style("All the advice:", bold=True)]
    for number, item in enumerate(assessment.advice, start=1):
        lines += wrap(kb.advice_text(item), width, f"  {number}. ")
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
