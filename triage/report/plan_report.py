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
    from .report import check_targets, render_pdf, write_atomic

    targets = [Path(p) for p in (html_path, pdf_path) if p is not None]
    if not targets:
        raise ReportError(["nothing to write: give an HTML or a PDF file"])
    problems = check_targets(targets[0], pdf_path if html_path is not None else None, force)
    if html_path is None:  # a PDF only: check_targets checks its first path as a file, and the PDF extra
        problems += [p for p in check_targets(targets[0], targets[0], force) if p not in problems]
        problems = [p for p in problems if "cannot be the same file" not in p]
    if problems:
        raise ReportError(list(dict.fromkeys(problems)))
    html = render_plan(plan)
    outputs: list[tuple[Path, bytes]] = []
    if html_path is not None:
        outputs.append((Path(html_path), html.encode("utf-8")))
    if pdf_path is not None:
        outputs.append((Path(pdf_path), render_pdf(html)))
    written: list[Path] = []
    for path, data in outputs:
        try:
            write_atomic(path, data, overwrite=force)
        except (ReportError, OSError) as error:
            if not written:
                raise
            reason = error.problems if isinstance(error, ReportError) else [f"{path}: {error.strerror or error}"]
            raise ReportError(reason, written) from None
        written.append(path)
    return written
