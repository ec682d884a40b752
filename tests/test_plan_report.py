"""The printed walking plan (docs/plan.md "The printout"): render_plan for every urgency-0
case, the calendar, the check-ins' chart and table (the same numbers), the drawings' alt
text, self-containment, the same bytes in two processes, and `triage plan-report`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape
from plan_support import START, checkin_answers, plan_for, urgency0_cases

from triage.checkin import check_in, red_flags_for_everyone
from triage.cli.main import main
from triage.governance.check import check_knowledge_base
from triage.kb.load import load_knowledge_base
from triage.kb.paths import rules_dir
from triage.kb.plan_printout import drawings_dir, load_printout
from triage.kb.records import KnowledgeBaseError
from triage.plan import Plan
from triage.plan_file import plan_bytes
from triage.report.plan_report import render_plan, write_plan_outputs

CASES = dict(urgency0_cases())
# Six weeks as a scripted person lives them: green, amber, red, green, one walk, green.
SIX_WEEKS = [(None, 2, "yes"), (2, 4, "a-bit-worse"), (None, 7, "much-worse"), (None, 2, "yes"), (1, 3, "yes"),
             (None, 1, "yes")]  # fmt: skip


def six_checkins(case: str = "V10") -> Plan:
    plan = plan_for(CASES[case])
    for week, (walks, pain, morning) in enumerate(SIX_WEEKS, 1):
        plan = check_in(plan, checkin_answers(plan, week, walks, pain, morning)).plan
    return plan


def escalated(case: str = "V16") -> Plan:
    """Week 1 green, then a red flag answered "not sure" at week 2's check-in: the plan stops."""
    plan = plan_for(CASES[case])
    plan = check_in(plan, checkin_answers(plan, 1)).plan
    unsure = {red_flags_for_everyone(plan)[0].id: None}
    return check_in(plan, checkin_answers(plan, 2, now=unsure)).plan


class Doc(HTMLParser):
    """Tags with their attributes, and the text inside elements with a given class."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {}  # class -> texts of the elements with it
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        for cls in (a.get("class") or "").split():
            self._open.append((cls, []))
        self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            t, a = self.stack.pop()
            for _ in (a.get("class") or "").split():
                cls, parts = self._open.pop()
                self.texts.setdefault(cls, []).append(" ".join("".join(parts).split()))
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, parts in self._open:
            parts.append(data)


def parse(html: str) -> Doc:
    doc = Doc()
    doc.feed(html)
    return doc


def progress_problems(html: str, plan: Plan) -> list[str]:
    """The chart's numbers, the table's and the plan's check-ins must be the same."""
    doc = parse(html)
    points = {int(a["data-week"]): int(a["data-value"]) for t, a in doc.elements if t == "circle"
              and a.get("class") == "pain-point"}  # fmt: skip
    bars = {int(a["data-week"]): int(a["data-value"]) for t, a in doc.elements if t == "rect"
            and a.get("class") == "minutes-bar"}  # fmt: skip
    rows = [int(a["data-week"]) for t, a in doc.elements if t == "tr" and "data-week" in a]
    pains, minutes = doc.texts.get("pain", []), doc.texts.get("minutes", [])
    table_pain = {w: int(p) for w, p in zip(rows, pains, strict=True) if p.isdigit()}
    table_minutes = {w: int(m.split()[0]) for w, m in zip(rows, minutes, strict=True) if m.split()[0].isdigit()}
    weeks = plan.weeks
    last = {c.week: c for c in plan.checkins}  # a later check-in in a week replaces
    expected_pain = {w: c.answers["pain_during"] for w, c in last.items() if c.answers.get("walks_done")}
    expected_minutes = {w: c.answers["walks_done"] * weeks[w - 1].minutes_per_walk for w, c in last.items()
                        if "walks_done" in c.answers}  # fmt: skip
    problems = []
    if rows != sorted(last):
        problems.append(f"table weeks {rows}, check-ins {sorted(last)}")
    for name, got in (("chart pain", points), ("table pain", table_pain)):
        if got != expected_pain:
            problems.append(f"{name} {got} != check-ins {expected_pain}")
    for name, got in (("chart minutes", bars), ("table minutes", table_minutes)):
        if got != expected_minutes:
            problems.append(f"{name} {got} != check-ins {expected_minutes}")
    return problems


def external_references(html: str) -> list[str]:
    """Anything the page would fetch (the SVG namespace is a name, not a fetch)."""
    text = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    found = re.findall(
        r"https?://\S+|(?:src|href|xlink:href)\s*=|@import|url\(|<link|<script|<iframe|<object", text, re.I
    )
    return found


# --- rendering ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_urgency0_case_renders_a_complete_plan(case: str) -> None:
    plan = plan_for(CASES[case])
    html = render_plan(plan)
    doc = parse(html)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert [t for t, _ in doc.elements].count("h1") == 1 and '<html lang="en">' in html
    week = plan.weeks[0]
    # This week, in the plan's own words, and the safety net.
    get_help = html.split('id="get-help"')[1].split("</section>")[0]
    said = " ".join(re.sub(r"<[^>]+>", " ", get_help.split("</h2>")[1]).split())
    lead, signs = plan.params.wording["safety_net_lead"], plan.params.safety_net_signs
    assert said == " ".join([lead, *signs])  # the safety net as a list: the terminal's sentence, laid out
    assert f"{lead.removesuffix(':')} {', or '.join(signs)}." == plan.params.wording["safety_net"]
    assert str(escape(plan.params.wording["own_choice"])) in html
    # The calendar: 6 rows, each with a box for each walk, exercise day and backward walk (later
    # weeks on week 1's days, tests/test_plan_calendar.py); minutes only for week 1.
    calendar = html.split('id="calendar"')[1].split("</table>")[0]
    assert calendar.count('<th scope="row"') == plan.params.weeks
    boxes = calendar.count('class="box"')
    assert boxes == plan.params.weeks * (len(week.walk_days) + len(week.strength_days) + len(week.backward_days))
    words = " ".join(re.sub(r"<[^>]+>", " ", calendar).split())
    assert words.count(f"Walk {week.minutes_per_walk} min") == week.walks
    assert calendar.count('class="blank"') == (plan.params.weeks - 1) * week.walks
    later = calendar.count("Minutes set at your check-in on") + calendar.count("Minutes and days set at your")
    assert later == plan.params.weeks - 1  # later weeks: minutes set at the check-in
    assert ("Backward" in calendar) == (plan.first_disposition == "try-backward-walking")
    assert ("at least" in calendar) == (plan.first_disposition == "walk-normally")
    # Dates written out, on the right days: week 1 starts on the plan's start date.
    assert f"{START.day} Jan" in calendar and "Monday" in calendar
    assert not doc.texts.get("checkins")  # no check-ins yet: no chart, no table
    assert '<svg class="chart"' not in html


def test_the_drawings_are_the_knowledge_base_s_with_alt_text() -> None:
    printout = load_printout(plan_for(CASES["V10"]).kb)
    assert {d.show for d in printout.drawings} == {"strengthening", "backward_walking"}
    for case, answers in CASES.items():
        plan = plan_for(answers)
        html = render_plan(plan)
        doc = parse(html)
        figures = [a for t, a in doc.elements if t == "div" and a.get("class") == "drawing"]
        backward = plan.first_disposition == "try-backward-walking"
        expected = [d for d in printout.drawings if d.show == "strengthening" or backward]
        assert [a.get("aria-label") for a in figures] == [d.alt for d in expected], case
        assert all(a.get("role") == "img" and a["aria-label"].strip() for a in figures)
        # Every SVG is hidden from screen readers: the label (or the table) is what they read.
        assert all(a.get("aria-hidden") == "true" for t, a in doc.elements if t == "svg"), case
        for d in expected:
            assert str(escape(d.title)) in html and all(str(escape(s)) in html for s in d.steps)
            assert (drawings_dir() / d.file).read_text(encoding="utf-8").strip()[:60] in html


def test_a_drawing_without_alt_text_or_citation_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(rules_dir(), copy)
    text = (copy / "plan.toml").read_text(encoding="utf-8")
    broken = re.sub(r'alt = "A person sitting[^"]*"', 'alt = "  "', text, count=1)
    assert broken != text
    (copy / "plan.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="needs alt"):
        load_printout(load_knowledge_base(copy))
    # A quote that is not in its article, or a drawing file that is not there: rules check says so.
    (copy / "plan.toml").write_text(
        text.replace("when seated, lift your lower legs.", "when seated, lift your legs high.").replace(
            'file = "backward-walking.svg"', 'file = "nowhere.svg"'
        ),
        encoding="utf-8",
    )
    problems = check_knowledge_base(load_knowledge_base(copy))
    assert [p for p in problems if "drawing seated-knee-straightening: quote not found" in p], problems
    assert [p for p in problems if "no file reports/drawings/nowhere.svg" in p], problems
    assert not [p for p in check_knowledge_base(load_knowledge_base()) if "plan.toml" in p]


def test_the_table_has_the_chart_s_numbers_and_the_check_ins() -> None:
    plan = six_checkins()
    html = render_plan(plan)
    assert progress_problems(html, plan) == []
    doc = parse(html)
    assert len(doc.texts["pain"]) == 6 and doc.texts["minutes"][1] == "50 of 75"  # week 2: 2 walks of 25
    # Colour is never the only sign: each traffic light also says it in words.
    lights = doc.texts["light"]
    assert [w.split(":")[0] for w in lights] == ["Green", "Amber", "Red", "Green", "Green", "Green"]
    assert "up one step" in html and "back one step" in html and "end of the plan" in html
    # The check bites: a table number changed, or a chart point moved, is found.
    assert progress_problems(html.replace('<td class="pain">7</td>', '<td class="pain">6</td>', 1), plan)
    assert progress_problems(re.sub(r'(class="minutes-bar" data-week="2" data-value=")\d+', r"\g<1>60", html), plan)


def test_missed_weeks_early_check_ins_and_a_stopped_plan() -> None:
    plan = escalated()
    html = render_plan(plan)
    assert progress_problems(html, plan) == []
    assert "The walking plan has stopped" in html and "Your exercises" not in html
    assert html.split('id="calendar"')[1].count("Plan stopped") == 4  # weeks 3 to 6
    assert "Get help if" not in html  # the escalation's own result is what to follow
    # An early check-in with only a red flag (no walks asked): "not asked", no chart point.
    plan = plan_for(CASES["V06"])
    unsure = {red_flags_for_everyone(plan)[-1].id: None}
    answers = checkin_answers(plan, 1, day=2, now=unsure)
    for key in ("walks_done", "pain_during", "next_morning"):  # not asked before day 5
        del answers[key]
    early = check_in(plan, answers).plan
    assert early.checkins[0].colour is None
    html = render_plan(early)
    assert progress_problems(html, early) == []
    assert "not asked" in html


def test_self_contained_and_checked_by_a_check_that_bites() -> None:
    for plan in [plan_for(a) for a in CASES.values()] + [six_checkins(), escalated()]:
        assert external_references(render_plan(plan)) == []
    html = render_plan(six_checkins())
    assert external_references(html.replace("</body>", '<img src="https://example.org/x.png"></body>'))
    assert external_references(html.replace("</style>", "body { background: url(x.png) }</style>"))


RENDER = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from test_plan_report import six_checkins, escalated, CASES, plan_for
from triage.report.plan_report import render_plan
plans = [six_checkins(), escalated()] + [plan_for(a) for a in CASES.values()]
print(hashlib.sha256("".join(render_plan(p) for p in plans).encode()).hexdigest())
"""


def test_the_same_bytes_in_two_processes() -> None:
    code = RENDER.format(tests=str(Path(__file__).parent))
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        digests.add(out.stdout.split()[-1])
    plans = [six_checkins(), escalated()] + [plan_for(a) for a in CASES.values()]
    here = hashlib.sha256("".join(render_plan(p) for p in plans).encode()).hexdigest()
    assert digests == {here}


# --- the command -------------------------------------------------------------------------


def write_plan(tmp_path: Path, plan: Plan, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_bytes(plan_bytes(plan))
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["plan-report", *args], catch_exceptions=False)


def test_cli_writes_the_plan_owner_only_and_never_over_a_file(tmp_path: Path) -> None:
    plan = six_checkins()
    path = write_plan(tmp_path, plan)
    out = tmp_path / "plan.html"
    result = run(str(path), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_plan(plan)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # health data
    before = out.read_bytes()
    again = run(str(path), "-o", str(out))
    assert again.exit_code == 2 and "already exists (use --force" in again.output
    assert out.read_bytes() == before
    assert run(str(path), "-o", str(out), "--force").exit_code == 0


def test_cli_bad_input_exits_2_listing_the_problem_and_writes_nothing(tmp_path: Path) -> None:
    plan = plan_for(CASES["V16"])
    path = write_plan(tmp_path, plan)
    edited = json.loads(path.read_text(encoding="utf-8"))
    edited["weeks"][0]["minutes_per_walk"] = 90
    (tmp_path / "edited.json").write_text(json.dumps(edited), encoding="utf-8")
    (tmp_path / "notplan.json").write_text('{"answers": {}}', encoding="utf-8")
    (tmp_path / "garbage.json").write_text("{" + "x" * 10_000, encoding="utf-8")
    out = str(tmp_path / "p.html")
    cases = [
        (["edited.json", "-o", out], "first difference at weeks[0].minutes_per_walk"),
        (["notplan.json", "-o", out], "not a plan file"),
        (["garbage.json", "-o", out], "not a plan file"),
        (["missing.json", "-o", out], "no such file"),
        (["plan.json", "-o", str(tmp_path / "p.txt")], "name it .html, or .pdf"),
        (["plan.json", "-o", str(tmp_path / "p.pdf"), "--pdf", str(tmp_path / "q.pdf")], "give the PDF with --pdf"),
        (["plan.json", "-o", out, "--pdf", str(tmp_path / "q.txt")], "name the PDF file .pdf"),
        (["plan.json", "-o", str(tmp_path / "no" / "p.html")], "no such folder"),
        (["plan.json", "-o", str(tmp_path)], "name it .html"),
    ]
    for args, message in cases:
        args = [str(tmp_path / a) if a.endswith(".json") else a for a in args]
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output and len(result.output) < 2_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.json", "garbage.json", "notplan.json", "plan.json"]


def test_cli_writes_nothing_when_the_pdf_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from triage.report import report as report_module

    monkeypatch.setattr(report_module, "pdf_available", lambda: False)
    monkeypatch.setattr(report_module, "pdf_missing", lambda: report_module.PDF_HINT)
    path = write_plan(tmp_path, plan_for(CASES["V06"]))
    result = run(str(path), "-o", str(tmp_path / "p.html"), "--pdf", str(tmp_path / "p.pdf"))
    assert result.exit_code == 2 and "WeasyPrint" in result.output
    assert not (tmp_path / "p.html").exists() and not (tmp_path / "p.pdf").exists()


def test_cli_prints_a_stopped_plan_and_says_so(tmp_path: Path) -> None:
    path = write_plan(tmp_path, escalated())
    result = run(str(path), "-o", str(tmp_path / "p.html"))
    assert result.exit_code == 0, result.output
    assert "The walking plan stopped at the last check-in" in result.output


def test_library_write_checks_everything_first(tmp_path: Path) -> None:
    from triage.report.error import ReportError

    plan = plan_for(CASES["V06"])
    (tmp_path / "there.html").write_text("old", encoding="utf-8")
    with pytest.raises(ReportError) as error:
        write_plan_outputs(plan, tmp_path / "there.html", tmp_path / "there.html")
    assert any("already exists" in p for p in error.value.problems)
    assert any("cannot be the same file" in p for p in error.value.problems)
    with pytest.raises(ReportError):
        write_plan_outputs(plan, None, None)
    assert (tmp_path / "there.html").read_text(encoding="utf-8") == "old"


def test_a_second_check_in_in_a_week_and_a_missed_week() -> None:
    """Week 1 green, then a second check-in that week with more pain (it replaces the first:
    the table and chart show it); week 2 missed (no row, no point); week 3 checked in."""
    plan = plan_for(CASES["V16"])
    plan = check_in(plan, checkin_answers(plan, 1, pain=1)).plan
    plan = check_in(plan, checkin_answers(plan, 1, pain=5, day=6)).plan
    plan = check_in(plan, checkin_answers(plan, 3, pain=2)).plan
    assert [c.week for c in plan.checkins] == [1, 1, 3] and plan.checkins[1].replaces
    html = render_plan(plan)
    assert progress_problems(html, plan) == []
    doc = parse(html)
    assert doc.texts["pain"] == ["5", "2"]
    assert doc.texts["light"][0].startswith("Amber")
