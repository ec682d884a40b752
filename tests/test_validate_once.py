"""Answers are validated once per request: `triage fhir response` (was three times),
`POST /api/v1/next` (was twice, before the assessment's own) and `assess --format fhir`
(was twice: the Bundle's QuestionnaireResponse validated the assessed answers again). The status worked out from the
one partial validation is the one a full validation would give."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from helpers import CASES, CASES_DIR, base_answers, load_case, run_cli
from random_answers import random_answer_sets

from triage import answers as answers_module
from triage.answers import AnswersError, validate
from triage.fhir import build_response
from triage.kb.load import load_knowledge_base

KB = load_knowledge_base()


@contextmanager
def calls_to(function: Callable[..., Any]) -> Iterator[list[str]]:
    """The names of the functions that call ``function`` (however it was imported) meanwhile."""
    callers: list[str] = []

    def profile(frame, event, _arg) -> None:
        if event == "call" and frame.f_code is function.__code__:
            callers.append(frame.f_back.f_code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield callers
    finally:
        sys.setprofile(previous)


def test_fhir_response_validates_once() -> None:
    with calls_to(answers_module.validate) as callers:
        result = run_cli("fhir", "response", str(CASES_DIR / "V01.json"))
    assert result.exit_code == 0
    assert len(callers) == 1, callers


def test_fhir_bundle_validates_once() -> None:
    with calls_to(answers_module.validate) as callers:
        result = run_cli("assess", str(CASES_DIR / "V01.json"), "--format", "fhir")
    assert result.exit_code == 0 and '"resourceType": "Bundle"' in result.output
    assert callers == ["assess"], callers


def test_api_next_validates_once_before_the_assessment() -> None:
    pytest.importorskip("flask")
    from triage.web import create_app

    client = create_app().test_client()
    answers = {key: value for key, value in base_answers().items() if key in ("age", "injury")}
    with calls_to(answers_module.validate) as callers:
        reply = client.post("/api/v1/next", json={"answers": answers})
    assert reply.status_code == 200 and reply.get_json()["status"] == "question"
    assert [c for c in callers if c != "assess"] == ["_next_request"], callers  # assess() checks its own input


def partial_sets() -> Iterator[dict[str, Any]]:
    """Every case and 200 random answer sets, each whole and with random answers left out."""
    rng = random.Random(8)
    wholes = [load_case(path)["answers"] for path in CASES] + random_answer_sets(KB, 200)
    for whole in wholes:
        yield whole
        for _ in range(3):
            yield {k: v for k, v in whole.items() if rng.random() < 0.7}


def test_the_status_is_the_one_a_full_validation_gives() -> None:
    seen = set()
    for answers in partial_sets():
        try:
            resource = build_response(KB, answers)
        except AnswersError:
            continue  # invalid even as a partial set (e.g. a case's stopped_early record)
        try:
            validate(answers, KB)
            expected = "completed"
        except AnswersError:
            expected = "in-progress"
        assert resource["status"] == expected, answers
        seen.add(expected)
    assert seen == {"completed", "in-progress"}
