"""The printed walking plan on paper: headless Chromium (US Letter and A4) and WeasyPrint (A4),
checked with poppler. The page budget: at most 2 pages before any check-in, at most 3 with
check-ins; no page under a quarter full; the calendar starts a page of its own and holds all
6 weeks, with their days (a week not set yet too: its note and its check-in day). Plus an
offline axe-core check. Set REPORT_ARTIFACTS to a folder to keep the PDFs and PNGs
(docs/plan.md says what was looked at)."""

from __future__ import annotations

from pathlib import Path

import browser
import pytest
from plan_support import plan_for
from test_plan_report import CASES, escalated, six_checkins
from test_report_print import keep, squash, weasyprint_available

from triage.plan import Plan
from triage.report.plan_report import render_plan

MIN_FILL = 0.25


def max_pages(plan: Plan) -> int:
    return 3 if plan.checkins else 2


PLANS = {
    **{case: (lambda a=answers: plan_for(a)) for case, answers in sorted(CASES.items())},
    "six-check-ins": six_checkins,
    "stopped": escalated,
}


def with_paper(html: str, paper: str) -> str:
    """What a printer with this paper does: the plan itself forces no size."""
    return html.replace("<style>", f"<style>@page {{ size: {paper}; }}", 1)


def problems(pdf: Path, plan: Plan) -> list[str]:
    fills = browser.pdf_page_fill(pdf)
    found = [f"{len(fills)} pages, at most {max_pages(plan)}"] if len(fills) > max_pages(plan) else []
    found += [f"page {n} is {fill:.0%} full" for n, fill in enumerate(fills, 1) if fill < MIN_FILL]
    pages = browser.pdf_text(pdf, layout=False).split("\f")
    calendar = [n for n, page in enumerate(pages, 1) if "Your 6-week calendar" in page]
    if len(calendar) != 1:
        return [*found, f"the calendar's title is on pages {calendar}"]
    page = squash(pages[calendar[0] - 1])
    if not page.startswith("Your 6-week calendar"):
        found.append(f"the calendar does not start page {calendar[0]}: {page[:80]!r}")
    if not all(f"Week {n}" in page for n in range(1, plan.params.weeks + 1)):
        found.append("the calendar does not fit on its page")
    active = plan.status == "active"
    later = sum(w.step is None for w in plan.weeks) if active else 0
    if page.count("set at your") != later or page.count("Check in") != (plan.params.weeks if active else 0):
        found.append("the weeks not set yet are not all on the calendar's page, with their check-in days")
    for other in ("This week", "Your exercises", "How it is going"):
        if other in page:
            found.append(f"{other!r} is on the calendar's page")
    first = squash(pages[0])
    if "Your walking plan" not in first or (plan.status != "escalated" and "Get help if" not in first):
        found.append("page 1 does not start with the plan and when to get help")
    return found


@pytest.mark.parametrize("name", list(PLANS))
def test_every_plan_prints_within_the_page_budget_in_letter_and_a4(tmp_path: Path, name: str) -> None:
    browser.require_tools_or_skip(axe=False)
    plan = PLANS[name]()
    html = render_plan(plan)
    for paper in ("letter", "A4"):
        page = tmp_path / f"plan-{name}-{paper}.html"
        page.write_text(with_paper(html, paper), encoding="utf-8")
        pdf = tmp_path / f"plan-{name}-chromium-{paper}.pdf"
        browser.html_to_pdf(page, pdf)
        assert problems(pdf, plan) == [], f"{name}, Chromium, {paper}"
        pages = browser.pdf_page_count(pdf)
        assert f"Page {pages} of {pages}" in browser.pdf_text(pdf)
        keep(pdf, *(browser.pdf_page_png(pdf, tmp_path / f"{pdf.stem}-{n}", page=n) for n in range(1, pages + 1)))
    if weasyprint_available():
        from triage.report.pdf import render_pdf

        pdf = tmp_path / f"plan-{name}-weasyprint-A4.pdf"
        pdf.write_bytes(render_pdf(with_paper(html, "A4")))
        assert problems(pdf, plan) == [], f"{name}, WeasyPrint, A4"
        keep(pdf)


def test_the_page_budget_check_bites(tmp_path: Path) -> None:
    """A broken copy (print text half as big again) runs over the budget: the check sees it."""
    browser.require_tools_or_skip(axe=False)
    plan = six_checkins()
    page = tmp_path / "broken.html"
    broken = render_plan(plan).replace("</style>", "html { font-size: 17pt !important; }</style>", 1)
    page.write_text(with_paper(broken, "letter"), encoding="utf-8")
    browser.html_to_pdf(page, tmp_path / "broken.pdf")
    found = problems(tmp_path / "broken.pdf", plan)
    assert any("pages, at most" in p for p in found), found
    assert any("calendar" in p for p in found), found


@pytest.mark.parametrize("name", ["V10", "six-check-ins", "stopped"])
def test_no_accessibility_violations(tmp_path: Path, name: str) -> None:
    """None at all, moderate ones included (two regions once shared a name: landmark-unique)."""
    browser.require_tools_or_skip(axe=True)
    page = tmp_path / f"{name}.html"
    page.write_text(render_plan(PLANS[name]()), encoding="utf-8")
    found = browser.axe_violations(page)
    assert not found, browser.format_violations(found)
