"""The walking plan on the web, in-process with Flask's test client: the result page offers
the plan (urgency 0 only) and its file is the bytes `triage plan` writes; the check-in takes
the file back by upload, refuses what is not a plan (edited, damaged, too big), asks the
terminal's questions one per page (Post/Redirect/Get, errors in an error summary), and gives
next week or the escalation and the updated file, byte for byte the library's."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
from helpers import CASES_DIR, load_case, run_cli
from plan_support import START, checkin_answers, plan_for

from triage import assess
from triage.checkin import check_in, red_flags_for_everyone
from triage.checkin_steps import OWN, record, undo_last
from triage.kb.load import load_knowledge_base
from triage.plan_file import plan_bytes

flask = pytest.importorskip("flask")

from triage.web import create_app  # noqa: E402
from triage.web.checkin_carry import COOKIE, PATH  # noqa: E402
from triage.web.checkin_pages import MAX_PLAN_FILE  # noqa: E402
from triage.web.sealed import COOKIE as STATE_COOKIE  # noqa: E402

KB = load_knowledge_base()
V10 = load_case(CASES_DIR / "V10.json")["answers"]  # try-backward-walking
V23 = load_case(CASES_DIR / "V23.json")["answers"]  # see-a-professional: no plan
FLAG = next(q.id for q in KB.questions if q.red_flag and not q.asked_when and q.id != "injury")


class Clock:
    """The server's today, as a test sets it (app.config["TODAY"])."""

    def __init__(self, today: date = START):
        self.today = today

    def __call__(self) -> date:
        return self.today


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(clock):
    return create_app(config={"TODAY": clock}).test_client()


def form_value(value) -> str:
    return "not-sure" if value is None else "yes" if value is True else "no" if value is False else str(value)


def finish_questionnaire(client, answers: dict) -> str:
    """Answer the questionnaire by posting its forms; returns the result page's HTML."""
    where = client.post("/questions", data={"action": "start"}).headers["Location"]
    while where.startswith("/questions/"):
        qid = where.rsplit("/", 1)[1]
        form = {"question": qid, "action": "answer", "value": form_value(answers.get(qid))}
        if qid not in answers:
            form["action"] = "skip"
        where = client.post("/questions", data=form).headers["Location"]
    where = client.post("/questions", data={"action": "result"}).headers["Location"]
    assert where == "/result"
    return client.get(where).get_data(as_text=True)


def upload(client, data: bytes, name: str = "triage-plan.json"):
    form = {"plan": (io.BytesIO(data), name)}
    return client.post("/check-in", data=form, content_type="multipart/form-data")


def answer_all(client, where: str, answers: dict) -> str:
    """Answer every check-in question the pages ask with ``answers`` (check_in's shape)."""
    for _ in range(60):
        if not where.startswith("/check-in/questions/"):
            return where
        qid = where.rsplit("/", 1)[1]
        page = client.get(where)
        assert page.status_code == 200 and f'name="question" value="{qid}"' in page.get_data(as_text=True)
        source = answers if qid in OWN else answers["now"]
        form = {"question": qid, "action": "answer", "value": form_value(source.get(qid))}
        if qid not in source:
            form["action"] = "skip"
        reply = client.post("/check-in/answer", data=form)
        assert reply.status_code == 303
        where = reply.headers["Location"]
    raise AssertionError("the check-in never ended")


def errors_on(html: str) -> list[str]:
    summary = re.search(r'class="error-summary".*?</ul>', html, re.S)
    return (
        [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]
        if summary
        else []
    )


def main_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#39;", "'")


# --- the result page ------------------------------------------------------------------------------


def test_the_result_offers_the_plan_file_that_triage_plan_writes(client, clock, tmp_path):
    html = finish_questionnaire(client, V10)
    assert "Download your walking plan" in html and 'href="/check-in"' in html
    assert "starting today (Monday 5 January)" in html
    saved = client.get("/answers.json").data
    plan_file = client.get("/walking-plan.json")
    assert plan_file.status_code == 200
    assert plan_file.headers["Content-Disposition"] == 'attachment; filename="triage-plan.json"'
    (tmp_path / "answers.json").write_bytes(saved)
    written = tmp_path / "plan.json"
    assert (
        run_cli("plan", str(tmp_path / "answers.json"), "--start", START.isoformat(), "-o", str(written)).exit_code == 0
    )
    assert plan_file.data == written.read_bytes()
    clock.today = START + timedelta(days=3)  # the start is the server's today
    assert json.loads(client.get("/walking-plan.json").data)["start"] == "2026-01-08"


def test_at_walk_normally_the_plan_says_it_is_optional(client):
    optional = plan_for(V10).params.wording["minimum"]
    html = finish_questionnaire(client, load_case(CASES_DIR / "V01.json")["answers"])
    assert optional in html.split('class="web-actions"')[1]
    assert optional not in finish_questionnaire(client, V10).split('class="web-actions"')[1]


def test_no_plan_is_offered_at_urgency_one_or_more(client):
    assert assess(V23).urgency >= 1
    html = finish_questionnaire(client, V23)
    assert "walking plan" not in html.lower().split('class="web-actions"')[1]
    missing = client.get("/walking-plan.json")
    assert missing.status_code == 404 and "No walking plan" in missing.get_data(as_text=True)


def test_the_plan_file_needs_a_finished_questionnaire(client):
    assert client.get("/walking-plan.json").headers["Location"] == "/"


# --- upload ---------------------------------------------------------------------------------------


def refused(client, data: bytes) -> list[str]:
    reply = upload(client, data)
    assert reply.status_code == 303 and reply.headers["Location"] == "/check-in"
    page = client.get("/check-in").get_data(as_text=True)
    assert page.count("There is a problem") == 1 and "<title>Error:" in page
    again = client.get("/check-in").get_data(as_text=True)
    assert "There is a problem" not in again  # shown once
    return errors_on(page)


def test_what_is_not_a_plan_is_refused_with_a_clear_message(client):
    good = plan_bytes(plan_for(V10))
    edited = json.loads(good)
    edited["weeks"][0]["minutes_per_walk"] = 30
    assert refused(client, b"") == ["The file is empty: select your plan file"]
    assert refused(client, b"\xff\xfe\x00binary")[0] == "The file is not a plan file: it is not text"
    assert refused(client, b'{"answers": {}}')[1].startswith("Not a plan file")
    assert refused(client, b"not json at all")[1].startswith("Not a plan file")
    problems = refused(client, json.dumps(edited).encode())
    assert problems[0] == "This file cannot be used as your walking plan"
    assert "edited by hand, or damaged" in problems[1] and "weeks[0].minutes_per_walk" in problems[1]
    assert refused(client, good[: len(good) // 2])[1].startswith("Not a plan file")
    big = good + b" " * (MAX_PLAN_FILE - len(good) + 1)
    assert refused(client, big) == [
        f"The file is bigger than {MAX_PLAN_FILE // 1024} KB, so it is not a plan file from this service"
    ]
    no_file = client.post("/check-in", data={}, content_type="multipart/form-data")
    assert no_file.headers["Location"] == "/check-in"
    assert errors_on(client.get("/check-in").get_data(as_text=True)) == ["Select your plan file"]


def test_a_body_over_the_servers_limit_gets_a_page_not_a_traceback(client):
    reply = upload(client, b"x" * (70 * 1024))
    assert reply.status_code == 413 and "Too large" in reply.get_data(as_text=True)


def test_no_check_in_after_the_plan_ended(client, clock):
    clock.today = START + timedelta(days=42)
    problems = refused(client, plan_bytes(plan_for(V10)))
    assert problems[0] == "There is no check-in for this plan today"
    assert problems[1].startswith("Your plan ended on Sunday 15 February")
    clock.today = START - timedelta(days=1)
    assert refused(client, plan_bytes(plan_for(V10)))[1] == "Your plan starts on Monday 5 January. Check in from then"


def test_a_form_from_another_site_is_refused(client):
    form = {"plan": (io.BytesIO(plan_bytes(plan_for(V10))), "p.json")}
    reply = client.post(
        "/check-in", data=form, content_type="multipart/form-data", headers={"Origin": "https://evil.example"}
    )
    assert reply.status_code == 403


# --- the check-in ---------------------------------------------------------------------------------


def test_a_check_in_gives_next_week_and_the_library_s_updated_file(client, clock):
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, 3, 2, "yes")
    clock.today = date.fromisoformat(answers["date"])
    reply = upload(client, plan_bytes(plan))
    first = reply.headers["Location"]
    assert first == "/check-in/questions/walks_done"
    cookie = reply.headers["Set-Cookie"]
    assert f"{COOKIE}=" in cookie and f"Path={PATH}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert answer_all(client, first, answers) == "/check-in/result"
    text = main_text(client.get("/check-in/result").get_data(as_text=True))
    assert "Week 1: Green: going well." in text and "Next week goes up one step" in text
    assert "Walk 3 times, 25 minutes each" in text and "Check in from Friday 16 January" in text
    assert "See a physiotherapist or GP if the pain gets worse" in text  # the safety net
    updated = client.get("/check-in/walking-plan.json")
    assert updated.headers["Content-Disposition"] == 'attachment; filename="triage-plan.json"'
    assert updated.data == plan_bytes(check_in(plan, answers).plan)


def test_the_questions_are_the_terminal_s_in_its_order_and_words(client, clock):
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, 3, 2, "yes")
    clock.today = date.fromisoformat(answers["date"])
    where = upload(client, plan_bytes(plan)).headers["Location"]
    seen, headings = [], []
    while where.startswith("/check-in/questions/"):
        qid = where.rsplit("/", 1)[1]
        html = client.get(where).get_data(as_text=True)
        seen.append(qid)
        heading = re.search(r'<h1 class="[^"]+">(.*?)</h1>', html, re.S).group(1)
        headings.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", heading)).strip())
        source = answers if qid in OWN else answers["now"]
        where = client.post("/check-in/answer", data={"question": qid, "value": form_value(source[qid])}).headers[
            "Location"
        ]
    flags = [q.id for q in red_flags_for_everyone(plan)]
    assert seen == ["walks_done", "pain_during", "next_morning", *flags, "changes"]
    w = plan.params.wording
    assert headings[0] == w["q_walks_done"].format(planned=3)
    assert headings[3:-1] == [f"{w['now_prefix']}{KB.question_by_id[q].text}".replace("'", "&#39;") for q in flags]
    assert headings[-1] == w["q_changes"]
    now_page = client.get(f"/check-in/questions/{flags[0]}").get_data(as_text=True)
    assert w["now_intro"] in now_page and 'value="not-sure"' in now_page  # "not sure" as in the questionnaire


@pytest.mark.parametrize(
    ("qid", "typed", "message"),
    [
        ("walks_done", "", "Enter a whole number from 0 to 3"),
        ("walks_done", "4", "Enter a whole number from 0 to 3"),
        ("walks_done", "two", "Enter a whole number from 0 to 3"),
        ("pain_during", "11", "Enter a whole number from 0 to 10"),
        ("next_morning", "", "Select an answer"),
        ("next_morning", "fine", "Select an answer"),
    ],
)
def test_a_wrong_or_missing_answer_shows_the_error_summary(client, clock, qid, typed, message):
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, 3, 2, "yes")
    clock.today = date.fromisoformat(answers["date"])
    where = upload(client, plan_bytes(plan)).headers["Location"]
    while where != f"/check-in/questions/{qid}":
        where = client.post(
            "/check-in/answer",
            data={"question": where.rsplit("/", 1)[1], "value": str(answers[where.rsplit("/", 1)[1]])},
        ).headers["Location"]
    reply = client.post("/check-in/answer", data={"question": qid, "value": typed})
    assert reply.headers["Location"] == where  # the same question again
    html = client.get(where).get_data(as_text=True)
    assert errors_on(html) == [message] and "<title>Error:" in html
    assert "There is a problem" not in client.get(where).get_data(as_text=True)  # shown once


def test_a_red_flag_escalates_and_says_so_first(client, clock):
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, day=2, now={FLAG: None})  # not sure, early in the week
    for key in ("walks_done", "pain_during", "next_morning"):
        del answers[key]
    clock.today = date.fromisoformat(answers["date"])
    where = upload(client, plan_bytes(plan)).headers["Location"]
    first = client.get(where).get_data(as_text=True)
    assert "It is day 2 of week 1" in first  # the terminal's words: the check-in opens on Friday
    assert answer_all(client, where, answers) == "/check-in/result"
    expected = check_in(plan, answers)
    assert expected.escalated
    text = main_text(client.get("/check-in/result").get_data(as_text=True))
    d = expected.disposition
    assert text.index("Stop the walking plan") < text.index(d.title) < text.index("Download your updated walking plan")
    assert "Next week" not in text
    assert client.get("/check-in/walking-plan.json").data == plan_bytes(expected.plan)
    report = client.get("/check-in/report")  # the full result of the answers run again
    assert report.status_code == 200 and d.title in report.get_data(as_text=True)
    assert "style-src 'self' 'sha256-" in report.headers["Content-Security-Policy"]
    # uploaded again: the plan has stopped
    where = upload(client, plan_bytes(expected.plan)).headers["Location"]
    assert where == "/check-in/result"
    stopped = main_text(client.get(where).get_data(as_text=True))
    assert "Your walking plan has stopped" in stopped and d.title in stopped
    assert client.get("/check-in/walking-plan.json").headers["Location"] == "/check-in/result"


def test_an_emergency_at_a_check_in_says_call_999(client, clock):
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, now={"foot_cold_numb": True})
    assert check_in(plan, answers).disposition.urgency >= 4
    clock.today = date.fromisoformat(answers["date"])
    answer_all(client, upload(client, plan_bytes(plan)).headers["Location"], answers)
    html = client.get("/check-in/result").get_data(as_text=True)
    assert html.index("Call 999 now") < html.index('href="tel:999"') < html.index("Download your updated")


def test_early_with_nothing_new_adds_nothing(client, clock):
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, day=2)
    for key in ("walks_done", "pain_during", "next_morning"):
        del answers[key]
    clock.today = date.fromisoformat(answers["date"])
    answer_all(client, upload(client, plan_bytes(plan)).headers["Location"], answers)
    text = main_text(client.get("/check-in/result").get_data(as_text=True))
    assert "Nothing new, so nothing was added" in text and "Friday 9 January" in text
    assert client.get("/check-in/walking-plan.json").headers["Location"] == "/check-in/result"


def test_going_back_and_changing_an_answer_forgets_what_came_after(client, clock):
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, 3, 2, "yes")
    clock.today = date.fromisoformat(answers["date"])
    answer_all(client, upload(client, plan_bytes(plan)).headers["Location"], answers)
    page = client.get("/check-in/questions/walks_done").get_data(as_text=True)
    assert 'value="3"' in page  # the answer given is shown
    same = client.post("/check-in/answer", data={"question": "walks_done", "value": "3"})
    assert same.headers["Location"] == "/check-in/result"  # the same answer: nothing forgotten
    changed = client.post("/check-in/answer", data={"question": "walks_done", "value": "0"})
    assert changed.headers["Location"] == "/check-in/questions/why_no_walks"
    skipped = client.post("/check-in/answer", data={"question": "why_no_walks", "action": "skip"})
    assert skipped.headers["Location"] == f"/check-in/questions/{red_flags_for_everyone(plan)[0].id}"
    assert client.get("/check-in/questions/changes").headers["Location"] == skipped.headers["Location"]  # not yet
    none = {"date": answers["date"], "walks_done": 0, "now": answers["now"], "changes": "no"}
    assert answer_all(client, skipped.headers["Location"], none) == "/check-in/result"
    assert client.get("/check-in/walking-plan.json").data == plan_bytes(check_in(plan, none).plan)


def test_the_check_in_state_cannot_be_changed_and_leaves_the_questionnaire_alone(client, clock):
    finish_questionnaire(client, V10)
    questionnaire = client.get_cookie(STATE_COOKIE).value
    plan = plan_for(V10)
    clock.today = START + timedelta(days=4)
    upload(client, plan_bytes(plan))
    assert client.get_cookie(STATE_COOKIE).value == questionnaire
    token = client.get_cookie(COOKIE, path=PATH).value
    client.set_cookie(COOKIE, token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"), path=PATH)
    page = client.get("/check-in/questions/walks_done")
    assert page.status_code == 400 and "Please start again" in page.get_data(as_text=True)
    assert client.get_cookie(STATE_COOKIE).value == questionnaire  # a questionnaire in progress is kept


def test_long_notes_in_many_check_ins_still_fit(client, clock):
    import random

    rng = random.Random(7)
    plan = plan_for(V10)
    for week in range(1, 6):  # five weeks with no walks and a long, hard-to-compress note each
        note = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz .,") for _ in range(500))
        answers = {**checkin_answers(plan, week, 0), "why_no_walks": note}
        plan = check_in(plan, answers).plan
    clock.today = START + timedelta(days=39)
    reply = upload(client, plan_bytes(plan))
    assert reply.headers["Location"] == "/check-in/questions/walks_done", errors_on(
        client.get("/check-in").get_data(as_text=True)
    )


# --- the step logic the terminal and the web share (triage/checkin_steps.py) ----------------------


def test_record_forgets_later_answers_only_when_an_answer_changes():
    state: dict = {}
    for qid, value in (("walks_done", 3), ("pain_during", 2), ("injury", False), ("changes", "no")):
        record(state, qid, value)
    record(state, "pain_during", 2)
    assert state["order"] == ["walks_done", "pain_during", "injury", "changes"]
    record(state, "pain_during", 5)
    assert state["order"] == ["walks_done", "pain_during"] and state["now"] == {} and "changes" not in state
    record(state, "why_no_walks", skip=True)
    assert undo_last(state) == "why_no_walks" and state["skipped"] == []
    assert undo_last(state) == "pain_during" and undo_last(state) == "walks_done" and undo_last(state) is None


def test_two_red_weeks_stop_the_plan_without_a_report_to_show(client, clock):
    plan = plan_for(V10)
    plan = check_in(plan, checkin_answers(plan, 1, 3, 8, "yes")).plan
    answers = checkin_answers(plan, 2, 3, 8, "much-worse")
    expected = check_in(plan, answers)
    assert expected.escalated and expected.assessment is None
    clock.today = date.fromisoformat(answers["date"])
    answer_all(client, upload(client, plan_bytes(plan)).headers["Location"], answers)
    text = main_text(client.get("/check-in/result").get_data(as_text=True))
    assert text.index("Stop the walking plan") < text.index(expected.disposition.title)
    assert plan.params.wording["two_red_weeks"] in text and "See your full result" not in text
    assert client.get("/check-in/report").headers["Location"] == "/check-in/result"
    assert client.get("/check-in/walking-plan.json").data == plan_bytes(expected.plan)


def test_without_a_check_in_every_page_leads_to_the_upload_and_finish_forgets_it(client, clock):
    for path in (
        "/check-in/questions/walks_done",
        "/check-in/result",
        "/check-in/walking-plan.json",
        "/check-in/report",
    ):
        assert client.get(path).headers["Location"] == "/check-in"
    assert (
        client.post("/check-in/answer", data={"question": "walks_done", "value": "3"}).headers["Location"]
        == "/check-in"
    )
    clock.today = START + timedelta(days=4)
    upload(client, plan_bytes(plan_for(V10)))
    assert client.get_cookie(COOKIE, path=PATH) is not None
    finish = client.post("/check-in/start-again")
    assert finish.headers["Location"] == "/check-in" and client.get_cookie(COOKIE, path=PATH) is None
    assert client.get("/check-in/result").headers["Location"] == "/check-in"


def test_the_change_test_bites_a_step_logic_that_keeps_stale_answers(client, clock, monkeypatch):
    """A broken copy of ``record`` that only overwrites: the answers given for 3 walks (pain,
    next morning) reach the check-in after the walks were changed to 0, and the file differs."""
    import triage.web.checkin_pages as checkin_pages

    def keep_everything(state, qid, value=None, *, skip=False):
        if skip:
            state.setdefault("skipped", []).append(qid)
        else:
            (state if qid in OWN else state.setdefault("now", {}))[qid] = value
        if qid not in state.setdefault("order", []):
            state["order"].append(qid)

    monkeypatch.setattr(checkin_pages, "record", keep_everything)
    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, 3, 2, "yes")
    clock.today = date.fromisoformat(answers["date"])
    answer_all(client, upload(client, plan_bytes(plan)).headers["Location"], answers)
    client.post("/check-in/answer", data={"question": "walks_done", "value": "0"})
    assert (
        client.post("/check-in/answer", data={"question": "why_no_walks", "action": "skip"}).headers["Location"]
        == "/check-in/result"
    )
    none = {"date": answers["date"], "walks_done": 0, "now": answers["now"], "changes": "no"}
    saved = json.loads(client.get("/check-in/walking-plan.json").data)
    assert saved["checkins"][-1]["answers"]["pain_during"] == 2  # stale
    assert json.dumps(saved) != json.dumps(json.loads(plan_bytes(check_in(plan, none).plan)))


# --- the printed plan (triage.report.plan_report.render_plan) -------------------------------------


def without_bar(html: str) -> str:
    """The page less what the web adds: the bar's stylesheet, the bar and its script."""
    html = html.replace('<link rel="stylesheet" href="/static/result.css">\n', "", 1)
    return re.sub(
        r'<nav class="web-actions".*?</nav>\n\n?<script src="/static/print.js"></script>\n', "", html, flags=re.S
    )


def test_print_your_walking_plan_is_the_printed_plan(client):
    from triage.report.plan_report import render_plan

    html = finish_questionnaire(client, V10)
    assert 'href="/walking-plan">Print your walking plan' in html
    page = client.get("/walking-plan")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert without_bar(page.get_data(as_text=True)) == render_plan(plan_for(V10))
    assert "style-src 'self' 'sha256-" in page.headers["Content-Security-Policy"]


def test_no_printed_plan_at_urgency_one_or_more(client):
    finish_questionnaire(client, V23)
    assert client.get("/walking-plan").status_code == 404


def test_print_your_updated_walking_plan_after_a_check_in(client, clock):
    from triage.report.plan_report import render_plan

    plan = plan_for(V10)
    answers = checkin_answers(plan, 1, 3, 2, "yes")
    clock.today = date.fromisoformat(answers["date"])
    assert client.get("/check-in/walking-plan").headers["Location"] == "/check-in"
    answer_all(client, upload(client, plan_bytes(plan)).headers["Location"], answers)
    assert 'href="/check-in/walking-plan">Print your updated walking plan' in client.get("/check-in/result").get_data(
        as_text=True
    )
    page = client.get("/check-in/walking-plan")
    assert without_bar(page.get_data(as_text=True)) == render_plan(check_in(plan, answers).plan)
