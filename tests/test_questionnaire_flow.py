"""`triage ask` through click's CliRunner: prompts, re-prompting, help, going back, "not sure",
skipping, stopping and resuming, pre-filling, --no-input, early stops, colour."""

from __future__ import annotations

import json
import re

import click
import pytest
from ask_helpers import CASE_FILES, EMERGENCY_QUESTIONS, kb, lines_for, load_case, walk
from click.testing import CliRunner

from triage.assessment import assess
from triage.cli.answers_store import AnswersStore, atomic_write
from triage.cli.main import main
from triage.flow import Progress, emergency_questions
from triage.replies import parse_reply

V01 = load_case(next(p for p in CASE_FILES if p.stem == "V01"))["answers"]  # walk-normally, 34, no injury
V01_LINES, _ = lines_for(V01)
V01_ASKED = [q.id for q, _ in walk(V01)[0]]  # the question behind each line, in order
INJURY, LOCKING = V01_ASKED.index("injury"), V01_ASKED.index("locking")
CLICKING = V01_ASKED.index("clicking")  # "Does the knee click or crunch?" (optional)
SKIP_CLICKING = [*V01_LINES[:CLICKING], "", *V01_LINES[CLICKING + 1 :]]
V01_NO_CLICKING = {q: v for q, v in assess(V01).answers.items() if q != "clicking"}


def ask(tmp_path, lines, *args, env=None, color=False):
    answers_file = tmp_path / "answers.json"
    result = CliRunner().invoke(
        main,
        ["ask", "-a", str(answers_file), *args],
        input="".join(f"{line}\n" for line in lines),
        env=env,
        color=color,
    )
    assert "Traceback" not in result.output
    return result, answers_file


def saved(path):
    return json.loads(path.read_text(encoding="utf-8"))


def sidecar(path):
    return json.loads(AnswersStore(path).progress_path.read_text(encoding="utf-8"))


# --- a whole run ------------------------------------------------------------------------------


def test_full_run_saves_the_answers_and_shows_the_result(tmp_path):
    result, answers_file = ask(tmp_path, V01_LINES)
    assert result.exit_code == 0, result.output
    assert saved(answers_file) == assess(V01).answers
    assert sidecar(answers_file)["status"] == "complete"
    out = result.output
    assert "KEEP WALKING AS YOU DO" in out
    assert "What to do now:" in out and "Get help if:" in out and "not a diagnosis" in out
    assert f"All of it: triage assess {answers_file}" in " ".join(out.split())
    # A long temporary path: the "where" lines shrink to one, so the headline stays on screen.
    assert " ".join(out.split()).endswith(f"All of it: triage assess {answers_file}")
    assert out.index("What to do now:") < out.index("Get help if:") < out.rindex("All of it:")


def test_progress_marker_counts_up_and_the_total_only_shrinks(tmp_path):
    result, _ = ask(tmp_path, V01_LINES)
    markers = [(int(n), int(total)) for n, total in re.findall(r"^\[(\d+)/(\d+)\]", result.output, re.M)]
    assert markers[0][0] == 1
    assert [n for n, _ in markers] == list(range(1, len(markers) + 1))
    totals = [total for _, total in markers]
    assert totals == sorted(totals, reverse=True) and totals[-1] == len(markers)


def test_choices_are_shown_with_their_plain_words_and_not_sure_on_red_flags(tmp_path):
    result, _ = ask(tmp_path, V01_LINES)
    shown = "  3  clearly swollen\n  4  badly swollen and tight\n  s  not sure\n(1-4, or s = not sure) >"
    assert shown in result.output
    assert "(1-3; Enter to skip) >" in result.output  # clicking: optional, no "not sure"


# --- invalid input, help, back, not sure, skipping ---------------------------------------------


def test_invalid_input_is_explained_and_asked_again(tmp_path):
    before = V01_LINES[:INJURY]  # age, sex
    lines = ["abc", "130", "", *before, "maybe", "", *V01_LINES[INJURY:LOCKING], "9", "stuck-ish", *V01_LINES[LOCKING:]]
    result, answers_file = ask(tmp_path, lines)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Please type a whole number from 18 to 120.") == 2
    assert "This question needs an answer.\n" in out  # age: not a red flag
    assert "Please type y for yes or n for no, or s if you are not sure." in out
    assert "This question needs an answer. If you are not sure, type s." in out  # red flag: no default
    assert out.count("Please type a number from 1 to 3, or s if you are not sure.") == 2
    assert saved(answers_file) == assess(V01).answers


def test_question_mark_shows_the_help_from_the_knowledge_base(tmp_path):
    result, _ = ask(tmp_path, [*V01_LINES[:INJURY], "?", *V01_LINES[INJURY:]])
    assert result.exit_code == 0
    assert kb().question_by_id["injury"].help in result.output.replace("\n  ", " ")


def test_going_back_forgets_the_answer_and_asks_it_again(tmp_path):
    # injury "yes" brings "how many days ago"; back, and answer "no" instead.
    lines = [*V01_LINES[:INJURY], "y", "<", *V01_LINES[INJURY:]]
    result, answers_file = ask(tmp_path, lines)
    assert result.exit_code == 0, result.output
    assert "How many days ago was the injury?" in result.output
    assert "Going back to: Did this knee pain start with an injury" in result.output
    assert saved(answers_file) == assess(V01).answers


def test_back_on_the_first_question_says_there_is_nothing_before(tmp_path):
    result, _ = ask(tmp_path, ["<", *V01_LINES])
    assert "nothing to go back to" in result.output
    assert result.exit_code == 0


def test_not_sure_is_saved_as_null_and_counts(tmp_path):
    lines = list(V01_LINES)
    lines[LOCKING] = "not sure"
    result, answers_file = ask(tmp_path, lines)
    assert result.exit_code == 0, result.output
    answers = saved(answers_file)
    assert "locking" in answers and answers["locking"] is None
    assert assess(answers).disposition.id == "see-a-doctor-soon"
    assert "SEE A DOCTOR WITHIN A FEW DAYS" in result.output


def test_empty_line_skips_an_optional_question_and_resume_does_not_ask_it_again(tmp_path):
    cut = CLICKING + 2
    result, answers_file = ask(tmp_path, SKIP_CLICKING[:cut])
    assert result.exit_code == 1
    assert "clicking" not in saved(answers_file)
    assert "clicking" in sidecar(answers_file)["skipped"]
    resumed, _ = ask(tmp_path, SKIP_CLICKING[cut:], "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "Does the knee click or crunch?" not in resumed.output
    assert saved(answers_file) == V01_NO_CLICKING


# --- stopping and resuming -----------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 9, 20])
def test_end_of_input_says_where_the_answers_are_and_resume_finishes(tmp_path, cut):
    result, answers_file = ask(tmp_path, V01_LINES[:cut])
    assert result.exit_code == 1
    assert f"Stopped. Your answers so far are saved in {answers_file}" in result.output
    assert f"triage ask --resume -a {answers_file}" in result.output
    assert len(saved(answers_file)) == cut
    resumed, _ = ask(tmp_path, V01_LINES[cut:], "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output.startswith(f"Welcome back. Carrying on from the {cut} answer")
    assert f"[{cut + 1}/" in resumed.output  # the progress marker carries on too
    assert saved(answers_file) == assess(V01).answers


def test_ctrl_c_exits_130_and_resume_carries_on(tmp_path, monkeypatch):
    real_prompt = click.prompt

    def prompt(*args, **kwargs):  # what click does on Ctrl-C: Abort, with the KeyboardInterrupt as context
        value = real_prompt(*args, **kwargs)
        if value == "^C":
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                raise click.Abort() from None
        return value

    monkeypatch.setattr(click, "prompt", prompt)
    result, answers_file = ask(tmp_path, [*V01_LINES[:5], "^C"])
    assert result.exit_code == 130
    assert "Stopped. Your answers so far are saved in" in result.output
    assert len(saved(answers_file)) == 5
    resumed, _ = ask(tmp_path, V01_LINES[5:], "--resume")
    assert resumed.exit_code == 0
    assert saved(answers_file) == assess(V01).answers


def test_back_works_after_a_resume(tmp_path):
    cut = INJURY + 2  # age, sex, injury, can_bear_weight
    ask(tmp_path, V01_LINES[:cut])
    resumed, answers_file = ask(tmp_path, ["<", V01_LINES[cut - 1], *V01_LINES[cut:]], "--resume")
    assert resumed.exit_code == 0
    assert "Going back to: Can you take four steps" in resumed.output
    assert saved(answers_file) == assess(V01).answers


def test_resume_without_saved_answers_fails_kindly(tmp_path):
    result, _ = ask(tmp_path, [], "--resume")
    assert result.exit_code == 2
    assert "there are no saved answers here" in result.output


def test_saved_answers_are_not_overwritten_without_new(tmp_path):
    ask(tmp_path, V01_LINES[:4])
    result, answers_file = ask(tmp_path, V01_LINES)
    assert result.exit_code == 2
    assert "already holds saved answers" in result.output and "--resume" in result.output
    assert len(saved(answers_file)) == 4
    fresh, _ = ask(tmp_path, V01_LINES, "--new")
    assert fresh.exit_code == 0
    assert saved(answers_file) == assess(V01).answers


def test_resumed_complete_questionnaire_shows_the_result_again(tmp_path):
    ask(tmp_path, V01_LINES)
    again, _ = ask(tmp_path, [], "--resume")
    assert again.exit_code == 0
    assert "KEEP WALKING AS YOU DO" in again.output
    assert "[1/" not in again.output


# --- early stop ------------------------------------------------------------------------------------


def test_emergency_stops_at_once_and_saves(tmp_path):
    # 40, sex left out, injured 2 days ago, knee out of place: an ambulance, nothing more asked.
    result, answers_file = ask(tmp_path, ["40", "", "y", "2", "y", "n", "n"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "CALL AN AMBULANCE NOW" in out
    assert "The questions stopped early" in " ".join(out.split())
    assert "Did you feel or hear a pop" not in out
    squashed = " ".join(out.split())
    assert f"All of it: triage assess {answers_file}" in squashed
    report = answers_file.with_suffix(".html")
    assert squashed.endswith(f"Report to show whoever sees you: {report}")
    assert "Call an ambulance now" in report.read_text(encoding="utf-8")
    record = saved(answers_file)
    assert record.pop("stopped_early") == {
        "disposition": "emergency",
        "urgency": 4,
        "because": ["RF-DISLOCATION"],
        "reason": 'The questions stopped early: the answers so far already meant "Call an ambulance now", '
        "so the other questions were not asked.",
    }
    assert record == {"age": 40, "injury": True, "injury_days_ago": 2, "deformity": True}
    assert sidecar(answers_file)["status"] == "stopped-early"
    # The file records the early stop: `triage assess` reads it and gives the same result.
    check = CliRunner().invoke(main, ["assess", str(answers_file), "--format", "json"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["disposition"] == "emergency"
    assert "injury_pop" in json.loads(check.stdout)["stopped_early"]["not_asked"]
    # Without the record, the same answers are an incomplete file: an error naming what is missing.
    answers_file.write_text(json.dumps(record), encoding="utf-8")
    check = CliRunner().invoke(main, ["assess", str(answers_file)])
    assert check.exit_code == 2 and "injury_pop: required" in check.output


def test_urgent_care_is_said_at_once_then_only_the_ambulance_questions(tmp_path):
    # 60, a woman, injured 3 days ago: the Ottawa rule (55+) already means "get seen today".
    # Then only the emergency questions, and blood_thinners (pregnant is not asked at 60).
    result, answers_file = ask(tmp_path, ["60", "1", "y", "3", *["n"] * 7, "n", "n"])
    assert result.exit_code == 0, result.output
    out = result.output
    notice = out.index("GET SEEN TODAY. Get seen today")
    assert "whether you need an ambulance instead" in " ".join(out.split())
    assert notice < out.index("Since the injury, does the knee look misshapen")
    for asked in ("Is the foot or lower leg", "Is one calf swollen", "throbbing or cramping", "In the last few days"):
        assert asked in out
    assert "thins the blood" in out  # not emergency-capable, but asked before stopping (answers.md)
    for not_asked in (
        *("Did you feel or hear a pop", "Does pressing on the kneecap", "Does the knee lock?"),
        *("Are you pregnant", "treated for cancer"),
    ):
        assert not_asked not in out
    assert "The questions stopped early" in " ".join(out.split())
    record = saved(answers_file)
    assert record.pop("stopped_early")["disposition"] == "urgent-care-today"
    assert record == {
        "age": 60, "sex": "female", "injury": True, "injury_days_ago": 3, "deformity": False,
        "foot_cold_numb": False, "calf_swelling": False, "calf_pain": False, "breathless": False,
        "breathless_other": False, "blood_thinners": False,
    }  # fmt: skip


def test_urgent_care_becomes_an_ambulance_when_an_emergency_question_says_so(tmp_path):
    result, _ = ask(tmp_path, ["60", "", "y", "3", "n", "y"])
    assert result.exit_code == 0
    assert "CALL AN AMBULANCE NOW" in result.output


def test_emergency_questions_are_worked_out_from_the_rule_base():
    assert emergency_questions(kb()) == EMERGENCY_QUESTIONS


# --- adults only -------------------------------------------------------------------------------------


def test_under_18_is_told_kindly_and_nothing_is_kept(tmp_path):
    result, answers_file = ask(tmp_path, ["15", "y"])
    assert result.exit_code == 2
    assert "This tool is written for adults (18 and over)" in result.output
    said = " ".join(result.output.split())
    assert "Call 999 if: - the knee looks misshapen or out of place" in said  # 1.2: the 999 signs
    assert "Get them seen the same day if: - they cannot take weight on the leg, or are limping" in said
    assert "slipped hip growth plate" in said and "Otherwise, see a GP" in said
    assert not answers_file.exists() and not AnswersStore(answers_file).progress_path.exists()


def test_under_18_typo_can_be_corrected(tmp_path):
    result, answers_file = ask(tmp_path, ["17", "n", *V01_LINES])
    assert result.exit_code == 0
    assert "You typed 17. This tool is for adults. Is 17 right?" in result.output
    assert saved(answers_file)["age"] == 34


# --- pre-filled answers and --no-input ------------------------------------------------------------


def test_prefill_asks_only_the_missing_questions(tmp_path):
    prefill = tmp_path / "partial.json"
    partial = {k: v for k, v in V01.items() if k not in ("swelling", "footwear")}
    prefill.write_text(json.dumps(partial))
    # swelling (required), footwear (optional), then name and notes (optional): skip them.
    result, answers_file = ask(tmp_path, ["1", "", "", ""], "--answers", str(prefill))
    assert result.exit_code == 0, result.output
    assert "How swollen is the knee?" in result.output and "What do you usually walk in?" in result.output
    assert "How old are you?" not in result.output
    assert saved(answers_file) == {q: v for q, v in assess(V01).answers.items() if q != "footwear"}
    assert saved(prefill) == partial  # the pre-fill file is only read


def test_prefill_with_invalid_answers_fails_listing_every_problem(tmp_path):
    prefill = tmp_path / "bad.json"
    prefill.write_text(json.dumps({"age": 130, "swelling": "huge"}))
    result, answers_file = ask(tmp_path, [], "--answers", str(prefill))
    assert result.exit_code == 2
    assert "age: 130 is above the maximum 120" in result.output
    assert "swelling: 'huge'" in result.output or 'swelling: "huge"' in result.output
    assert not answers_file.exists()


def test_no_input_names_what_is_missing_and_writes_nothing(tmp_path):
    prefill = tmp_path / "partial.json"
    prefill.write_text(json.dumps({k: v for k, v in V01.items() if k not in ("swelling", "fever")}))
    result, answers_file = ask(tmp_path, [], "--answers", str(prefill), "--no-input")
    assert result.exit_code == 2
    assert "swelling: required" in result.output and "fever: required" in result.output
    assert "How swollen" not in result.output.split("swelling: required")[0]  # no prompt
    assert not answers_file.exists()


def test_no_input_with_complete_answers_gives_the_result(tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"id": "V01", "answers": V01, "expected": "walk-normally"}))
    result, answers_file = ask(tmp_path, [], "--answers", str(case), "--no-input")
    assert result.exit_code == 0, result.output
    assert "KEEP WALKING AS YOU DO" in result.output
    assert saved(answers_file) == assess(V01).answers
    assert sidecar(answers_file)["status"] == "complete"


def test_conflicting_options_exit_2(tmp_path):
    result, _ = ask(tmp_path, [], "--resume", "--new")
    assert result.exit_code == 2


# --- colour and saving ---------------------------------------------------------------------------


def test_no_color_is_respected(tmp_path):
    coloured, _ = ask(tmp_path, V01_LINES, "--new", color=True)
    assert "\x1b[" in coloured.output
    plain, _ = ask(tmp_path, V01_LINES, "--new", color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.output
    assert "KEEP WALKING AS YOU DO" in plain.output


def test_no_temporary_files_are_left_behind(tmp_path):
    ask(tmp_path, V01_LINES[:10])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json", "answers.json.progress"]


def test_a_failed_save_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "answers.json"
    atomic_write(target, '{"age": 40}\n')

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("triage.io.files.os.replace", broken_replace)
    with pytest.raises(OSError):
        AnswersStore(target).save(kb(), Progress(answers={"age": 41}))
    assert target.read_text() == '{"age": 40}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["answers.json"]


def test_a_damaged_progress_file_only_means_skipped_questions_come_back(tmp_path):
    ask(tmp_path, SKIP_CLICKING[: CLICKING + 2])
    answers_file = tmp_path / "answers.json"
    AnswersStore(answers_file).progress_path.write_text("{not json")
    resumed, _ = ask(tmp_path, ["", *SKIP_CLICKING[CLICKING + 2 :]], "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "could not be read; questions you skipped will be asked again" in resumed.output
    assert "Does the knee click or crunch?" in resumed.output


# --- replies, one by one ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "text", "kind", "value"),
    [
        ("injury", "Y", "answer", True),
        ("injury", " no ", "answer", False),
        ("injury", "not sure", "answer", None),
        ("injury", "s", "answer", None),
        ("injury", "", "invalid", None),
        ("injury", "?", "help", None),
        ("injury", "<", "back", None),
        ("oa_diagnosed", "s", "invalid", None),  # "not sure" only on red flags
        ("oa_diagnosed", "", "skip", None),
        ("swelling", "3", "answer", "marked"),
        ("swelling", "marked", "answer", "marked"),
        ("swelling", "Clearly swollen", "answer", "marked"),
        ("swelling", "0", "invalid", None),
        ("swelling", "5", "invalid", None),
        ("age", "17", "too-young", 17),
        ("age", "-3", "invalid", None),
        ("age", "40.5", "invalid", None),
        ("age", "121", "invalid", None),
        ("height_cm", "172.5", "answer", 172.5),
        ("height_cm", "172", "answer", 172),
        ("height_cm", "99", "invalid", None),
        ("height_cm", "nan", "invalid", None),
        ("name", "  Ada Lovelace ", "answer", "Ada Lovelace"),
        ("name", "", "skip", None),
        ("notes", "x" * 2001, "invalid", None),
    ],
)
def test_parse_reply(qid, text, kind, value):
    reply = parse_reply(kb().question_by_id[qid], text)
    assert reply.kind == kind, reply
    if kind in ("answer", "too-young"):
        assert reply.value == value and type(reply.value) is type(value)
    if kind == "invalid":
        assert reply.message
