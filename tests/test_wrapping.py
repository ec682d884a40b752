"""One text wrapper (triage/wrapping.py) for the plain-text result and `triage ask`'s screens,
which each had a near-copy: the screens are exactly what they were (the old code's
textwrap.fill reference, below), at every width, for every question."""

from __future__ import annotations

import inspect
import textwrap

import pytest

from triage import summary, wrapping
from triage.cli import terminal_text
from triage.kb.load import load_knowledge_base

KB = load_knowledge_base()
WIDTHS = (5, 20, 33, 40, 57, 80, 120)


def old_fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """terminal_text._fill before the two copies became one."""
    return textwrap.fill(
        text,
        max(width, 20),
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def test_there_is_one_wrapper() -> None:
    assert summary.wrap is wrapping.wrap
    assert "textwrap" not in inspect.getsource(terminal_text)
    assert "textwrap" not in inspect.getsource(summary)


@pytest.mark.parametrize("width", WIDTHS)
def test_question_blocks_and_help_are_unchanged(width: int) -> None:
    for question in KB.questions:
        marker = "[3/40] "
        expected = [old_fill(question.text, width, marker, " " * len(marker))]
        if question.type == "choice":
            expected += [
                old_fill(label, width, f"  {i}  ", "     ") for i, (_, label) in enumerate(question.choices, start=1)
            ]
            if question.allows_unsure:
                expected.append("  s  not sure")
        assert terminal_text.question_text(question, 3, 40, width) == "\n".join(expected)
        lines = [question.help or "There is no more help for this question."]
        if question.allows_unsure:  # red flags and history questions
            lines.append("If you cannot tell, answer s (not sure): that is a real answer, and better than guessing.")
        lines.append("Type < to go back to the previous question.")
        assert terminal_text.help_text(question, width) == "\n".join(
            old_fill(line, width, "  ", "  ") for line in lines
        )


@pytest.mark.parametrize("width", WIDTHS)
def test_paragraph_text_is_unchanged(width: int) -> None:
    texts = [terminal_text.TOO_YOUNG, KB.wording["disclaimer"], "", "a\n\nb", "x" * 90 + " short-hyphenated-word end"]
    for text in texts:
        old = "\n".join(old_fill(paragraph, width) for paragraph in text.split("\n"))
        assert terminal_text.wrap(text, width) == old
