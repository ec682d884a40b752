"""Early stops survive every format the tool writes (docs/fhir.md, "Early stops"):

- web download -> `triage fhir response` -> `triage assess --from-fhir` (and /api/v1/assess);
- `triage assess --format fhir` -> the Bundle's QuestionnaireResponse -> `--from-fhir`;
- `$next-question` to the end -> POST /fhir/QuestionnaireResponse/$outcome (and `--from-fhir`);

each giving the case's disposition. The stop is the stopped-early extension: without it (a
mutant response) the same answers are incomplete, and give only a provisional result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir_support import validate_resource
from helpers import CASES, load_case, run_cli

from triage.answers import validate
from triage.early_stop import RECORD_KEY
from triage.fhir.response import answer_item
from triage.fhir.settings import settings
from triage.fhir.stop import stop_url
from triage.kb.load import load_knowledge_base

flask = pytest.importorskip("flask")
from triage.web import create_app  # noqa: E402

KB = load_knowledge_base()
FHIR = settings(KB)
NEXT = f"/fhir/Questionnaire/{FHIR.questionnaire_id}/$next-question"
OUTCOME = "/fhir/QuestionnaireResponse/$outcome"


@pytest.fixture(scope="module")
def app():
    return create_app()


def form_value(value: Any) -> str:
    return "not-sure" if value is None else "yes" if value is True else "no" if value is False else str(value)


def web_download(client, answers: dict[str, Any]) -> dict[str, Any]:
    """Click through the web pages (as a browser does: post, follow the redirect), confirm an
    emergency, and download the answers file from the result page."""
    where = client.post("/questions", data={"action": "start"}).headers["Location"]
    for _ in range(100):
        if where.startswith("/questions/"):
            qid = where.rsplit("/", 1)[1]
            if qid in answers:
                form = {"action": "answer", "question": qid, "value": form_value(answers[qid])}
            else:
                form = {"action": "skip", "question": qid}
        elif where == "/check-your-answer":
            form = {"action": "confirm", "confirm": "yes"}
        elif where in ("/call-999", "/check-your-answers"):
            form = {"action": "result"}
        elif where == "/result":
            return json.loads(client.get("/answers.json").get_data(as_text=True))
        else:
            raise AssertionError(f"unexpected page {where}")
        where = client.post("/questions", data=form).headers["Location"]
    raise AssertionError("no result")


def disposition_of(bundle: dict[str, Any]) -> str:
    risk = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment")
    return risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"]


def cli_json(*args: str) -> Any:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_web_download_to_fhir_response_to_assess(app, path, tmp_path):
    case = load_case(path)
    saved = web_download(app.test_client(), case["answers"])
    if RECORD_KEY not in saved:
        assert case["urgency"] < 3, "an urgent case that did not stop early"
        return
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(saved), encoding="utf-8")
    response = cli_json("fhir", "response", str(answers_file))
    assert response["status"] == "completed"
    assert [e["url"] for e in response["extension"]] == [stop_url(FHIR)]
    validate_resource(response)
    qr_file = tmp_path / "qr.json"
    qr_file.write_text(json.dumps(response), encoding="utf-8")
    assert cli_json("assess", "--from-fhir", str(qr_file), "--format", "json")["disposition"] == case["expected"]
    reply = app.test_client().post("/api/v1/assess", json=response)
    assert reply.status_code == 200 and reply.get_json()["disposition"] == case["expected"]
    # The outcome Bundle records the stop in its QuestionnaireResponse too, which reads back.
    bundle = cli_json("assess", str(answers_file), "--format", "fhir")
    inner = bundle["entry"][0]["resource"]
    assert inner["status"] == "completed" and inner["extension"][0]["url"] == stop_url(FHIR)
    qr_file.write_text(json.dumps(inner), encoding="utf-8")
    read_back = cli_json("assess", "--from-fhir", str(qr_file), "--format", "json")
    assert read_back["disposition"] == case["expected"] and "provisional" not in read_back
    # A mutant without the extension is the same answers, incomplete: only a provisional result.
    qr_file.write_text(json.dumps({k: v for k, v in inner.items() if k != "extension"}), encoding="utf-8")
    assert cli_json("assess", "--from-fhir", str(qr_file), "--format", "json")["provisional"] is True


def next_question_to_the_end(client, answers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}
    for _ in range(80):
        reply = client.post(NEXT, json=response)
        assert reply.status_code == 200, reply.get_data(as_text=True)
        response = reply.get_json()
        if response["status"] == "completed":
            return response
        link = response["contained"][0]["item"][-1]["linkId"]
        if link in answers:
            response.setdefault("item", []).append(answer_item(FHIR, KB.question_by_id[link], answers[link]))
    raise AssertionError("the questionnaire never ended")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_next_question_final_response_to_the_outcome_route(app, path, tmp_path):
    case = load_case(path)
    client = app.test_client()
    final = next_question_to_the_end(client, validate(case["answers"], KB).answers)
    stopped = [e for e in final.get("extension", []) if e["url"] == stop_url(FHIR)]
    reply = client.post(OUTCOME, json=final)
    assert reply.status_code == 200 and reply.mimetype == "application/fhir+json", reply.get_data(as_text=True)
    bundle = reply.get_json()
    assert disposition_of(bundle) == case["expected"]
    assert bundle["entry"][1]["resource"]["status"] == "final"  # not provisional
    assert bool(stopped) == bool(bundle["entry"][0]["resource"].get("extension"))
    if case["urgency"] >= 3 and path.stem in ("E13", "V20"):
        for resource in (final, bundle):
            validate_resource(resource)
    qr_file = tmp_path / "final.json"
    qr_file.write_text(json.dumps(final), encoding="utf-8")
    assert cli_json("assess", "--from-fhir", str(qr_file), "--format", "json")["disposition"] == case["expected"]
    # The Parameters form is accepted too.
    wrapped = {"resourceType": "Parameters", "parameter": [{"name": "questionnaire-response", "resource": final}]}
    assert disposition_of(client.post(OUTCOME, json=wrapped).get_json()) == case["expected"]


def test_some_cases_stop_early():
    """The two tests above are about early stops: the shared cases must include some."""
    urgent = [p.stem for p in CASES if load_case(p)["urgency"] >= 3]
    assert len(urgent) >= 3, urgent


def test_a_stop_the_answers_do_not_justify_is_refused(app):
    bundle = cli_json("assess", str(Path(CASES[0]).parent / "E13.json"), "--format", "fhir")
    inner = bundle["entry"][0]["resource"]
    client = app.test_client()
    # An extension claiming a stop on ordinary answers with questions missing: refused.
    ordinary = {"age": 40, "injury": False, "can_bear_weight": True}
    qr = json.loads(json.dumps(inner))
    qr["item"] = [answer_item(FHIR, KB.question_by_id[q], v) for q, v in ordinary.items()]
    qr["extension"] = [
        {
            "url": stop_url(FHIR),
            "extension": [
                {"url": "disposition", "valueCoding": {"system": FHIR.system("disposition"), "code": "emergency"}}
            ],
        }
    ]
    reply = client.post(OUTCOME, json=qr)
    assert reply.status_code == 400
    text = json.dumps(reply.get_json())
    assert "not an urgent result" in text
    qr["extension"][0]["extension"][0]["valueCoding"]["code"] = "nonsense"
    assert "unknown disposition" in json.dumps(client.post(OUTCOME, json=qr).get_json())
