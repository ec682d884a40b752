"""The printable report: one self-contained HTML file (and optionally a PDF).

The HTML is rendered from the Jinja2 templates in reports/ (autoescaped, StrictUndefined)
with everything inline (CSS, SVG icons, system fonts): it works offline and prints on A4
and US Letter. Every clinical statement in it comes from the knowledge base; this module
only arranges it. The same assessment and the same ``now`` give the same bytes.

Library API (also used by ``triage ask -o``)::

    render_report(assessment, *, now) -> str
    write_outputs(assessment, html_path, pdf_path=None, *, force=False, now=None) -> list[Path]
    report_time(value=None) -> datetime   # --now, else SOURCE_DATE_EPOCH, else the clock

The parts: view.py (the view model), clock.py (the time), pdf.py
(WeasyPrint), error.py, and templates.py (the Jinja environment, shared with the
rules diff). What stays here: rendering, and checking and writing the target files.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from ..assessment import Assessment
from ..io import files
from .clock import format_time, report_time
from .error import ReportError
from .pdf import PDF_HINT, pdf_available, pdf_missing, render_pdf
from .templates import environment
from .view import checked_red_flags, report_context

# The library API, and what triage/cli/report.py and the web import from here.
__all__ = [
    "PDF_HINT",
    "ReportError",
    "check_targets",
    "checked_red_flags",
    "format_time",
    "pdf_available",
    "pdf_missing",
    "render_pdf",
    "render_report",
    "report_context",
    "report_time",
    "write_outputs",
    "write_pdf",
]

TEMPLATE = "report.html.j2"


def render_report(assessment: Assessment, *, now: datetime) -> str:
    """The report as one self-contained HTML document (a str)."""
    return environment().get_template(TEMPLATE).render(report_context(assessment, now=now))


def write_pdf(
    assessment: Assessment, pdf_path: str | os.PathLike[str], *, force: bool = False, now: datetime | None = None
) -> list[Path]:
    """Only the PDF (``-o report.pdf``), with the same checks and atomic write as write_outputs."""
    target = Path(pdf_path)
    problems = check_targets(target, None, force)
    if not pdf_available():
        problems.append(pdf_missing() or PDF_HINT)
    if problems:
        raise ReportError(problems)
    data = render_pdf(render_report(assessment, now=now or report_time()))
    write_atomic(target, data, overwrite=force)
    return [target]


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """triage.io.files.write_atomic (owner-only: a report holds health data), with an existing
    file (and no ``overwrite``) or a device, FIFO or folder in the way as a ReportError."""
    try:
        files.write_atomic(path, data, overwrite=overwrite)
    except FileExistsError:
        raise ReportError([f"{path}: already exists (use --force to overwrite it)"]) from None
    except files.NotARegularFile as error:
        raise ReportError([str(error)]) from None


# check_targets and write_pdf stay next to render_report: they look pdf_available up in this
# module, the one callers (and tests standing in for a missing WeasyPrint) know.
def check_targets(html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str] | None, force: bool) -> list[str]:
    """Everything that would stop the report being written, before anything is rendered."""
    paths = [Path(html_path), *([Path(pdf_path)] if pdf_path is not None else [])]
    problems = []
    if len({p.resolve() for p in paths}) < len(paths):
        problems.append("the HTML and the PDF cannot be the same file")
    for path in paths:
        if path.is_dir():
            problems.append(f"{path}: is a folder")
        elif path.exists() and not (path.is_file() or path.is_symlink()):
            problems.append(f"{path}: not a regular file (a device, pipe or socket); it is never replaced")
        elif path.exists() and not force:
            problems.append(f"{path}: already exists (use --force to overwrite it)")
        elif not path.parent.is_dir():
            problems.append(f"{path.parent}: no such folder")
    if pdf_path is not None and not pdf_available():
        problems.append(pdf_missing() or PDF_HINT)
    return problems


def write_outputs(
    assessment: Assessment,
    html_path: str | os.PathLike[str],
    pdf_path: str | os.PathLike[str] | None = None,
    *,
    force: bool = False,
    now: datetime | None = None,
) -> list[Path]:
    """Write the HTML report (and the PDF, if asked) and return the paths written.

    Every check runs and everything is rendered before anything is written, and each file
    is written atomically: on any error (ReportError, OSError) no output is half-written,
    and an existing file is only replaced with ``force``. ``now`` defaults to report_time().
    """
    html_target = Path(html_path)
    pdf_target = Path(pdf_path) if pdf_path is not None else None
    problems = check_targets(html_target, pdf_target, force)
    if problems:
        raise ReportError(problems)
    html = render_report(assessment, now=now or report_time())
    outputs: list[tuple[Path, bytes]] = [(html_target, html.encode("utf-8"))]
    if pdf_target is not None:
        outputs.append((pdf_target, render_pdf(html)))
    return write_all(outputs, force)


def write_all(outputs: list[tuple[Path, bytes]], force: bool) -> list[Path]:
    """Write each rendered output atomically, in order; return the paths written. A failure
    after the first file says which files are there and complete, and why the next is not."""
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
