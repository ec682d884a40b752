"""A real client that no one here wrote: LHC-Forms renders our Questionnaire in headless
Chromium; each shared case is filled through the page (radio clicks, typing); LHC-Forms
shows exactly the questions we would ask (its own enableWhen engine), and the
QuestionnaireResponse it exports gives the case's disposition via `triage assess --from-fhir`."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from browser import require_tools_or_skip
from helpers import CASES, load_case, run_cli
from lforms_page import LFormsPage, lforms_missing, lforms_page
from web_helpers import running_server

from triage.answers import asked_questions, validate
from triage.fhir import build_questionnaire
from triage.fhir.settings import is_coded, options, value_to_code
from triage.kb.load import load_knowledge_base

KB = load_knowledge_base()


@pytest.fixture(scope="module")
def page():
    require_tools_or_skip(axe=False)
    missing = lforms_missing()
    if missing:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    with lforms_page() as opened:
        yield opened


def fill(page: LFormsPage, answers: dict[str, Any]) -> None:
    """Answer in asking order, as a person would; each time wait for what should show next."""
    for question in KB.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if is_coded(question):
            codes = [code for code, _ in options(question)]
            page.choose(question.id, codes.index(value_to_code(question, value)))
        elif question.type == "boolean":
            page.tick(question.id, value)
        elif isinstance(value, float) and value.is_integer():
            page.type(question.id, str(int(value)))
        else:
            page.type(question.id, str(value))
        upcoming = [q.id for q in asked_questions(KB, answers)]
        after = upcoming[upcoming.index(question.id) + 1 :][:1]
        if after:
            page.wait_for(
                f"!!document.getElementById({json.dumps(f'item-{after[0]}/1')})", f"{after[0]} to show", timeout=5
            )


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_lhc_forms_fills_and_exports_a_response_we_assess_the_same(page, path, tmp_path):
    case = load_case(path)
    answers = validate(case["answers"], KB).answers  # the questions that are asked
    page.render(build_questionnaire(KB))
    fill(page, answers)
    # their enableWhen = our asked-when (after the disclaimer, always shown first)
    assert page.shown() == ["disclaimer", *(q.id for q in asked_questions(KB, answers))]

    response = page.response()
    assert response["questionnaire"] == f"{build_questionnaire(KB)['url']}|{KB.version}"
    qr = tmp_path / "qr.json"
    qr.write_text(json.dumps(response), encoding="utf-8")
    result = run_cli("assess", "--from-fhir", str(qr), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["disposition"], data["urgency"]) == (case["expected"], case["urgency"]), case["reason"]
    direct = json.loads(run_cli("assess", str(path), "--format", "json").stdout)
    assert data == direct  # the same answers reached the rules


def test_lhc_forms_hides_and_shows_as_we_do(page):
    """Answering "yes" to an injury shows its questions; "not sure" does not (as asked-when says)."""
    page.render(build_questionnaire(KB))
    assert "injury_days_ago" not in page.shown()
    page.choose("injury", 0)  # yes
    page.wait_for("!!document.getElementById('item-injury_days_ago/1')", "injury_days_ago")
    page.type("injury_days_ago", "8")
    page.wait_for("!document.getElementById('item-tender_kneecap/1')", "no Ottawa questions after 7 days")
    page.choose("injury", 2)  # not sure
    page.wait_for("!document.getElementById('item-injury_days_ago/1')", "injury questions to hide")
    assert [q for q in page.shown() if q.startswith("injury")] == ["injury"]
    assert "breathless" in page.shown()  # 1.2: asked of everyone
    page.choose("calf_swelling", 2)  # not sure about the calf: the clot-risk question shows
    page.wait_for("!!document.getElementById('item-clot_risk/1')", "clot_risk after a calf 'not sure'")
    page.choose("calf_swelling", 1)  # no
    page.wait_for("!document.getElementById('item-clot_risk/1')", "clot_risk to hide")
    # pregnant: age 55 or under and sex not male, a left-out sex counting as not male ("!=")
    page.type("age", "30")
    page.wait_for("!!document.getElementById('item-pregnant/1')", "pregnant at 30 with sex left out")
    page.choose("sex", 1)  # male
    page.wait_for("!document.getElementById('item-pregnant/1')", "pregnant to hide for a man")


def test_a_broken_enable_when_shows_in_lhc_forms(page):
    """Mutant: "injury = yes" written as "injury != no" would also ask the injury questions
    after "not sure"; LHC-Forms follows the broken form, so the comparison above would fail."""
    broken = build_questionnaire(KB)
    for item in broken["item"]:
        for clause in item.get("enableWhen", []):
            if clause["question"] == "injury":
                clause["operator"] = "!="
                clause["answerCoding"] = {**clause["answerCoding"], "code": "no", "display": "no"}
    page.render(broken)
    page.choose("injury", 2)  # not sure
    page.wait_for("!!document.getElementById('item-deformity/1')", "the broken form to show deformity")
    assert "deformity" not in [q.id for q in asked_questions(KB, {"injury": None})]


def test_lhc_forms_shows_the_disclaimer_and_a_partial_emergency_posted_from_it_gets_the_emergency(page):
    """The disclaimer is the first item (LHC-Forms does not show the description). Calf
    swelling and breathlessness "yes", the rest not answered: LHC-Forms posts its response
    to our server (CORS allowing its origin) and gets the emergency outcome, provisional."""
    page.render(build_questionnaire(KB))
    shown_text = " ".join(page.js("document.getElementById('form').innerText").split())
    assert KB.wording["disclaimer"] in shown_text and "999" in shown_text
    page.type("age", "40")
    page.choose("injury", 1)  # no
    page.wait_for("!!document.getElementById('item-calf_swelling/1')", "calf_swelling")
    page.choose("calf_swelling", 0)  # yes
    page.wait_for("!!document.getElementById('item-breathless/1')", "breathless")
    page.choose("breathless", 0)  # yes
    origin = page.url.rsplit("/", 1)[0]
    with running_server(extra=("--cors-origin", origin)) as base:
        posted = page.js(
            f"fetch({json.dumps(base + '/fhir/QuestionnaireResponse/$outcome')}, "
            "{method: 'POST', headers: {'Content-Type': 'application/fhir+json'}, "
            "body: JSON.stringify(LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4'))})"
            ".then(r => r.json().then(body => ({status: r.status, body})))",
            awaited=True,
        )
    assert posted["status"] == 200, posted
    risk = next(e["resource"] for e in posted["body"]["entry"] if e["resource"]["resourceType"] == "RiskAssessment")
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "emergency"
    assert risk["status"] == "preliminary"
