"""The printable report (issue #4): structure, escaping, self-containment, reproducibility,
and the `triage report` command (atomic writes, --force, --now, SOURCE_DATE_EPOCH, --pdf)."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import triage
from triage.cli.main import main
from triage.kb.paths import reports_dir
from triage.report import report as report_module
from triage.report.report import ReportError, render_report, report_time, write_outputs

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
NOW = datetime(2026, 1, 31, 9, 0)
SECTIONS = ("result", "what-to-do", "get-help", "why", "answers", "about")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" \'single\' </td></table><!--'


def case_answers(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


def not_sure_answers() -> dict:
    answers = case_answers(Path(__file__).parent / "cases" / "V10.json")
    answers.update(fever=None, warmth=None, night_pain=None, hot_recent=False, infection_risk=False)
    return answers


class Outline(HTMLParser):
    """Headings, section ids, tags and attribute values of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self._heading: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for key, value in attrs:
            self.attrs.append((tag, key, value))
            if key == "id" and value:
                self.ids.append(value)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), []

    def handle_endtag(self, tag: str) -> None:
        if self._heading and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join("".join(self._text).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._text.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_every_section_for_every_case(case: Path) -> None:
    assessment = triage.assess(case_answers(case))
    html = render_report(assessment, now=NOW)
    doc = outline(html)
    ids = [i for i in doc.ids if i in SECTIONS]
    assert ids == list(SECTIONS), "sections missing or out of order"
    levels = [level for level, _ in doc.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), f"heading levels skip: {levels}"
    assert doc.headings[0][1] == assessment.disposition.title
    assert assessment.disposition.timeframe in html
    assert '<html lang="en">' in html and doc.tags.count("main") == 1
    # The safety net and the disclaimer on every report (safety.md, property 9).
    for item in assessment.safety_net:  # 1.2: a tier's lead, then its signs as a list
        for part in (item.lead, *item.points) if item.points else (item.text,):
            assert str(escape(part)) in html
    assert "This is not a diagnosis" in html and "999" in html and "112" in html and "911" in html
    # Every advice item with its details, every deciding rule with its reason and sources.
    for item in assessment.advice:
        assert str(escape(item.text)) in html
        assert str(escape(item.details)) in html
    for rule in assessment.also_noted:  # lower findings: apart, by title (neutral words)
        assert str(escape(rule.title)) in html and rule.id in html
    for rule in (*assessment.reasons, *assessment.worked_out):
        assert str(escape(rule.because)) in html and rule.id in html
        for cite in rule.cite:  # every source in the index; the quotes behind the result in full
            assert str(escape(assessment.kb.sources[cite.source].title)) in html
            if cite.quote and rule in assessment.reasons:
                assert str(escape(cite.quote)) in html
    assert assessment.kb.version in html and assessment.kb.sha256 in html
    assert "31 January 2026 at 09:00" in html


def escape(text: str) -> str:
    from markupsafe import escape as _escape

    return str(_escape(text))


def test_every_question_is_accounted_for_asked_first_the_rest_grouped() -> None:
    answers = not_sure_answers()
    del answers["clicking"]  # asked, optional, left out
    assessment = triage.assess(answers)
    html = render_report(assessment, now=NOW)
    rows = dict(re.findall(r'<tr id="answer-([a-z0-9_]+)">.*?<td class="([a-z -]+)"', html, re.S))
    grouped = {
        key: re.search(rf'id="{key}">.*?<span class="id">([^<]*)</span>', html, re.S)
        for key in ("left-out", "not-asked", "not-asked-early")
    }
    left_out = grouped["left-out"].group(1).split(", ")
    not_asked = grouped["not-asked"].group(1).split(", ")
    assert grouped["not-asked-early"] is None  # only after an early stop
    # Every question exactly once: a row (asked) or one of the grouped lines.
    assert sorted([*rows, *left_out, *not_asked]) == sorted(q.id for q in assessment.kb.questions)
    assert rows["fever"] == "not-sure" and rows["night_pain"] == "not-sure"
    assert "injury_days_ago" in not_asked  # injury is false
    assert "clicking" in left_out and "clicking" not in rows
    assert rows["age"] == "answered"
    # Choices shown in plain words (their label), not as ids.
    locking = assessment.kb.question_by_id["locking"]
    label = re.escape(escape(locking.label("never")))
    assert re.search(r'id="answer-locking">.*?<td class="answered">' + label, html, re.S)
    # "Not sure" red flags are named as ones to get checked, and never listed as checked "no".
    kb = assessment.kb
    check = html.split('class="check"')[1].split("</div>")[0]
    assert escape(kb.label("fever")) in check
    summary = html.split('id="summary"')[1].split("</section>")[0]
    absent = summary.split("<dt>Checked and absent</dt><dd>")[1].split("</dd>")[0]
    assert escape(kb.label("fever")) not in absent
    assert escape(kb.label("calf_swelling")) in absent
    not_sure = summary.split("<dt>Not sure</dt><dd>")[1].split("</dd>")[0]
    assert escape(kb.label("fever")) in not_sure.lower()


def test_reassuring_red_flags_include_yes_to_can_bear_weight_but_not_worrying_answers() -> None:
    answers = case_answers(Path(__file__).parent / "cases" / "V40.json")
    assessment = triage.assess(answers)
    checked = {row.id for row in report_module.checked_red_flags(assessment)}
    fired_on = {
        record.name
        for firing in assessment.run.firings
        for i in firing.matched
        if (record := assessment.run.facts.get(i)) and record.kind == "answer"
    }
    red = set(assessment.kb.red_flags)
    assert not (checked & fired_on & red), "an answer that fired a rule is listed as reassuring"
    v10 = report_module.checked_red_flags(triage.assess(case_answers(Path(__file__).parent / "cases" / "V10.json")))
    assert "can_bear_weight" in {row.id for row in v10}


def test_free_text_is_escaped() -> None:
    answers = not_sure_answers()
    answers["name"] = HOSTILE
    answers["notes"] = HOSTILE + "\nsecond line"
    html = render_report(triage.assess(answers), now=NOW)
    assert "<script>" not in html and "<img" not in html and "<!--" not in html.split("</style>")[1]
    assert "&lt;script&gt;alert(" in html
    doc = outline(html)
    assert "script" not in doc.tags and "img" not in doc.tags
    assert not [a for a in doc.attrs if a[1].startswith("on")], "an event handler attribute got through"
    assert doc.tags.count("table") == 1 and doc.tags.count("html") == 1


def test_self_contained_no_external_references() -> None:
    for case in CASES:
        html = render_report(triage.assess(case_answers(case)), now=NOW)
        assert not re.search(r"https?://", html), case.stem
        assert not re.search(r"(src|href)\s*=|@import|url\(|<link|<script", html, re.I), case.stem


def test_same_answers_and_time_give_the_same_bytes() -> None:
    answers = not_sure_answers()
    first = render_report(triage.assess(answers), now=NOW)
    for case in CASES[:3]:  # other assessments in between change nothing
        render_report(triage.assess(case_answers(case)), now=NOW)
    assert render_report(triage.assess(dict(reversed(list(answers.items())))), now=NOW) == first
    assert render_report(triage.assess(answers), now=datetime(2026, 2, 1, 9, 0)) != first


def test_report_time() -> None:
    assert report_time("2026-01-31T09:00", {}) == datetime(2026, 1, 31, 9, 0)
    assert report_time(None, {"SOURCE_DATE_EPOCH": "1769850000"}) == datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    assert report_time("2026-01-31T09:00", {"SOURCE_DATE_EPOCH": "0"}).year == 2026  # --now wins
    assert report_time(None, {}).tzinfo is not None
    with pytest.raises(ReportError):
        report_time("yesterday", {})
    with pytest.raises(ReportError):
        report_time(None, {"SOURCE_DATE_EPOCH": "soon"})
    assert report_module.format_time(datetime(2026, 1, 31, 9, 0, tzinfo=UTC)) == "31 January 2026 at 09:00 (UTC)"
    aware = datetime.fromisoformat("2026-07-04T18:05-05:30")
    assert report_module.format_time(aware) == "4 July 2026 at 18:05 (UTC-05:30)"


# --- the command -----------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_cli_writes_the_report_reproducibly(tmp_path: Path) -> None:
    case = str(CASES[0])
    a, b, c = tmp_path / "a.html", tmp_path / "b.html", tmp_path / "c.html"
    result = run("report", case, "-o", str(a), "--now", "2026-01-31T09:00")
    assert result.exit_code == 0, result.output
    assert f"wrote {a}" in result.output
    assert run("report", case, "-o", str(b), "--now", "2026-01-31T09:00").exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    epoch = str(int(datetime(2026, 1, 31, 9, 0, tzinfo=UTC).timestamp()))
    assert run("report", case, "-o", str(c), env={"SOURCE_DATE_EPOCH": epoch}).exit_code == 0
    assert "31 January 2026 at 09:00 (UTC)" in c.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html", "c.html"]  # no temp files left


def test_cli_does_not_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("keep me", encoding="utf-8")
    result = run("report", str(CASES[0]), "-o", str(out), "--now", "2026-01-31T09:00")
    assert result.exit_code == 2
    assert "already exists" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    result = run("report", str(CASES[0]), "-o", str(out), "--force", "--now", "2026-01-31T09:00")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_invalid_input_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"age": 130}', encoding="utf-8")
    out = tmp_path / "r.html"
    result = run("report", str(bad), "-o", str(out))
    assert result.exit_code == 2 and "age: 130 is above the maximum 120" in result.output
    result = run("report", str(CASES[0]), "-o", str(out), "--now", "last tuesday")
    assert result.exit_code == 2 and "--now" in result.output
    result = run("report", str(CASES[0]), "-o", str(tmp_path / "no" / "such" / "r.html"))
    assert result.exit_code == 2 and "no such folder" in result.output
    assert list(tmp_path.iterdir()) == [bad]


def test_cli_pdf_without_weasyprint_says_how_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(report_module, "pdf_available", lambda: False)
    out, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = run("report", str(CASES[0]), "-o", str(out), "--pdf", str(pdf))
    assert result.exit_code == 2
    assert "pip install 'knee-triage[pdf]'" in result.output and "Save as PDF" in result.output
    assert not out.exists() and not pdf.exists()


def test_write_outputs_is_atomic_on_error(tmp_path: Path, monkeypatch) -> None:
    assessment = triage.assess(case_answers(CASES[0]))
    out = tmp_path / "r.html"
    out.write_text("old", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(report_module.os, "fsync", broken)
    with pytest.raises(OSError):
        write_outputs(assessment, out, force=True, now=NOW)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_write_outputs_refuses_a_file_that_appears_meanwhile(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("theirs", encoding="utf-8")
    with pytest.raises(ReportError, match="already exists"):
        report_module.write_atomic(out, b"ours", overwrite=False)
    assert out.read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_templates_are_shipped_in_the_wheel_config() -> None:
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    force = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force["reports"] == "triage/_data/reports"
    names = {p.name for p in reports_dir().iterdir()}
    assert {"report.html.j2", "report.css", "icons.html.j2"} <= names


def test_page_one_hands_over_a_clinical_summary_built_from_the_knowledge_base() -> None:
    """The summary names the answers that set the result, the warning signs present and
    absent, the lines of [[report_summary]] (a question added there appears without code),
    the "not sure" answers and the person's note; rule ids and source keys stay off page 1."""
    from triage.report import handover as handover_module

    answers = case_answers(Path(__file__).parent / "cases" / "V40.json")
    answers["notes"] = "I have fallen twice this year"
    assessment = triage.assess(answers)
    kb = assessment.kb
    summary = handover_module.handover(assessment)
    lines = {line.heading: line.text for line in summary.lines}
    assert summary.who.startswith(f"age {answers['age']}")
    assert [title for title, _ in summary.set_by] == [r.title for r in assessment.reasons]
    assert f"{kb.label('deformity')}: yes" in summary.set_by[0][1]
    assert kb.label("deformity") in lines["Warning signs present"]
    assert kb.label("calf_swelling") in lines["Checked and absent"]
    assert kb.label("calf_swelling") not in lines["Warning signs present"]
    assert lines["Pain"].startswith(f"{kb.label('pain_score')[:1].upper()}{kb.label('pain_score')[1:]}: ")
    assert summary.note == "I have fallen twice this year"
    html = render_report(assessment, now=NOW)
    page_one = html.split('class="detail"')[0]
    assert "I have fallen twice this year" in page_one
    assert not [r.id for r in kb.rules if r.id in page_one]
    assert "Sources:" not in page_one
    # Generic: a line added to the knowledge base's list shows up, unknown ids are skipped.
    extra = (*kb.report_summary, ("Other", ("footwear", "not_a_question_yet")))
    assessed = assessment._replace(kb=kb._replace(report_summary=extra))
    lines = {line.heading: line.text for line in handover_module.handover(assessed).lines}
    footwear = kb.question_by_id["footwear"].answer_words(answers["footwear"])
    assert lines["Other"] == f"{kb.label('footwear').capitalize()}: {footwear}."


def test_the_summary_lines_name_real_questions_or_the_announced_new_ones() -> None:
    """[[report_summary]] may name questions a later knowledge base adds (they are skipped
    until then); any other unknown id is a typo."""
    kb = triage.load_knowledge_base()
    announced = {"clot_risk", "infection_risk", "blood_thinners", "pregnant", "cancer_history"}  # policy 1.2
    named = {qid for _, ids in kb.report_summary for qid in ids}
    assert named - set(kb.question_by_id) <= announced
