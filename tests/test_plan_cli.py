"""`triage plan` and `triage checkin` as commands: exit codes, files, refusals."""

from __future__ import annotations

import json
import shlex
import stat
from pathlib import Path

from click.testing import Result
from helpers import CASES_DIR, base_answers, load_case, run_cli

from triage import assess, load_knowledge_base
from triage.cli.plan import print_command

KB = load_knowledge_base()


def write(path: Path, data) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def lines_for_checkin(answers: dict, walks: int = 3, pain: int = 2, replies_now: dict | None = None) -> str:
    """Piped replies: the traffic light, every "Now:" as before (or as ``replies_now`` says),
    question 5 "no"."""
    replies = [str(walks), str(pain), "1"]
    for q in KB.questions:
        if q.red_flag and not q.asked_when:
            value = answers[q.id]
            reply = ("y" if value else "n") if q.type == "boolean" else str(q.choice_values.index(value) + 1)
            replies.append((replies_now or {}).get(q.id, reply))
    return "\n".join([*replies, "2"]) + "\n"


def test_no_plan_above_urgency_0_exits_3_and_writes_nothing(tmp_path) -> None:
    answers = write(tmp_path / "a.json", load_case(CASES_DIR / "E13.json"))
    out = tmp_path / "plan.json"
    result = run_cli("plan", answers, "-o", str(out))
    assert result.exit_code == 3
    assert assess(load_case(CASES_DIR / "E13.json")["answers"]).disposition.title.upper() in result.output
    assert not out.exists()


def test_plan_is_owner_only_and_never_overwritten_without_force(tmp_path) -> None:
    answers = write(tmp_path / "a.json", base_answers())
    out = tmp_path / "plan.json"
    first = run_cli("plan", answers, "-o", str(out), "--start", "2026-01-05")
    assert first.exit_code == 0 and "Week 1 of 6" in first.output and "minimum" in first.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    before = out.read_bytes()
    again = run_cli("plan", answers, "-o", str(out), "--start", "2026-02-02")
    assert again.exit_code == 2 and "--force" in again.output and out.read_bytes() == before
    forced = run_cli("plan", answers, "-o", str(out), "--start", "2026-02-02", "--force")
    assert forced.exit_code == 0 and json.loads(out.read_text())["start"] == "2026-02-02"


def test_bad_dates_and_answers_exit_2(tmp_path) -> None:
    answers = write(tmp_path / "a.json", base_answers())
    assert run_cli("plan", answers, "--start", "soon", "-o", str(tmp_path / "p.json")).exit_code == 2
    bad = write(tmp_path / "bad.json", {"age": "old"})
    result = run_cli("plan", bad, "-o", str(tmp_path / "p.json"))
    assert result.exit_code == 2 and "age" in result.output and not (tmp_path / "p.json").exists()


def test_checkin_appends_and_refuses_an_edited_file(tmp_path) -> None:
    answers = write(tmp_path / "a.json", base_answers())
    plan = tmp_path / "plan.json"
    run_cli("plan", answers, "-o", str(plan), "--start", "2026-01-05")
    result = run_cli("checkin", str(plan), "--date", "2026-01-09", input=lines_for_checkin(base_answers()))
    assert result.exit_code == 0, result.output
    assert "Week 1: Green" in result.output and "Week 2 of 6" in result.output
    data = json.loads(plan.read_text())
    assert len(data["checkins"]) == 1 and stat.S_IMODE(plan.stat().st_mode) == 0o600
    data["weeks"][1]["minutes_per_walk"] = 60
    plan.write_text(json.dumps(data))
    refused = run_cli("checkin", str(plan), "--date", "2026-01-16", input="")
    assert refused.exit_code == 2 and "does not match" in refused.output


def test_too_early_without_a_red_flag_adds_nothing(tmp_path) -> None:
    answers = write(tmp_path / "a.json", base_answers())
    plan = tmp_path / "plan.json"
    run_cli("plan", answers, "-o", str(plan), "--start", "2026-01-05")
    before = plan.read_bytes()
    replies = lines_for_checkin(base_answers()).split("\n", 3)[3]  # no traffic light before day 5
    result = run_cli("checkin", str(plan), "--date", "2026-01-06", input=replies)
    assert result.exit_code == 0 and "Nothing new, so nothing was added" in result.output
    assert plan.read_bytes() == before and not Path(f"{plan}.checkin").exists()


def test_not_a_plan_file(tmp_path) -> None:
    other = write(tmp_path / "a.json", base_answers())
    result = run_cli("checkin", other, "--date", "2026-01-09")
    assert result.exit_code == 2 and "not a plan file" in result.output


def test_under_another_knowledge_base_a_result_that_needs_someone_stops_the_plan(tmp_path) -> None:
    answers = write(tmp_path / "a.json", base_answers())
    plan = tmp_path / "plan.json"
    run_cli("plan", answers, "-o", str(plan), "--start", "2026-01-05")
    data = json.loads(plan.read_text())
    data["knowledge_base"]["sha256"] = "0" * 64  # made with another knowledge base
    flag = next(q for q in KB.questions if q.red_flag and not q.asked_when and q.type == "boolean" and q.id != "injury")
    data["answers"][flag.id] = None  # which, run again, now needs someone
    plan.write_text(json.dumps(data))
    result = run_cli("checkin", str(plan), "--date", "2026-01-09", input="")
    assert result.exit_code == 3 and "assessed again" in result.output
    assert json.loads(plan.read_text()) == data  # nothing written


def print_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("To print your plan: ")]


def run_print_line(line: str) -> Result:
    """Run the command the line tells the person to type, as they would."""
    command = shlex.split(line.removeprefix("To print your plan: "))
    assert command[:2] == ["triage", "plan-report"], line
    return run_cli(*command[1:])


def test_plan_and_checkin_say_how_to_print_the_plan_in_a_command_that_works(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # names as a person types them: the lines do not depend on the temp path
    monkeypatch.setenv("COLUMNS", "80")
    write(tmp_path / "a.json", base_answers())
    made = run_cli("plan", "a.json", "-o", "my plan.json", "--start", "2026-01-05")
    assert made.exit_code == 0, made.output
    assert print_lines(made.output) == ["To print your plan: triage plan-report 'my plan.json' -o 'my plan.html'"]
    assert "triage checkin 'my plan.json'" in " ".join(made.output.split())  # both commands quoted for the shell
    assert max(len(line) for line in made.output.splitlines()) <= 80
    printed = run_print_line(print_lines(made.output)[0])
    assert printed.exit_code == 0, printed.output
    assert "Your 6-week calendar" in (tmp_path / "my plan.html").read_text(encoding="utf-8")

    week1 = run_cli("checkin", "my plan.json", "--date", "2026-01-09", input=lines_for_checkin(base_answers()))
    assert week1.exit_code == 0 and "Week 2 of 6" in week1.output
    assert print_lines(week1.output) == print_lines(made.output)
    assert max(len(line) for line in week1.output.splitlines()) <= 80
    assert run_print_line(print_lines(week1.output)[0]).exit_code == 2  # the printout is there: no overwrite

    # A check-in that stops the plan stays on what to do now: no printing line.
    flag = next(q for q in KB.questions if q.red_flag and not q.asked_when and q.type == "boolean" and q.id != "injury")
    replies = lines_for_checkin(base_answers(), replies_now={flag.id: "s"})  # "not sure"
    stopped = run_cli("checkin", "my plan.json", "--date", "2026-01-16", input=replies)
    assert stopped.exit_code == 3 and "Stop the walking plan" in stopped.output, stopped.output
    assert print_lines(stopped.output) == []


def test_the_print_command_names_an_html_file_next_to_the_plan() -> None:
    assert print_command("triage-plan.json") == "triage plan-report triage-plan.json -o triage-plan.html"
    assert print_command("plans/knee") == "triage plan-report plans/knee -o plans/knee.html"
    assert print_command("p.html") == "triage plan-report p.html -o p.html.html"  # never the plan file itself
