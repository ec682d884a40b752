"""flow.forget_stale: the one tidy-up of skips and history, shared by a resumed ``triage ask``
(answers_store.AnswersStore.load) and the web's hidden state (web.state.decode). Both front
ends are driven with the same stale entries and must keep exactly the same ones."""

from __future__ import annotations

import json
from pathlib import Path

from triage.cli.answers_store import PROGRESS_FORMAT, AnswersStore
from triage.flow import Progress, forget_stale
from triage.kb.load import load_knowledge_base
from triage.web.state import decode

KB = load_knowledge_base()
ANSWERS = {"age": 50, "pain_score": 0, "osteoporosis": False}
SKIPPED = [
    "clicking",  # optional, asked, unanswered: kept
    "pain_duration",  # optional, but not asked now (pain_score 0)
    "fragility_fracture",  # optional, but not asked now (no osteoporosis)
    "injury",  # required (asked, unanswered): never a skip
    "osteoporosis",  # answered
    "no_such_question",
]
HISTORY = ["age", "clicking", "injury", "age", "pain_duration", "osteoporosis", "no_such_question", "clicking"]
KEPT_SKIPPED = {"clicking"}
KEPT_HISTORY = ["age", "clicking", "osteoporosis"]


def test_forget_stale_keeps_only_what_still_means_something() -> None:
    progress = Progress(answers=dict(ANSWERS), history=list(HISTORY), skipped=set(SKIPPED))
    forget_stale(KB, progress)
    assert progress.skipped == KEPT_SKIPPED
    assert progress.history == KEPT_HISTORY
    assert progress.answers == ANSWERS


def test_a_resumed_terminal_questionnaire_is_tidied_alike(tmp_path: Path) -> None:
    store = AnswersStore(tmp_path / "answers.json")
    store.path.write_text(json.dumps(ANSWERS), encoding="utf-8")
    sidecar = {"format": PROGRESS_FORMAT, "status": "in-progress", "history": [*HISTORY, 7], "skipped": [*SKIPPED, [1]]}
    store.progress_path.write_text(json.dumps(sidecar), encoding="utf-8")
    progress, warnings = store.load(KB)
    assert warnings == []
    assert progress.skipped == KEPT_SKIPPED  # and a non-name in a hand-edited sidecar is dropped
    assert progress.history == KEPT_HISTORY


def test_the_web_state_is_tidied_alike() -> None:
    state = decode(json.dumps({"answers": ANSWERS, "history": HISTORY, "skipped": SKIPPED}), KB)
    assert state.progress.skipped == KEPT_SKIPPED
    assert state.progress.history == KEPT_HISTORY
