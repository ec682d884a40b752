"""Property: whatever valid answers a person types (with mistakes, "?" and going back on the
way), the questionnaire shows the disposition the complete answers get, saves an answers
file that `triage assess` accepts with that disposition (or, after an early stop, one that
is a valid answers file in progress with it), and never asks a question the validator
would call "not asked"."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from ask_helpers import kb, typed
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.answers import asked_questions, validate
from triage.assessment import assess
from triage.cli.answers_store import AnswersStore
from triage.cli.main import main
from triage.cli.questionnaire import run
from triage.flow import Flow, Progress
from triage.kb.conditions import condition_holds
from triage.kb.records import Question

SAFE = {"can_bear_weight": True, "can_bend_90": True}  # the reassuring answer where it is "yes"
SKIP = object()


def value_of(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "boolean":
        return st.booleans()
    if question.type == "choice":
        return st.sampled_from(question.choice_values)
    if question.type == "integer":
        return st.integers(int(question.min), int(question.max))
    if question.type == "number":
        low, high = int(question.min), int(question.max)
        return st.one_of(st.integers(low, high), st.floats(low, high).map(lambda x: round(x, 1)))
    text = st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    return text.filter(lambda s: s == s.strip() and s not in ("?", "<") and s != "")


@st.composite
def answer_sets(draw) -> dict[str, Any]:
    """Complete, valid answer sets: every asked required question answered, red flags mostly
    reassuring (else nearly every run would stop early) with some "not sure"."""
    worry = draw(st.sampled_from([0, 3, 10, 30]))  # percent chance of a worrying red-flag answer
    answers: dict[str, Any] = {}
    for question in kb().questions:
        if not condition_holds(question.asked_when, answers):
            continue
        if question.red_flag:
            roll = draw(st.integers(0, 99))
            if roll < worry:
                answers[question.id] = draw(st.one_of(st.none(), value_of(question)))
            else:
                answers[question.id] = SAFE.get(question.id, question.choice_values[0] if question.choices else False)
        elif question.required or draw(st.booleans()):
            answers[question.id] = draw(value_of(question))
    return answers


class RecordingFlow(Flow):
    def __init__(self, *args):
        super().__init__(*args)
        self.current: Question | None = None
        self.asked: list[str] = []

    def next_question(self):
        self.current = super().next_question()
        if self.current is not None:
            self.asked.append(self.current.id)
        return self.current


def noise_for(question: Question) -> list[str]:
    noise = ["?"]
    if question.type != "string":
        noise.append("banana")
    if question.type in ("integer", "number"):
        noise.append(str(int(question.max) + 1))
    if question.required:
        noise.append("")
    return noise


class Person:
    """Types answers from a dict, with a drawn amount of mistakes, help and going back."""

    def __init__(self, flow: RecordingFlow, answers: dict[str, Any], data):
        self.flow, self.answers, self.data = flow, answers, data
        self.messed_up: set[str] = set()
        self.went_back: set[str] = set()

    def show(self, text: str = "") -> None:
        pass

    def ask(self, prompt: str) -> str:
        question = self.flow.current
        assert question is not None
        qid = question.id
        if qid not in self.messed_up and self.data.draw(st.integers(0, 9), label="mistake") == 0:
            self.messed_up.add(qid)
            return self.data.draw(st.sampled_from(noise_for(question)), label="noise")
        if qid not in self.went_back and self.flow.progress.history and self.data.draw(st.integers(0, 14)) == 0:
            self.went_back.add(qid)
            return "<"
        value = self.answers.get(qid, SKIP)
        if value is SKIP:
            assert not question.required, f"asked required {qid} that the answer set does not hold"
            return ""
        return typed(question, value, self.data.draw(st.integers(0, 2), label="style"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answer_sets(), data=st.data())
def test_typed_answers_give_the_same_disposition_and_a_valid_answers_file(answers, data):
    base = kb()
    expected = assess(answers, kb=base)
    with tempfile.TemporaryDirectory() as folder:
        store = AnswersStore(Path(folder) / "answers.json")
        progress = Progress()
        flow = RecordingFlow(base, progress)
        outcome = run(flow, Person(flow, answers, data), save=lambda: store.save(base, progress))

        assert outcome.assessment is not None
        assert outcome.assessment.disposition.id == expected.disposition.id
        saved = json.loads(store.path.read_text(encoding="utf-8"))
        if outcome.status == "complete":
            assert saved == expected.answers
            result = CliRunner().invoke(main, ["assess", str(store.path), "--format", "json"])
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout)["disposition"] == expected.disposition.id
        else:
            assert outcome.status == "stopped-early"
            assert expected.urgency >= 3
            assert assess(saved, kb=base).disposition.id == expected.disposition.id  # the record is enough
            assert saved.pop("stopped_early")["disposition"] == expected.disposition.id
            assert saved.items() <= answers.items()

        # Never a question the validator would call "not asked".
        valid = validate(saved, base, partial=True)
        assert not [w for w in valid.warnings if "not asked" in w]
        may_be_asked = {q.id for q in asked_questions(base, saved)}
        assert set(flow.asked) <= may_be_asked
        assert set(progress.history) <= set(saved) | progress.skipped
