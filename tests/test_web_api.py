"""The JSON API and the privacy promises, in-process (Flask's test client)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import CASES, base_answers, load_case, run_cli

from triage.answers import AnswersError
from triage.assessment import assess
from triage.kb.load import load_knowledge_base
from triage.schema import answers_schema

flask = pytest.importorskip("flask")
jsonschema = pytest.importorskip("jsonschema")

from triage.web import create_app  # noqa: E402

WEB = Path(__file__).resolve().parents[1] / "triage" / "web"


@pytest.fixture(scope="module")
def client():
    return create_app().test_client()


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_assess_gives_what_the_cli_gives(client, case_file):
    reply = client.post("/api/v1/assess", data=case_file.read_bytes(), content_type="application/json")
    assert reply.status_code == 200
    cli = run_cli("assess", str(case_file), "--format", "json")
    assert reply.get_json() == json.loads(cli.stdout)
    assert reply.get_json()["disposition"] == load_case(case_file)["expected"]


def test_invalid_answers_get_400_with_the_cli_problems(client):
    answers = {**base_answers(), "age": 130, "swelling": "huge", "injury": True, "bogus": 1}
    reply = client.post("/api/v1/assess", json=answers)
    assert reply.status_code == 400
    with pytest.raises(AnswersError) as error:
        assess(answers)
    assert reply.get_json()["problems"] == error.value.problems
    assert "age: 130 is above the maximum 120" in reply.get_json()["problems"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b"\xff\xfe",
        b"[" * 5000 + b"]" * 5000,
        b'{"age": ' + b"9" * 5000 + b"}",
        b'{"age": 40, "age": 41}',
        b'{"name": "\\ud800"}',
    ],
    ids=["empty", "text", "list", "not-utf8", "deep", "huge-number", "duplicate", "surrogate"],
)
def test_bad_bodies_get_400_never_500(client, body):
    reply = client.post("/api/v1/assess", data=body, content_type="application/json")
    assert reply.status_code == 400, reply.get_data(as_text=True)
    assert reply.get_json()["problems"]


def test_bodies_are_capped(client):
    reply = client.post("/api/v1/assess", data=b" " * (65 * 1024), content_type="application/json")
    assert reply.status_code == 413
    assert reply.get_json()["problems"]
    page = client.post("/questions", data={"value": "x" * (65 * 1024)})
    assert page.status_code == 413


def walk_api(client, answers):
    """What an integrator does: ask /next, answer from the case (or skip), until done."""
    sent: dict = {}
    skipped: list[str] = []
    for _ in range(100):
        reply = client.post("/api/v1/next", json={"answers": sent, "skipped": skipped}).get_json()
        if reply["status"] != "question":
            return reply, sent
        qid = reply["question"]["id"]
        if qid in answers:
            sent[qid] = answers[qid]
        else:
            assert not reply["question"]["required"]
            skipped.append(qid)
    raise AssertionError("no end")


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_next_asks_like_the_terminal_and_ends_at_the_same_result(client, case_file):
    case = load_case(case_file)
    reply, sent = walk_api(client, case["answers"])
    assert reply["result"]["disposition"] == case["expected"]
    expected = assess(case["answers"])
    if reply["status"] == "stopped-early":  # the record makes the answers so far a complete file
        assert assess({**sent, "stopped_early": reply["stopped_early"]}).disposition.id == case["expected"]
    if expected.urgency >= 3:
        assert assess(sent, partial=True).disposition.id == case["expected"]
    else:
        assert reply["status"] == "done" and sent == expected.answers
    if expected.urgency >= 4:
        assert reply["check"]["answers"]


def test_next_emergency_names_the_answer_to_check(client):
    reply = client.post(
        "/api/v1/next", json={"answers": {"age": 40, "injury": False, "can_bear_weight": True, "foot_cold_numb": True}}
    ).get_json()
    assert reply["status"] == "stopped-early"
    assert reply["result"]["disposition"] == "emergency"
    assert [a["id"] for a in reply["check"]["answers"]] == ["foot_cold_numb"]
    assert "locking" in reply["unasked"]


def test_next_rejects_bad_requests_with_every_problem(client):
    reply = client.post("/api/v1/next", json={"answers": {"age": "x"}, "skipped": ["age", "nope"], "extra": 1})
    assert reply.status_code == 400
    problems = reply.get_json()["problems"]
    assert any("extra" in p for p in problems) and any("nope" in p for p in problems)
    assert any("age: required" in p or "age" in p for p in problems)


def test_questions_knowledge_base_and_health(client):
    kb = load_knowledge_base()
    questions = client.get("/api/v1/questions").get_json()["questions"]
    assert [q["id"] for q in questions] == [q.id for q in kb.questions]
    locking = next(q for q in questions if q["id"] == "locking")
    assert locking["not_sure_allowed"] and [c["value"] for c in locking["choices"]] == ["never", "catches", "stuck"]
    info = client.get("/api/v1/knowledge-base").get_json()
    assert info["sha256"] == kb.sha256 and len(info["rules"]) == len(kb.rules)
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_schema_command_prints_the_answers_schema_every_case_meets():
    out = run_cli("schema")
    assert out.exit_code == 0
    schema = json.loads(out.stdout)
    assert schema == answers_schema(load_knowledge_base())
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    for case_file in CASES:
        assert not list(validator.iter_errors(load_case(case_file)["answers"])), case_file.name


def test_schema_rejects_what_the_validator_rejects():
    """Missing conditional answers, "not sure" on a question that is not a red flag, unknown keys,
    out of range: each is an error for both (a schema without the if/then would pass the first)."""
    validator = jsonschema.Draft202012Validator(answers_schema(load_knowledge_base()))
    base = base_answers()
    bad = [
        {**base, "injury": True},  # injury_days_ago and the injury questions are then required
        {**base, "pain_score": None},
        {**base, "bogus": 1},
        {**base, "age": 17},
        {**{k: v for k, v in base.items() if k != "breathless"}, "calf_swelling": True},  # breathless required
    ]
    for answers in bad:
        with pytest.raises(AnswersError):
            assess(answers)
        assert list(validator.iter_errors(answers)), answers
    injured = {
        **base,
        "injury": True,
        "injury_days_ago": 30,
        "deformity": False,
        "injury_pop": False,
        "rapid_swelling": False,
    }
    assert not list(validator.iter_errors(injured))  # over 7 days: the Ottawa questions are not asked
    assess(injured)


def test_every_page_and_api_reply_sends_the_privacy_headers(client):
    replies = [
        client.get("/"),
        client.post("/questions", data={"action": "start"}),
        client.post("/api/v1/assess", json=base_answers()),
        client.get("/openapi.json"),
        client.get("/nowhere"),
        client.get("/static/app.css"),
    ]
    for reply in replies:
        headers = reply.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp
        if not reply.request.path.startswith("/static/"):
            assert headers["Cache-Control"] == "no-store"


def test_answers_never_travel_in_a_url():
    """Every form posts; the only query string is `from=check`; GET pages take a question id at most."""
    for template in (WEB / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b[^>]*>", text):
            assert 'method="post"' in form, f"{template.name}: {form}"
        assert set(re.findall(r'href="[^"]*(\?[^"]*)"', text)) <= {"?from=check"}, template.name
    routes = re.findall(r"@pages\.get\(\"([^\"]+)\"", (WEB / "pages.py").read_text())
    assert all(re.fullmatch(r"/[a-z0-9./-]*(<qid>)?", route) for route in routes), routes


def finished_state(answers: dict) -> dict:
    """The state at the end of a questionnaire: every optional question left out was skipped."""
    skipped = [q.id for q in load_knowledge_base().questions if not q.required and q.id not in answers]
    return {"answers": answers, "history": list(answers), "skipped": skipped}


def put_state(client, state: dict | str) -> None:
    """Give the test browser a state cookie sealed with the app's key, as a step would."""
    from triage.web.sealed import COOKIE, seal

    text = state if isinstance(state, str) else json.dumps(state)
    client.set_cookie(COOKIE, seal(client.application.config["STATE_KEY"], text))


def test_result_page_allows_only_its_own_inline_style(client):
    """The report's one inline <style> is allowed by its hash; nothing else inline is."""
    answers = base_answers()
    put_state(client, finished_state(answers))
    moved = client.post("/questions", data={"action": "result"})
    assert moved.status_code == 303 and moved.headers["Location"] == "/result"
    page = client.get("/result")
    html = page.get_data(as_text=True)
    assert 'id="result-title"' in html
    csp = page.headers["Content-Security-Policy"]
    assert re.search(r"style-src 'self' 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html
    download = client.get("/answers.json")
    assert json.loads(download.get_data(as_text=True)) == assess(answers).answers
    assert "attachment" in download.headers["Content-Disposition"]


def test_a_bad_state_from_the_server_is_refused_cleanly(client):
    """Sealed with our key but wrong inside (an older version, say): 400, and the cookie dropped."""
    for state in ("{", "[]", json.dumps({"answers": {"age": 500}}), json.dumps({"answers": {}, "history": [1]})):
        put_state(client, state)
        reply = client.post("/questions", data={"action": "answer"})
        assert reply.status_code == 400
        assert "start again" in reply.get_data(as_text=True).lower()
        assert any("triage-state=;" in c for c in reply.headers.getlist("Set-Cookie"))


def test_under_18_keeps_nothing(client):
    client.post("/questions", data={"action": "start"})
    reply = client.post("/questions", data={"action": "answer", "question": "age", "value": "15"})
    assert reply.status_code == 303 and reply.headers["Location"] == "/too-young"
    assert all("triage-state=;" in c for c in reply.headers.getlist("Set-Cookie"))  # deleted
    text = client.get("/too-young").get_data(as_text=True)
    assert "for adults" in text
    # 1.2: the stop screen says when to call 999 and when to get seen the same day (from the knowledge base)
    kb = load_knowledge_base()
    for advice_id in kb.under_18:
        item = kb.advice[advice_id]
        assert (item.lead or item.text) in text and all(point in text for point in item.points)
    assert "Call 999 if:" in text and "slipped hip growth plate" in text


def test_pdf_download_when_the_pdf_extra_is_installed(client):
    from triage.report.report import pdf_available

    if not pdf_available():
        pytest.skip("the pdf extra (WeasyPrint) is not installed")
    answers = base_answers()
    put_state(client, finished_state(answers))
    reply = client.get("/report.pdf")
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    assert reply.data.startswith(b"%PDF") and "attachment" in reply.headers["Content-Disposition"]
    import shutil
    import subprocess

    if shutil.which("pdfinfo"):  # tagged, for screen readers
        info = subprocess.run(["pdfinfo", "-"], input=reply.data, capture_output=True, check=True).stdout
        assert re.search(rb"Tagged:\s+yes", info), info


def test_an_early_stop_downloads_as_a_file_triage_assess_accepts(client, tmp_path):
    answers = {"age": 40, "injury": False, "can_bear_weight": True, "foot_cold_numb": True}
    put_state(client, {"answers": answers, "history": list(answers), "confirmed": ["foot_cold_numb=true"]})
    saved = client.get("/answers.json").get_data(as_text=True)
    assert json.loads(saved)["stopped_early"]["disposition"] == "emergency"
    (tmp_path / "a.json").write_text(saved, encoding="utf-8")
    out = run_cli("assess", str(tmp_path / "a.json"), "--format", "json")
    assert out.exit_code == 0 and json.loads(out.stdout)["disposition"] == "emergency"


def test_many_problems_are_listed_bounded_and_fast(client):
    """A body full of unknown keys: one clear 400 with a bounded list, as on the command line."""
    body = json.dumps({f"unknown_{i}": i for i in range(2500)}).encode()
    reply = client.post("/api/v1/assess", data=body, content_type="application/json")
    assert reply.status_code == 400
    problems = reply.get_json()["problems"]
    assert len(problems) <= 51 and problems[-1].startswith("and ")


def test_an_optional_question_says_optional_once() -> None:
    """The height question says "(optional)" itself; its hint then says only that it can be skipped."""
    from triage.web import create_app

    kb = load_knowledge_base()
    app = create_app()
    app.config["TESTING"] = True
    with app.test_request_context():
        from flask import render_template

        for qid in ("height_cm", "notes"):
            question = kb.question_by_id[qid]
            assert not question.required and "optional" in question.text.lower()
            html = render_template("question.html", question=question, qid=qid, kb=kb)
            assert html.lower().count("optional") == 1, qid
