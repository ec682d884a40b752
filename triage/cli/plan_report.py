"""`triage plan-report PLAN.json -o plan.html [--pdf plan.pdf] [--force]`: the printed plan.

The plan file is read and checked as `triage checkin` does (everything worked out again from
its answers and check-ins; a file that disagrees is refused). Then triage/report/plan_report.py
renders it; the files are written owner-only and atomically, never over an existing file
without --force, and nothing is written unless everything can be.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import fail
from .report import HTML_SUFFIXES, is_pdf


@click.command("plan-report", short_help="Write a walking plan to print (HTML; PDF with the pdf extra).")
@click.argument("plan_file", metavar="PLAN.json")
@click.option(
    "-o",
    "--output",
    "html_path",
    required=True,
    metavar="PLAN.html",
    help="Where to write the printable plan (a name ending in .pdf writes a PDF instead, with the pdf extra).",
)
@click.option("--pdf", "pdf_path", metavar="PLAN.pdf", help="Also write a PDF (needs the pdf extra).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def plan_report_command(plan_file: str, html_path: str, pdf_path: str | None, force: bool) -> None:
    """Write the walking plan as a page to print: this week, when to get help, the check-ins so
    far (a chart and a table), the exercises with drawings, and the 6-week calendar with a box
    to tick for each walk (on a page of its own).

    The HTML is self-contained and prints on A4 or US Letter. Exits 0 when written; 2 on a
    refused plan file, bad options, an existing file without --force or a missing PDF library
    (then nothing is written); 3 when the plan's answers, assessed again under the knowledge
    base in use now, need someone to look at the knee.
    """
    from ..io.reading import InputError, read_text
    from ..kb.load import load_knowledge_base
    from ..kb.records import KnowledgeBaseError
    from ..plan import PlanError
    from ..plan_file import read_plan
    from ..report.error import ReportError
    from ..report.plan_report import write_plan_outputs
    from .plan import _echo, _refused_urgent

    html: str | None = html_path
    if is_pdf(html_path):
        if pdf_path is not None:
            fail([f"-o {html_path} is the HTML file; give the PDF with --pdf only"], "bad option:")
        html, pdf_path = None, html_path
    elif Path(html_path).suffix.lower() not in HTML_SUFFIXES:
        fail([f"-o {html_path}: the plan is a web page (HTML); name it .html, or .pdf for a PDF"], "bad option:")
    if pdf_path is not None and not is_pdf(pdf_path):
        fail([f"--pdf {pdf_path}: name the PDF file .pdf"], "bad option:")
    try:
        text = read_text(plan_file)
    except InputError as error:
        fail(error.problems, "cannot read the plan:")
    try:
        plan, notes = read_plan(text, load_knowledge_base())
    except KnowledgeBaseError as error:
        fail(error.problems, "the knowledge base cannot be loaded:")
    except PlanError as error:
        if error.urgency:
            _refused_urgent(error)
        fail(error.problems, f"the plan in {plan_file} is refused:")
    _echo(notes)
    try:
        written = write_plan_outputs(plan, html, pdf_path, force=force)
    except (ReportError, KnowledgeBaseError) as error:
        if isinstance(error, ReportError) and error.written:
            done = ", ".join(str(p) for p in error.written)
            fail([*error.problems, f"written: {done}"], "the plan was only partly written:")
        fail(error.problems, "nothing written:")
    except OSError as error:
        fail([f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")], "nothing written:")
    for path in written:
        click.echo(f"wrote {path}")
    if plan.status == "escalated":
        d = plan.kb.disposition_by_id[plan.disposition]
        click.echo(f"The walking plan stopped at the last check-in: {d.title} ({d.timeframe}).")
