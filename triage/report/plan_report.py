"""The printed walking plan: one self-contained HTML document (and optionally a PDF).

Library API (no I/O beyond the knowledge base's own files; no clock: the dates are the
plan's, so the same plan gives the same bytes)::

    render_plan(plan: Plan) -> str          # a complete HTML document
    write_plan_outputs(plan, html_path, pdf_path=None, *, force=False) -> list[Path]

The HTML is rendered from reports/plan.html.j2 with the report's Jinja environment
(autoescaped, StrictUndefined): the first page says what to do this week and when to get
help, with the check-ins' chart and table once there are any; the 6-week calendar has a page
of its own; then the exercises with their line drawings (reports/drawings/). Every word is
rules/plan.toml's ([walking_plan.wording], [walking_plan.printout], [[walking_plan.drawing]]).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..plan import Plan
from .error import ReportError
from .pdf import PDF_HINT
from .plan_view import plan_context
from .templates import environment

TEMPLATE = "plan.html.j2"


def render_plan(plan: Plan) -> str:
    """The plan as one self-contained HTML document (a str), to print or save."""
    return environment().get_template(TEMPLATE).render(plan_context(plan))


def write_plan_outputs(
    plan: Plan,
    html_path: str | os.PathLike[str] | None,
    pdf_path: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
) -> list[Path]:
    """Write the HTML (and the PDF, if asked; either may be None) and return the paths written.

    As the report's write_outputs: every check first, everything rendered before anything is
    written, each file atomic and owner-only, no existing file replaced without ``force``.
    """
    from .report import check_targets, pdf_available, pdf_missing, render_pdf, write_all

    paths = [Path(p) for p in (html_path, pdf_path) if p is not None]
    if not paths:
        raise ReportError(["nothing to write: give an HTML file, a PDF file or both"])
    problems = [p for path in paths for p in check_targets(path, None, force)]
    if len({p.resolve() for p in paths}) < len(paths):
        problems.append("the HTML and the PDF cannot be the same file")
    if pdf_path is not None and not pdf_available():
        problems.append(pdf_missing() or PDF_HINT)
    if problems:
        raise ReportError(problems)
    html = render_plan(plan)
    outputs: list[tuple[Path, bytes]] = []
    if html_path is not None:
        outputs.append((Path(html_path), html.encode("utf-8")))
    if pdf_path is not None:
        outputs.append((Path(pdf_path), render_pdf(html)))
    return write_all(outputs, force)
