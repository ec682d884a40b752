"""The web pages' state: Post/Redirect/Get with an encrypted, short-lived cookie
(triage/web/sealed.py, docs/web.md). In-process, with Flask's test client."""

from __future__ import annotations

import json
import random
import time

import pytest

from triage.flow import Flow, Progress
from triage.kb.load import load_knowledge_base

flask = pytest.importorskip("flask")

from triage.web import create_app  # noqa: E402
from triage.web.openapi import example_answers  # noqa: E402
from triage.web.sealed import (  # noqa: E402
    CHUNK,
    COOKIE,
    KEY_ENV,
    MAX_CHUNKS,
    TTL,
    SealError,
    make_key,
    open_sealed,
    read_token,
    seal,
    split_token,
)

KB = load_knowledge_base()
CALM = example_answers(KB, optional=True)  # a complete, least urgent answer set for this knowledge base


@pytest.fixture
def client():
    return create_app().test_client()


def step(client, **form):
    reply = client.post("/questions", data=form)
    assert reply.status_code == 303, reply.get_data(as_text=True)[:500]  # always a redirect, never a page
    return reply.headers["Location"]


def cookie_text(client) -> str:
    cookies = {c.key: c.value for c in client._cookies.values()}
    return open_sealed(client.application.config["STATE_KEY"], read_token(cookies))


def next_after(answers: dict) -> str:
    """The question the questionnaire asks next after these answers (from the knowledge base)."""
    question = Flow(KB, Progress(answers=dict(answers), history=list(answers))).next_question()
    assert question is not None
    return question.id


def form_value(value) -> str:
    return "not-sure" if value is None else "yes" if value is True else "no" if value is False else str(value)


def test_every_step_redirects_to_a_get_page_that_shows_the_answer(client):
    first = KB.questions[0].id
    assert step(client, action="start") == f"/questions/{first}"
    given = {first: CALM[first]}
    second = next_after(given)
    assert step(client, action="answer", question=first, value=form_value(CALM[first])) == f"/questions/{second}"
    given[second] = CALM[second]
    third = next_after(given)
    assert step(client, action="answer", question=second, value=form_value(CALM[second])) == f"/questions/{third}"
    page = client.get(f"/questions/{second}").get_data(as_text=True)
    shown = f'value="{form_value(CALM[second])}"'
    if KB.question_by_id[second].type in ("boolean", "choice"):
        shown += " checked"  # the radio given, selected
    assert shown in page and f'href="/questions/{first}"' in page  # the back link: the reply before
    assert f'value="{form_value(CALM[first])}"' in client.get(f"/questions/{first}").get_data(as_text=True)


def test_a_page_not_reached_yet_sends_the_browser_to_where_the_person_is(client):
    first = KB.questions[0].id
    assert client.get(f"/questions/{first}").headers["Location"] == "/"  # no questionnaire yet
    assert client.get("/questions").headers["Location"] == "/"
    step(client, action="start")
    step(client, action="answer", question=first, value=form_value(CALM[first]))
    here = f"/questions/{next_after({first: CALM[first]})}"
    later = f"/questions/{KB.questions[-1].id}"
    for path in (later, "/questions/nope", "/result", "/check-your-answers", "/call-999"):
        assert client.get(path).headers["Location"] == here, path
    assert client.get("/questions").headers["Location"] == here


def test_an_error_is_shown_once_with_what_was_typed(client):
    step(client, action="start")
    assert step(client, action="answer", question="age", value="1e2") == "/questions/age"
    page = client.get("/questions/age").get_data(as_text=True)
    assert "There is a problem" in page and 'value="1e2"' in page
    assert "There is a problem" not in client.get("/questions/age").get_data(as_text=True)


@pytest.mark.parametrize("typed", ["1e2", "inf", "nan", "0x40", "4_5", "١٢"])
def test_numbers_are_digits_as_people_write_them(client, typed):
    step(client, action="start")
    assert step(client, action="answer", question="age", value=typed) == "/questions/age"
    assert step(client, action="answer", question="age", value=" 45 ") == f"/questions/{next_after({'age': 45})}"


def test_the_cookie_cannot_be_read_changed_or_kept(client):
    step(client, action="start")
    step(client, action="answer", question="age", value="45")
    cookie = client.get_cookie(COOKIE)
    assert cookie.http_only and cookie.same_site == "Strict" and cookie.expires is None  # a session cookie
    assert "age" not in cookie.value  # sealed: not readable in the browser
    key = client.application.config["STATE_KEY"]
    assert json.loads(open_sealed(key, cookie.value))["answers"] == {"age": 45}
    flipped = cookie.value[:20] + ("A" if cookie.value[20] != "A" else "B") + cookie.value[21:]
    text = json.dumps({"answers": {"age": 45}, "history": ["age"]})
    for bad in (flipped, seal(key, text, now=time.time() - TTL - 5), seal(make_key({}), text), "x"):
        client.set_cookie(COOKIE, bad)
        reply = client.get("/questions/age")
        assert reply.status_code == 400 and "start again" in reply.get_data(as_text=True)
        assert client.get_cookie(COOKIE) is None  # dropped
    with pytest.raises(SealError):
        open_sealed(key, flipped)


def test_the_longest_answers_fit_in_the_cookies(client):
    """2,000 characters of notes that do not compress, and a 200-character name: split over
    a few cookies of at most CHUNK characters, read back whole."""
    step(client, action="start")
    rng = random.Random(20)
    notes = "".join(chr(rng.randrange(0x1F300, 0x1F600)) for _ in range(2000))  # 4 bytes each, no pattern
    answers = {**CALM, "name": "😀" * 200, "notes": notes}
    where = "/questions/" + KB.questions[0].id
    while where.startswith("/questions/"):  # in asking order; optional questions answered too
        qid = where.rsplit("/", 1)[1]
        form = {"action": "answer", "question": qid, "value": form_value(answers[qid])} if qid in answers else {}
        where = step(client, **(form or {"action": "skip", "question": qid}))
    state = json.loads(cookie_text(client))
    assert state["answers"]["notes"] == answers["notes"] and state["answers"]["name"] == answers["name"]
    values = [c.value for c in client._cookies.values() if c.key.startswith(COOKIE)]
    assert 1 < len(values) <= MAX_CHUNKS and all(len(v) <= CHUNK for v in values)
    from triage.web.serve import COOKIE_HEADER_LIMIT

    assert sum(len(v) + len(COOKIE) + 5 for v in values) < COOKIE_HEADER_LIMIT
    # Going back to a short state deletes the cookies no longer needed.
    client.post("/start-again")
    assert [c for c in client._cookies.values() if c.key.startswith(COOKIE)] == []
    with pytest.raises(SealError):
        split_token("x" * (CHUNK * MAX_CHUNKS + 1))


def test_key_from_the_environment_for_several_machines():
    key = make_key({KEY_ENV: "ab" * 32})
    assert key == bytes.fromhex("ab" * 32)
    two = [create_app(config={"STATE_KEY": key}).test_client() for _ in range(2)]
    step(two[0], action="start")
    step(two[0], action="answer", question="age", value="52")
    two[1].set_cookie(COOKIE, two[0].get_cookie(COOKIE).value)
    assert 'value="52"' in two[1].get("/questions/age").get_data(as_text=True)
    for bad in ("ab" * 16, "zz" * 32):
        with pytest.raises(ValueError, match=KEY_ENV):
            make_key({KEY_ENV: bad})
    assert make_key({}) != make_key({})  # made fresh at each start


def test_a_form_from_another_site_is_refused(client):
    reply = client.post("/questions", data={"action": "start"}, headers={"Origin": "https://evil.example"})
    assert reply.status_code == 403
    assert client.post("/questions", data={"action": "start"}, headers={"Origin": "null"}).status_code == 303


def test_start_again_forgets_everything(client):
    step(client, action="start")
    step(client, action="answer", question="age", value="45")
    reply = client.post("/start-again")
    assert reply.status_code == 303 and "cookies" in reply.headers["Clear-Site-Data"]
    assert client.get_cookie(COOKIE) is None
    assert client.get("/questions/age").headers["Location"] == "/"
