"""What ``triage ask`` shows on a terminal: the question block, the prompt line, the help, the
urgent notice and the end screen, wrapped to the terminal's width. Pure: text in, text out.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..kb.records import KnowledgeBase, Question
from ..replies import number_words
from ..units import HINTS
from ..wrapping import wrap as wrap_lines

if TYPE_CHECKING:  # only for hints
    from ..flow import Flow, Outcome

WIDTH = 80  # the default; a console may say its real width (``Console.width``)

TOO_YOUNG = (
    "Thank you. This tool is written for adults (18 and over), so it cannot advise about knee pain "
    "in someone younger. Please ask a doctor, nurse or pharmacist instead. In an emergency call your "
    "emergency number (999 in the UK, 112 in Europe, 911 in the US)."
)


def too_young_text(kb: KnowledgeBase, width: int = WIDTH) -> str:
    """The stop for someone under 18, then when to get help (the knowledge base's under_18)."""
    lines = wrap(TOO_YOUNG, width).split("\n")
    for item in (kb.advice[a] for a in kb.under_18 if a in kb.advice):
        lines += ["", *wrap(item.lead or item.text, width).split("\n")]
        lines += [line for point in item.points for line in _fill(point, width, "  - ", "    ").split("\n")]
        if item.details:
            lines += wrap(item.details, width).split("\n")
    return "\n".join(lines)


def question_text(question: Question, position: int, total: int, width: int = WIDTH) -> str:
    """The question block: progress marker, the question, and its options (if a list)."""
    marker = f"[{position}/{total}] "
    lines = [_fill(question.text, width, marker, " " * len(marker))]
    if question.type == "choice":
        lines += [_fill(label, width, f"  {i}  ", "     ") for i, (_, label) in enumerate(question.choices, start=1)]
        if question.allows_unsure:
            lines.append("  s  not sure")
    return "\n".join(lines)


def prompt_text(question: Question, unit: str | None = None) -> str:
    """The short line the answer is typed after (``unit``: a height or weight, any unit)."""
    kind = question.type
    if unit is not None:
        hint = HINTS[unit]
    elif kind == "boolean":
        hint = "y = yes, n = no, s = not sure" if question.allows_unsure else "y = yes, n = no"
    elif kind == "choice":
        hint = f"1-{len(question.choices)}" + (", or s = not sure" if question.allows_unsure else "")
    elif kind in ("integer", "number"):
        hint = number_words(question)
    else:
        hint = "type your answer"
    if not question.required:
        hint += "; Enter to skip"
    return f"({hint}) >"


def help_text(question: Question, width: int = WIDTH) -> str:
    lines = [question.help or "There is no more help for this question."]
    if question.allows_unsure:
        lines.append("If you cannot tell, answer s (not sure): that is a real answer, and better than guessing.")
    lines.append("Type < to go back to the previous question.")
    return "\n".join(_fill(line, width, "  ", "  ") for line in lines)


def urgent_notice(flow: Flow, question: Question, width: int = WIDTH) -> str:
    """Shown at once when the answers so far mean urgent-care-today, before the few questions
    that could still make it an emergency."""
    d = flow.assessment.disposition
    position, total = flow.position(question)
    rest = total - position + 1
    more = "One more quick question checks" if rest == 1 else f"{rest} more quick questions check"
    bar = "!" * min(60, width)
    return "\n".join(
        [
            "",
            bar,
            wrap(f"{d.title.upper()}. {d.summary}", width),
            bar,
            wrap(f"Your answers so far already mean this. {more} whether you need an ambulance instead.", width),
        ]
    )


def _fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """Wrapped to ``width`` as one block, never mid-word (a word longer than a line stays whole)."""
    return "\n".join(wrap_lines(text, width, first, rest))


def wrap(text: str, width: int = WIDTH) -> str:
    return "\n".join(wrap_lines(text, width))


def missing_message(questions: Iterable[Question]) -> list[str]:
    return [f"{q.id}: required, not answered ({q.text})" for q in questions]


def render_end(
    outcome: Outcome,
    answers_path: Path | str,
    *,
    style: Callable[..., str] = lambda text, **_: text,
    width: int = WIDTH,
    command: str = "triage",
    report_line: str | None = None,
    full: bool = False,
    after: str | None = None,
) -> str:
    """The end of a run: the first screen (the answer, summary.first_screen), saying where the
    answers and the report are; then, with ``full``, the rest. No blank line first: in a
    24-line terminal every line of the first screen counts."""
    from ..summary import FIRST_SCREEN_LINES, first_screen, the_rest

    assessment = outcome.assessment
    if assessment is None:
        return ""
    path = shlex.quote(str(answers_path))
    if full:
        saved = f"Saved: {answers_path}."
    else:  # one line if it fits: the command names the file anyway
        saved = f"Saved: {answers_path}. All of it: {command} assess {path}"
        saved = saved if len(saved) <= width else f"All of it: {command} assess {path}"
    tail = [after] if after else []  # e.g. how to answer the rest, after leaving early
    if report_line:  # a report was written: always say where
        where, spare = [saved, report_line, *tail], []
    else:  # only a suggestion: the first line to go when the screen is full
        where, spare = [saved, *tail], [f"Report: {command} report {path} -o report.html"]
    lines = first_screen(assessment, width=width, style=style, where=where, spare=spare)
    if len(lines) > FIRST_SCREEN_LINES and not full:  # long paths: keep the headline on screen
        where = [f"All of it: {command} assess {path}", *([report_line] if report_line else []), *tail]
        lines = first_screen(assessment, width=width, style=style, where=where)
    if full:
        lines += the_rest(assessment, width=width, style=style)
    return "\n".join(lines)
