"""`triage report`: write the printable report (HTML, and a PDF with the [pdf] extra).

The report options and the writing are shared with `triage ask -o`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..assessment import Assessment
from .common import FROM_FHIR, assess_file, fail


def report_options(html_required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """-o/--output, --pdf, --force and --now, for `report` and `ask`."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option(
                "-o",
                "--output",
                "html_path",
                required=html_required,
                metavar="REPORT.html",
                help="Where to write the HTML report (a name ending in .pdf writes a PDF instead, with the pdf extra).",
            ),
            click.option(
                "--pdf",
                "pdf_path",
                metavar="REPORT.pdf",
                help="Also write a PDF (needs the pdf extra: pip install 'knee-triage[pdf]').",
            ),
            click.option("--force", is_flag=True, help="Overwrite report files that already exist."),
            click.option(
                "--now",
                "now_text",
                metavar="DATETIME",
                help="The time printed on the report (ISO 8601, e.g. 2026-01-31T09:00), for reproducible reports. "
                "Default: $SOURCE_DATE_EPOCH if set, else the current time.",
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def check_report_options(html_path: str | None, pdf_path: str | None, force: bool, now_text: str | None) -> datetime:
    """Fail (exit 2) now, before any work, if the report could not be written; return its time."""
    from ..report.report import check_targets

    if pdf_path is not None and html_path is None:
        fail(["--pdf needs -o REPORT.html too"], "bad option")
    if wants_pdf_only(html_path, pdf_path):  # -o report.pdf: a real PDF, or a clear no
        from ..report.report import PDF_HINT, check_targets, pdf_available, pdf_missing

        hint = "" if pdf_available() else pdf_missing() or PDF_HINT
        why = "a PDF needs the pdf extra" if hint == PDF_HINT else "no PDF can be made"
        problems = [f"-o {html_path}: {why}. {hint}"] if hint else []
        problems += check_targets(str(html_path), None, force)
        if problems:
            fail(problems, "the report cannot be written:")
        return _time(now_text)
    if html_path is not None and pdf_path is not None and is_pdf(html_path):
        fail([f"-o {html_path} is the HTML report; give the PDF with --pdf only"], "bad option")
    now = _time(now_text)
    suffix = Path(html_path).suffix.lower() if html_path is not None else ""
    if suffix and suffix not in HTML_SUFFIXES:  # -o r.txt: never HTML under another name
        fail(
            [f"-o {html_path}: the report is a web page (HTML); name it .html, or .pdf for a PDF"],
            "bad option",
        )
    if html_path is not None:
        problems = check_targets(html_path, pdf_path, force)
        if problems:
            fail(problems, "the report cannot be written:")
    return now


HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def is_pdf(path: str) -> bool:
    return path.lower().endswith(".pdf")


def wants_pdf_only(html_path: str | None, pdf_path: str | None) -> bool:
    return html_path is not None and pdf_path is None and is_pdf(html_path)


def _time(now_text: str | None) -> datetime:
    from ..report.report import ReportError, report_time

    try:
        return report_time(now_text)
    except ReportError as error:
        fail(error.problems, "invalid time:")


def write_report_files(
    assessment: Assessment, html_path: str, pdf_path: str | None, force: bool, now: datetime, label: str = "wrote"
) -> None:
    from ..report.report import ReportError, write_outputs, write_pdf

    try:
        if wants_pdf_only(html_path, pdf_path):
            written = write_pdf(assessment, html_path, force=force, now=now)
        else:
            written = write_outputs(assessment, html_path, pdf_path, force=force, now=now)
    except ReportError as error:
        if error.written:  # the HTML was written, the PDF was not
            done = ", ".join(str(p) for p in error.written)
            fail([*error.problems, f"written: {done}"], "the report was only partly written:")
        fail(error.problems, "nothing written:")
    except OSError as error:
        fail([str(error)], "nothing written:")
    for path in written:
        click.echo(f"{label} {path}")


def try_write_report(
    assessment: Assessment, html_path: str, pdf_path: str | None, force: bool, now: datetime
) -> tuple[list[str], list[str]]:
    """Write the report files; (the paths written, the problems). Nothing is half-written."""
    from ..report.report import ReportError, write_outputs, write_pdf

    try:
        if wants_pdf_only(html_path, pdf_path):
            return [str(p) for p in write_pdf(assessment, html_path, force=force, now=now)], []
        return [str(p) for p in write_outputs(assessment, html_path, pdf_path, force=force, now=now)], []
    except ReportError as error:
        return [str(p) for p in error.written], error.problems  # written: the HTML when only the PDF failed
    except OSError as error:
        return [], [str(error)]


@click.command("report", short_help="Write the printable report (HTML; PDF with the pdf extra).")
@click.argument("answers_file", metavar="FILE|-")
@report_options(html_required=True)
@FROM_FHIR
def report_command(
    answers_file: str, html_path: str, pdf_path: str | None, force: bool, now_text: str | None, from_fhir: bool
) -> None:
    """Write the printable report for an answers file: what to do, why, and when to get help.

    The HTML is self-contained (it works offline) and prints on A4 or US Letter; any browser's
    Print > Save as PDF makes a PDF of it. Exits 0 when written; 2 on invalid answers, an
    existing file without --force, or a missing PDF library (then nothing is written).
    """
    now = check_report_options(html_path, pdf_path, force, now_text)
    assessment = assess_file(answers_file, from_fhir)
    for warning in assessment.warnings:
        click.echo(f"triage: warning: {warning}", err=True)
    write_report_files(assessment, html_path, pdf_path, force, now)
    d = assessment.disposition
    click.echo(f"result: {d.title} ({d.timeframe})")
