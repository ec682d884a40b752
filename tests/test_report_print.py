"""The report printed by real headless Chromium (A4 and US Letter) and WeasyPrint (A4), checked
with poppler: at most 4 pages, none under a quarter full, a page 1 that stands alone and hands
over (the clinical summary, the person's note, no rule ids or source keys); an offline
axe-core accessibility check, and the WeasyPrint --pdf path."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

import browser
import pytest
from click.testing import CliRunner
from report_cases import all_print_cases, answers_of, with_not_sure

import triage
from triage.cli.main import main
from triage.report.report import render_report

CASES_DIR = Path(__file__).parent / "cases"
NOW = datetime(2026, 1, 31, 9, 0)
ARTIFACTS = os.environ.get("REPORT_ARTIFACTS")  # set to a folder to keep the PDFs and PNGs


def write_report(tmp_path: Path, answers: dict, name: str = "report", paper: str | None = None) -> Path:
    html = render_report(triage.assess(answers), now=NOW)
    if paper:  # what a printer with this paper does: the report itself forces no size
        html = html.replace("<style>", f"<style>@page {{ size: {paper}; }}", 1)
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def keep(*paths: Path) -> None:
    if ARTIFACTS:
        folder = Path(ARTIFACTS)
        folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            (folder / path.name).write_bytes(path.read_bytes())


def squash(text: str) -> str:
    return " ".join(text.split())


MAX_PAGES = 4
MIN_FILL = 0.25  # no page under a quarter full
PRINT_CASES = dict(all_print_cases())  # every shared case, two special ones, a full case for each level
ALL_CASES = list(PRINT_CASES)


def case_answers(case: str) -> dict:
    return dict(PRINT_CASES[case])


def page_one_stands_alone(assessment: triage.Assessment, pages: list[str]) -> None:
    """Page 1: the headline with its timeframe, the safety net and the finding that set the result."""
    first = squash(pages[0])  # pdftotext without -layout: lines in reading order
    assert squash(assessment.disposition.title) in first
    assert f"When: {assessment.disposition.timeframe}" in first
    assert "Get help if" in first
    for item in assessment.safety_net:  # 1.2: a tier's lead, then its signs as a list
        for part in (item.lead, *item.points) if item.points else (item.text,):
            assert squash(part) in first
    assert "What to do now" in first and squash(assessment.advice[0].text) in first
    if assessment.reasons:
        assert squash(assessment.reasons[0].title) in first  # the top finding
    if assessment.early_stop is not None:
        assert "The questions stopped early" in first
    # The handover: the clinical summary and the person's own note, without ids or source keys.
    assert "Summary for whoever sees you" in first
    assert "Result set by" in first
    note = assessment.answers.get("notes")
    if note:
        assert squash(note) in first
    kb = assessment.kb
    assert not [r.id for r in kb.rules if r.id in first], "a rule id on page 1"
    # Source keys: none listed ("Sources: ..."), and none of the coded ones (S1, S10c); word-like
    # keys (backward-walking) are also plain words in the advice.
    assert "Sources:" not in first and "Source:" not in first
    coded = [k for k in kb.sources if any(c.isdigit() for c in k)]
    assert not [k for k in coded if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", first)], "a source key"


def page_problems(pdf: Path) -> list[str]:
    """At most MAX_PAGES pages, none under MIN_FILL full."""
    fills = browser.pdf_page_fill(pdf)
    problems = [f"{len(fills)} pages"] if len(fills) > MAX_PAGES else []
    problems += [f"page {n} is {fill:.0%} full" for n, fill in enumerate(fills, start=1) if fill < MIN_FILL]
    return problems


@pytest.mark.parametrize("case", ALL_CASES)
def test_every_case_prints_in_at_most_four_pages_none_mostly_empty_in_chromium_letter_and_weasyprint_a4(
    tmp_path: Path, case: str
) -> None:
    browser.require_tools_or_skip(axe=False)
    answers = case_answers(case)
    assessment = triage.assess(answers)
    pdf = tmp_path / f"{case}-letter.pdf"
    browser.html_to_pdf(write_report(tmp_path, answers, f"{case}-letter", "letter"), pdf)
    assert page_problems(pdf) == [], f"{case}, Chromium, US Letter"
    page_one_stands_alone(assessment, browser.pdf_text(pdf, layout=False).split("\f"))
    if weasyprint_available():
        from triage.report.pdf import render_pdf

        html = render_report(assessment, now=NOW).replace("<style>", "<style>@page { size: A4; }", 1)
        pdf = tmp_path / f"{case}-A4.pdf"
        pdf.write_bytes(render_pdf(html))
        assert page_problems(pdf) == [], f"{case}, WeasyPrint, A4"
        page_one_stands_alone(assessment, browser.pdf_text(pdf, layout=False).split("\f"))


def weasyprint_available() -> bool:
    from triage.report.pdf import pdf_available

    if not pdf_available() and os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail("weasyprint cannot be imported under CI", pytrace=False)
    return pdf_available()


def test_the_page_check_bites(tmp_path: Path) -> None:
    """A broken copy (the print text half as big again) runs over 4 pages: the check sees it."""
    browser.require_tools_or_skip(axe=False)
    html = render_report(triage.assess(case_answers("full-see-a-professional")), now=NOW)
    path = tmp_path / "broken.html"
    path.write_text(html.replace("</style>", "html { font-size: 14pt !important; }</style>", 1), encoding="utf-8")
    browser.html_to_pdf(path, tmp_path / "broken.pdf")
    assert any("pages" in p for p in page_problems(tmp_path / "broken.pdf"))


def test_page_fill_sees_an_almost_empty_page(tmp_path: Path) -> None:
    browser.require_tools_or_skip(axe=False)
    path = tmp_path / "two.html"
    path.write_text(
        "<!DOCTYPE html><html><body>" + "<p>line</p>" * 20 + '<p style="break-before: page">last</p></body></html>',
        encoding="utf-8",
    )
    browser.html_to_pdf(path, tmp_path / "two.pdf")
    fills = browser.pdf_page_fill(tmp_path / "two.pdf")
    assert len(fills) == 2 and fills[0] > 0.4 and fills[1] < 0.1


@pytest.mark.parametrize("paper", ["A4", "letter"])
@pytest.mark.parametrize("case", ["V40", "V10", "not-sure", "early-stop"])
def test_chromium_prints_the_report(tmp_path: Path, case: str, paper: str) -> None:
    browser.require_tools_or_skip(axe=False)
    answers = case_answers(case)
    assessment = triage.assess(answers)
    html = write_report(tmp_path, answers, f"{case}-{paper}", paper)
    pdf = tmp_path / f"{case}-{paper}.pdf"
    browser.html_to_pdf(html, pdf)
    pages = browser.pdf_page_count(pdf)
    text = squash(browser.pdf_text(pdf))
    assert squash(assessment.disposition.title) in text
    assert f"When: {assessment.disposition.timeframe}" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Get help if" in text
    for item in assessment.safety_net:  # 1.2: a tier's lead, then its signs as a list
        for part in (item.lead, *item.points) if item.points else (item.text,):
            assert squash(part) in text
    assert "This is not a diagnosis" in text
    page_one_stands_alone(assessment, browser.pdf_text(pdf, layout=False).split("\f"))
    if case == "not-sure":
        assert "<b>Lovelace</b>" in text and "<script>x</script>" in text  # shown as text, not markup
    png = browser.pdf_page_png(pdf, tmp_path / f"{case}-{paper}-page1", page=1)
    assert png.stat().st_size > 10_000
    keep(pdf, png)


@pytest.mark.parametrize("case", ["V40", "V10", "V34", "not-sure"])
def test_no_serious_accessibility_violations(tmp_path: Path, case: str) -> None:
    browser.require_tools_or_skip(axe=True)
    answers = with_not_sure() if case == "not-sure" else answers_of(case)
    violations = browser.axe_violations(write_report(tmp_path, answers, case))
    serious = browser.serious_violations(violations)
    assert not serious, browser.format_violations(serious)


def weasyprint_or_skip() -> None:
    try:
        import weasyprint  # noqa: F401
    except Exception as error:  # ImportError, or OSError when pango is missing
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"weasyprint cannot be imported under CI: {error}", pytrace=False)
        pytest.skip(f"weasyprint cannot be imported: {error}")


def test_cli_pdf_with_weasyprint(tmp_path: Path) -> None:
    weasyprint_or_skip()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(with_not_sure()), encoding="utf-8")
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = CliRunner().invoke(
        main, ["report", str(answers), "-o", str(html), "--pdf", str(pdf), "--now", "2026-01-31T09:00"]
    )
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    if browser.missing_tools(axe=False):
        return
    text = squash(browser.pdf_text(pdf))
    pages = browser.pdf_page_count(pdf)
    assert "See a doctor within a few days" in text
    assert f"Page 1 of {pages}" in text and "Get help if" in text
    assert re.search(r"Ada <b>Lovelace</b>", text)
    keep(pdf, browser.pdf_page_png(pdf, tmp_path / "weasyprint-page1", page=1))
