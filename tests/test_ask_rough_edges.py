"""The terminal's rough edges (issue 19): going back shows the answer and Enter keeps it;
saved answers at a terminal offer to carry on; `explain` wraps whole words; a pre-filled file
says how many answers it gave; the age check never takes another reply as yes or no; a report
named .txt is refused; the check before an ambulance asks about the answer."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest
from ask_helpers import CASE_FILES, kb, load_case, typed
from click.testing import CliRunner

import triage
from triage.cli.main import main
from triage.kb.conditions import condition_holds
from triage.kb.records import Question

TRIAGE = Path(sys.executable).with_name("triage")
PROMPT = r"\) > "


def case(stem: str) -> dict:
    return load_case(next(p for p in CASE_FILES if p.stem == stem))["answers"]


def ask(tmp_path: Path, text: str, *args: str):
    return CliRunner().invoke(main, ["ask", "-a", str(tmp_path / "a.json"), *args], input=text)


# The first answers a person gives, ending with a yes/no question (injury) so going back to
# it shows "no". The order is the knowledge base's, checked by `asked_in_order` below.
OPENING = {"age": 40, "sex": "male", "injury": False}


def asked_in_order(answers: dict) -> list[Question]:
    """The questions the knowledge base asks, in order, until one is not in ``answers``;
    the last one returned is the question that comes next."""
    so_far: dict = {}
    asked: list[Question] = []
    for question in kb().questions:
        if not condition_holds(question.asked_when, so_far):
            continue
        asked.append(question)
        if question.id not in answers:
            break
        so_far[question.id] = answers[question.id]
    return asked


def opening_typed() -> str:
    questions = asked_in_order(OPENING)[:-1]
    assert [q.id for q in questions] == list(OPENING), "OPENING is not the order the knowledge base asks"
    return "".join(typed(q, OPENING[q.id]) + "\n" for q in questions)


def test_going_back_shows_the_answer_and_enter_keeps_it(tmp_path: Path) -> None:
    # the opening answers, then "<" at the next question: back to "injury", Enter keeps "no"
    injury = asked_in_order(OPENING)[len(OPENING) - 1]
    result = ask(tmp_path, opening_typed() + "<\n\n")
    assert f"Going back to: {injury.text}" in " ".join(result.output.split())
    assert "Your answer was: no. Press Enter to keep it." in result.output
    saved = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert saved == OPENING  # kept, and the questions carried on
    after = f"[{len(OPENING) + 1}/"
    assert result.output.count(after) == 2  # the question after injury asked again after Enter


def test_going_back_then_typing_changes_the_answer(tmp_path: Path) -> None:
    ask(tmp_path, opening_typed() + "<\ny\n")
    saved = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert saved == OPENING | {"injury": True}


def test_the_age_check_asks_again_until_yes_or_no(tmp_path: Path) -> None:
    result = ask(tmp_path, "12\n45.5\nn\n45\n")
    assert "Is 12 right? (y/n)" in result.output
    assert "Please type y for yes or n for no." in result.output  # "45.5" is neither
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["age"] == 45


def test_a_prefilled_file_says_how_many_answers_it_gave(tmp_path: Path) -> None:
    answers = {k: v for k, v in case("V01").items() if k not in ("name", "notes")}
    pre = tmp_path / "pre.json"
    pre.write_text(json.dumps(answers), encoding="utf-8")
    result = ask(tmp_path, "\n\n", "--answers", str(pre))
    assert result.exit_code == 0, result.output
    assert f"{len(answers)} answers came from {pre}: only the questions still missing are asked." in " ".join(
        result.output.split()
    )


def test_a_report_named_txt_is_refused_and_nothing_written(tmp_path: Path) -> None:
    for command in (["report", str(CASE_FILES[0])], ["ask", "-a", str(tmp_path / "a.json")]):
        result = CliRunner().invoke(main, [*command, "-o", str(tmp_path / "r.txt")], input="")
        assert result.exit_code == 2
        assert "name it .html" in result.stderr
        assert not (tmp_path / "r.txt").exists() and not (tmp_path / "a.json").exists()


def test_explain_wraps_whole_words_at_the_width(tmp_path: Path) -> None:
    path = next(p for p in CASE_FILES if p.stem == "V34")
    result = CliRunner().invoke(main, ["explain", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines if len(line.split()) > 1), "a line wider than 80 columns"
    flat = " ".join(" ".join(line.replace("|", " ").split()) for line in lines)
    assert "How swollen is the knee? [swelling]" in flat  # words whole, wrapped lines join up
    unwrapped = CliRunner().invoke(main, ["explain", str(path)], env={"COLUMNS": "400"}).stdout
    assert max(len(line) for line in unwrapped.splitlines()) > 80  # the check above had work to do


def test_the_ambulance_check_asks_about_the_answer() -> None:
    kb = triage.load_knowledge_base()
    text = kb.wording["emergency_check_answer"]
    assert "answer right" in text and "Is that right?" not in text


needs_script = pytest.mark.skipif(not TRIAGE.exists(), reason="the triage script is not installed here")


@needs_script
def test_saved_answers_at_a_terminal_offer_to_carry_on(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(OPENING), encoding="utf-8")
    following = asked_in_order(OPENING)[-1]  # the first question not yet answered
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"NO_COLOR": "1"}
    child = pexpect.spawn(
        str(TRIAGE), ["ask", "-a", "a.json"], cwd=str(tmp_path), env=env, encoding="utf-8", timeout=20
    )
    child.expect("already holds saved answers")
    child.expect("Carry on with them")
    child.sendline("y")
    child.expect(f"Welcome back. Carrying on from the {len(OPENING)} answers")
    child.expect_exact(following.text.split(",")[0])
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    # "n" keeps them and stops (exit 2), saying how to start again
    child = pexpect.spawn(
        str(TRIAGE), ["ask", "-a", "a.json"], cwd=str(tmp_path), env=env, encoding="utf-8", timeout=20
    )
    child.expect("Carry on with them")
    child.sendline("n")
    child.expect("ask --new")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8")) == OPENING


def test_saved_answers_with_piped_input_still_stop(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"age": 40}), encoding="utf-8")
    result = ask(tmp_path, "y\n")
    assert result.exit_code == 2 and "ask --resume" in result.stderr
