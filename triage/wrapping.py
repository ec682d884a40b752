"""Text wrapped for a terminal, never mid-word: the one wrapper the plain-text result
(triage/summary.py) and `triage ask`'s screens (triage/cli/terminal_text.py) share. No imports
from triage, so the questionnaire can use it without loading the engine."""

from __future__ import annotations

import textwrap


def wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """Lines of at most ``width`` characters (a longer word stays whole), paragraphs kept.

    ``indent`` starts each paragraph; later lines start with ``hanging`` (default: as many
    spaces as ``indent``). A width under 20 is taken as 20."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph,
            width=max(width, 20),
            initial_indent=indent,
            subsequent_indent=" " * len(indent) if hanging is None else hanging,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return lines
