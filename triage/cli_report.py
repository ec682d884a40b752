"""`triage report`: write the printable report (HTML, and a PDF with the [pdf] extra)."""

from __future__ import annotations

import click

from .cli import assess_file, fail


@click.command("report")
@click.argument("answers_file", metavar="FILE|-")
@click.option(
    "-o", "--output", "html_path", required=True, metavar="REPORT.html", help="Where to write the HTML report."
)
@click.option("--pdf", "pdf_path", metavar="REPORT.pdf", help="Also write a PDF (needs: pip install 'triage[pdf]').")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option(
    "--now",
    "now_text",
    metavar="DATETIME",
    help="The time printed on the report (ISO 8601, e.g. 2026-01-31T09:00), for reproducible reports. "
    "Default: $SOURCE_DATE_EPOCH if set, else the current time.",
)
def report_command(answers_file: str, html_path: str, pdf_path: str | None, force: bool, now_text: str | None) -> None:
    """Write the printable report for an answers file: what to do, why, and when to get help.

    The HTML is self-contained (it works offline) and prints on A4 or US Letter; any browser's
    Print > Save as PDF makes a PDF of it. Exits 0 when written; 2 on invalid answers, an
    existing file without --force, or a missing PDF library (then nothing is written).
    """
    from .report import ReportError, report_time, write_outputs

    try:
        now = report_time(now_text)
    except ReportError as error:
        fail(error.problems, "invalid time:")
    assessment = assess_file(answers_file)
    for warning in assessment.warnings:
        click.echo(f"triage: warning: {warning}", err=True)
    try:
        written = write_outputs(assessment, html_path, pdf_path, force=force, now=now)
    except ReportError as error:
        fail(error.problems, "nothing written:")
    except OSError as error:
        fail([str(error)], "nothing written:")
    for path in written:
        click.echo(f"wrote {path}")
    d = assessment.disposition
    click.echo(f"result: {d.title} ({d.timeframe})")
