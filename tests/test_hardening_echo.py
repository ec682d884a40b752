"""Echoes of what a person or a client sent are bounded and escaped, everywhere (issue #21:
N1, N2, N12). A hostile key or value must not flood stderr, reach the terminal as an escape
sequence, or turn a web request into a 500 (a lone surrogate cannot be encoded as UTF-8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import base_answers, run_cli

from triage.answers import AnswersError, parse_json, shown_key

SURROGATE, ESCAPE, LONG = "\\ud800", "\\u001b]0;PWNED\\u0007\\u001b[2J", "A" * 20_000  # under the 64 KB body cap
TOKENS = {"surrogate": SURROGATE, "escape": ESCAPE, "long": LONG}
BODIES = {
    "duplicate-key": '{"%s": 1, "%s": 2}',
    "unknown-key": '{"%s": 1}',
    "early-stop": '{"age": 40, "stopped_early": {"disposition": "%s"}}',
    "next-fields": '{"answers": {"%s": 1}, "skipped": ["%s"], "%s": 1}',
    "fhir-response": '{"resourceType": "QuestionnaireResponse", "status": "%s", '
    '"item": [{"linkId": "%s", "answer": [{"value%s": 1}]}]}',
    "fhir-header": '{"resourceType": "%s", "questionnaire": "%s", "status": "%s"}',
    "fhir-version": '{"resourceType": "QuestionnaireResponse", "status": "%s", '
    '"questionnaire": "https://knee-triage.example/fhir/Questionnaire/knee-triage|%s"}',
    "fhir-value-key": '{"resourceType": "QuestionnaireResponse", "status": "in-progress", '
    '"item": [{"linkId": "age", "answer": [{"value%s": 1}]}]}',
}
ENDPOINTS = ("/api/v1/assess", "/api/v1/next", "/fhir/Questionnaire/knee-triage/$next-question")


def hostile(body: str, token: str) -> str:
    return body.replace("%s", token)


def test_a_duplicate_key_is_echoed_bounded_and_escaped() -> None:
    for token, expected in ((SURROGATE, "\\ud800"), (ESCAPE, "\\u001b"), (LONG, "…")):
        with pytest.raises(AnswersError) as error:
            parse_json(hostile(BODIES["duplicate-key"], token))
        [problem] = error.value.problems
        assert expected in problem and problem.endswith(": given more than once")
        assert len(problem) < 120 and problem.isprintable()
        problem.encode("utf-8")  # no lone surrogate left
    assert shown_key("age") == "age"  # a plain id is shown as typed


@pytest.mark.parametrize("body", BODIES, ids=list(BODIES))
@pytest.mark.parametrize("token", TOKENS, ids=list(TOKENS))
def test_web_bad_bodies_get_a_bounded_escaped_400_never_a_500(body: str, token: str) -> None:
    pytest.importorskip("flask")
    from triage.web import create_app

    client = _client(create_app)
    data = hostile(BODIES[body], TOKENS[token]).encode()
    for endpoint in ENDPOINTS:
        reply = client.post(endpoint, data=data, content_type="application/json")
        assert reply.status_code == 400, (endpoint, reply.status_code)
        raw = reply.get_data()
        assert len(raw) < 20_000 and b"\x1b" not in raw and b"\x07" not in raw
        raw.decode("utf-8")


_CLIENTS: dict[object, object] = {}


def _client(create_app):
    if create_app not in _CLIENTS:
        _CLIENTS[create_app] = create_app().test_client()
    return _CLIENTS[create_app]


@pytest.mark.parametrize(
    "answers_text",
    [
        json.dumps({**base_answers(), "stopped_early": {"disposition": "x" * 900_000}}),
        BODIES["duplicate-key"].replace("%s", "A" * 450_000),
        '{"\\u001b]0;PWNED\\u0007\\u001b[2J": 1, "\\u001b]0;PWNED\\u0007\\u001b[2J": 2}',
        json.dumps({**base_answers(), "stopped_early": {"disposition": "\x1b[2J\x07"}}),
    ],
    ids=["long-disposition", "long-duplicate-key", "escape-duplicate-key", "escape-disposition"],
)
def test_assess_echoes_are_bounded_and_escaped(tmp_path: Path, answers_text: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(answers_text, encoding="utf-8")
    result = run_cli("assess", str(path))
    assert result.exit_code == 2
    assert len(result.stderr) < 2_000
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_nesting_is_refused_by_our_own_limit_on_every_python() -> None:
    """From Python 3.13 `json` parses 5,000 levels: the refusal must not depend on it."""
    from triage.answers import MAX_DEPTH

    inner = MAX_DEPTH - 1  # the outer object is one level
    assert isinstance(parse_json('{"notes": ' + "[" * inner + "]" * inner + "}")["notes"], list)
    for text in (
        '{"notes": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}",
        "[" * 5000 + "]" * 5000,
        '{"a": ' * 5000 + "1" + "}" * 5000,
    ):
        with pytest.raises(AnswersError) as error:
            parse_json(text)
        assert error.value.problems == ["invalid answers: nested too deeply (an answers file is one flat object)"]
    # brackets inside strings are text, not nesting
    assert parse_json('{"notes": "' + "[" * 5000 + '"}')["notes"] == "[" * 5000
