"""The end of `triage ask` in a real pseudo-terminal of 80x23 and 80x24 (read back with the
pyte terminal emulator): for every level of the ladder the headline and "When" are still on
screen once the program has ended; leaving (Ctrl-C, end of input) once the answers are urgent
still shows the urgent result, and the saved file gives that result to `assess`, `explain`
and `report`; the emergency screen is the most striking one without colour."""

from __future__ import annotations

import io
import json
import os
import sys
from html import escape
from pathlib import Path

import pexpect
import pyte
import pytest
from ask_helpers import CASE_FILES, lines_for, load_case, typed
from click.testing import CliRunner
from report_cases import LEVEL_CASES

import triage
from triage import summary
from triage.cli.main import main
from triage.flow import Flow, Outcome, Progress

TRIAGE = Path(sys.executable).with_name("triage")
PROMPT = r"\) > "
LEVELS = LEVEL_CASES  # one shared case for each level of the ladder
needs_script = pytest.mark.skipif(not TRIAGE.exists(), reason="the triage script is not installed here")


def case(stem: str) -> dict:
    return load_case(next(p for p in CASE_FILES if p.stem == stem))["answers"]


def spawn(tmp_path: Path, rows: int, *args: str) -> tuple[pexpect.spawn, io.StringIO]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env["NO_COLOR"] = "1"
    child = pexpect.spawn(
        str(TRIAGE),
        ["ask", "-a", "answers.json", *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(rows, 80),
    )
    log = io.StringIO()
    child.logfile_read = log
    return child, log


def last_screen(log: io.StringIO, rows: int) -> str:
    """What a person sees when the program has ended: the last ``rows`` rows, the final one
    being where the shell's prompt goes."""
    screen = pyte.Screen(80, rows)
    pyte.Stream(screen).feed(log.getvalue().replace("\r\n", "\n").replace("\n", "\r\n"))
    return "\n".join(line.rstrip() for line in screen.display)


def flat(text: str) -> str:
    return " ".join(text.split())


@needs_script
@pytest.mark.parametrize("rows", [23, 24])
@pytest.mark.parametrize("level", list(LEVELS))
def test_headline_and_when_stay_on_screen(tmp_path: Path, level: str, rows: int) -> None:
    answers = case(LEVELS[level])
    expected = triage.assess(answers)
    assert expected.disposition.id == level  # the case still stands for its level
    lines, _ = lines_for(answers)
    child, log = spawn(tmp_path, rows)
    for line in lines:
        child.expect(PROMPT)
        child.sendline(line)
    if level == "emergency":  # the check before an ambulance: yes, the answers are right
        child.expect(r"is that answer right\?")
        child.expect(PROMPT)
        child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = last_screen(log, rows)
    shown = flat(screen)
    mark = summary.MARKS[expected.urgency]
    assert f"[{mark}] {expected.disposition.title.upper()}" in shown, screen
    assert f"When: {expected.disposition.timeframe}." in shown, screen
    # At most 20 lines after the last answer: room for a two-line shell prompt in 80x23.
    end = log.getvalue().replace("\r\n", "\n").rsplit(") > ", 1)[1].strip("\n").split("\n")
    assert len(end) <= summary.FIRST_SCREEN_LINES, "\n".join(end)
    if level == "emergency":  # framed, full width, above the headline
        rows_shown = screen.splitlines()
        top = next(i for i, row in enumerate(rows_shown) if "[NOW]" in row)
        assert rows_shown[top - 1] == summary.BANNER * 80 == rows_shown[top + 1]


def test_only_the_emergency_is_framed_and_the_frame_outdoes_the_interim_banner() -> None:
    """Without colour, the emergency is the most striking screen: a full-width frame that no
    other result has, wider and heavier than the "GET SEEN TODAY" notice during the questions."""
    from triage.cli.terminal_text import urgent_notice

    for level, stem in LEVELS.items():
        head = summary.headline(triage.assess(case(stem)), 80)
        framed = head[0] == summary.BANNER * 80
        assert framed == (level == "emergency"), level
    kb = triage.load_knowledge_base()
    flow = Flow(kb, Progress({"age": 40, "injury": False, "can_bear_weight": True, "foot_cold_numb": False}))
    flow.answer(kb.question_by_id["calf_swelling"], True)
    notice = urgent_notice(flow, flow.next_question(), 80)
    assert max(len(line) for line in notice.splitlines() if set(line) == {"!"}) < 80


# The calf is swollen: urgent, with the questions that could still make it an emergency to ask.
URGENT = {"age": 40, "sex": "male", "injury": False, "can_bear_weight": True, "foot_cold_numb": False}
URGENT |= {"calf_swelling": True}
# Written out by hand (answers.md, Early stop): for a man of 40 with a swollen calf, the
# emergency questions still open, in the knowledge base's order.
UNANSWERED = ["calf_pain", "breathless", "breathless_other", "blood_thinners"]


def urgent_so_far() -> list[str]:
    """What a person types to give URGENT, in the order the questionnaire asks."""
    kb = triage.load_knowledge_base()
    flow = Flow(kb, Progress({}))
    lines = []
    while (question := flow.next_question()) is not None and question.id in URGENT:
        lines.append(typed(question, URGENT[question.id]))
        flow.answer(question, URGENT[question.id])
    assert len(lines) == len(URGENT) and flow.urgency == 3 and question.id == UNANSWERED[0]
    return lines


def unanswered_texts() -> list[str]:
    kb = triage.load_knowledge_base()
    return [kb.question_by_id[qid].text for qid in UNANSWERED]


def check_downstream(path: Path, disposition: str) -> None:
    """`assess`, `explain` and `report` accept the saved file and give the same result."""
    runner = CliRunner()
    result = runner.invoke(main, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["disposition"] == disposition
    assert data["stopped_early"]["interrupted"] is True
    assert data["stopped_early"]["unanswered"] == UNANSWERED
    result = runner.invoke(main, ["explain", str(path)])
    assert result.exit_code == 0 and f"Result: {disposition}" in result.stdout
    for text in unanswered_texts():  # what was never checked is said
        assert text in flat(result.stdout), text
    report = path.with_name("again.html")
    result = runner.invoke(main, ["report", str(path), "-o", str(report), "--now", "2026-01-31T09:00"])
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    assert 'class="headline level-3"' in html
    for text in unanswered_texts():
        assert escape(text) in flat(html), text


@needs_script
@pytest.mark.parametrize("rows", [23, 24])
def test_ctrl_c_after_an_urgent_answer_shows_it_and_saves_a_usable_record(tmp_path: Path, rows: int) -> None:
    child, log = spawn(tmp_path, rows)
    for line in urgent_so_far():
        child.expect(PROMPT)
        child.sendline(line)
    child.expect("GET SEEN TODAY")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    screen = flat(last_screen(log, rows))
    assert "[TODAY] GET SEEN TODAY" in screen and "When: Today." in screen
    assert "Get seen today at the emergency department" in screen  # the advice, not just "stopped"
    # not answered: said (at this size as a count, so that the headline stays on screen;
    # check_downstream finds each question in `explain` and the report)
    count = triage.load_knowledge_base().wording["unanswered_emergency_count"].format(count=len(UNANSWERED))
    assert count in screen
    assert "To answer the rest:" in screen
    assert (tmp_path / "answers.html").exists()  # the report to show whoever sees them
    check_downstream(tmp_path / "answers.json", "urgent-care-today")


def test_end_of_input_after_an_urgent_answer_does_the_same(tmp_path: Path) -> None:
    import signal

    path = tmp_path / "a.json"
    before = signal.getsignal(signal.SIGINT)
    result = CliRunner().invoke(main, ["ask", "-a", str(path)], input="\n".join(urgent_so_far()) + "\n")
    # Ctrl-C is ignored only while the result is shown: never left ignored in this process
    # (the programs it starts would inherit it and could not be stopped).
    assert signal.getsignal(signal.SIGINT) is before
    assert result.exit_code == 1
    assert "[TODAY] GET SEEN TODAY" in result.stdout and "Stopped. Your answers" not in result.stdout
    check_downstream(path, "urgent-care-today")


def test_leaving_before_anything_urgent_only_says_where_the_answers_are(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    result = CliRunner().invoke(main, ["ask", "-a", str(path)], input="40\nn\ny\n")
    assert result.exit_code == 1
    assert "Stopped. Your answers so far are saved" in result.stdout and "[" not in result.stdout.split("Stopped")[1]
    assert "stopped_early" not in json.loads(path.read_text(encoding="utf-8"))


def test_a_record_without_interrupted_still_needs_the_emergency_questions() -> None:
    """The exemption is the person's leaving, recorded: a record without it (or a made-up
    copy) must still have every question that could make it an emergency answered."""
    answers = dict(URGENT)
    record = {"disposition": "urgent-care-today", "because": ["RF-CALF"], "reason": ""}
    with pytest.raises(triage.AnswersError) as error:
        triage.assess({**answers, "stopped_early": record})
    for qid in UNANSWERED:
        assert any(p.startswith(f"{qid}: required") for p in error.value.problems), qid
    left = triage.assess({**answers, "stopped_early": {**record, "interrupted": True}})
    assert left.disposition.id == "urgent-care-today" and left.early_stop.unanswered == tuple(UNANSWERED)
    with pytest.raises(triage.AnswersError):
        triage.assess({**answers, "stopped_early": {**record, "interrupted": "yes"}})
    with pytest.raises(triage.AnswersError):  # not urgent: no stop of any kind excuses a gap
        triage.assess({"age": 40, "stopped_early": {**record, "interrupted": True}})


# 1.2: warmth "not sure" opens two required questions; answered "no" so that only warmth and
# fever are not sure.
WARMTH_FOLLOW_UPS = {"hot_recent": False, "infection_risk": False}


def test_the_end_screen_lists_not_sure_answers() -> None:
    answers = case("V10") | {"fever": None, "warmth": None} | WARMTH_FOLLOW_UPS
    assessment = triage.assess(answers)
    kb = assessment.kb
    text = flat("\n".join(summary.first_screen(assessment, width=80)))
    assert f"Get these checked (you were not sure): {kb.label('warmth')}; {kb.label('fever')}." in text
    outcome = Outcome("complete", assessment)
    assert outcome.assessment.not_sure == ("warmth", "fever")


def test_colour_never_changes_where_lines_wrap() -> None:
    """Escape codes take no room on screen: with colour, the lines break where they do without."""
    import click

    answers = case("V10") | {"fever": None, "warmth": None} | WARMTH_FOLLOW_UPS
    assessment = triage.assess(answers)
    plain = summary.first_screen(assessment, width=80)
    coloured = summary.first_screen(assessment, width=80, style=click.style)
    assert [click.unstyle(line) for line in coloured] == plain


def test_the_unanswered_questions_shrink_to_a_count_only_when_the_screen_is_full(monkeypatch) -> None:
    record = {"disposition": "urgent-care-today", "because": ["RF-CALF"], "reason": "", "interrupted": True}
    assessment = triage.assess({**URGENT, "stopped_early": record})
    kb = assessment.kb
    count = kb.wording["unanswered_emergency_count"].format(count=len(UNANSWERED))
    where = ["Saved: a.json. All of it: triage assess a.json", "Report: a.html", "To answer the rest: triage ask"]
    lines = summary.first_screen(assessment, width=80, where=where)
    assert len(lines) <= summary.FIRST_SCREEN_LINES and count in flat("\n".join(lines))
    # A broken copy without the count wording lists every question and overflows the screen.
    monkeypatch.delitem(kb.wording, "unanswered_emergency_count")
    listed = summary.first_screen(assessment, width=80, where=where)
    assert len(listed) > summary.FIRST_SCREEN_LINES
    assert all(text in flat("\n".join(listed)) for text in unanswered_texts())
    # With room to spare, the questions are listed, not counted.
    monkeypatch.setitem(kb.wording, "unanswered_emergency_count", count)
    monkeypatch.setattr(summary, "FIRST_SCREEN_LINES", 60)
    roomy = flat("\n".join(summary.first_screen(assessment, width=80, where=where)))
    assert count not in roomy and all(text in roomy for text in unanswered_texts())
