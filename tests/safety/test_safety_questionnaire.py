"""The questionnaire with the new asked-when of `breathless` (dispositions.md: a calf answered
"not sure" must not hide the breathlessness question): an unsure calf followed by "yes,
breathless" stops at once with "call an ambulance" (issue 8, part 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from safety_support import Mutant

from triage import load_knowledge_base
from triage.cli.main import main
from triage.flow import Flow, Progress, emergency_questions
from triage.kb.records import KnowledgeBase

KB = load_knowledge_base()
# age 40, no injury, can take four steps, foot fine, calf "not sure"
UNSURE_CALF = {"age": 40, "injury": False, "can_bear_weight": True, "foot_cold_numb": False, "calf_swelling": None}


def run_flow(kb: KnowledgeBase, replies: dict[str, Any]) -> tuple[Flow, list[str]]:
    """Answer the questions as they come, from ``replies``, until one is not in it."""
    flow = Flow(kb, Progress())
    asked: list[str] = []
    while (question := flow.next_question()) is not None and question.id in replies:
        asked.append(question.id)
        flow.answer(question, replies[question.id])
    return flow, asked


def test_unsure_calf_then_breathless_stops_at_once_with_an_ambulance() -> None:
    flow, asked = run_flow(KB, {**UNSURE_CALF, "breathless": True})
    assert asked == [*UNSURE_CALF, "breathless"]  # asked right after the unsure calf
    assert flow.urgency == 4 and flow.assessment.disposition.id == "emergency"
    assert flow.next_question() is None  # nothing more is asked


def test_unsure_calf_then_not_breathless_goes_on() -> None:
    flow, _ = run_flow(KB, {**UNSURE_CALF, "breathless": False})
    assert flow.urgency == 2  # "not sure" on a red flag: see a doctor soon, and the questions go on
    assert flow.next_question() is not None


def test_breathless_is_an_emergency_question() -> None:
    assert {"calf_swelling", "breathless"} <= emergency_questions(KB)


def test_unsure_calf_then_breathless_in_the_terminal(tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.json"
    lines = ["40", "n", "y", "n", "s", "y"]  # "s" = not sure
    result = CliRunner().invoke(main, ["ask", "-a", str(answers_file)], input="".join(f"{x}\n" for x in lines))
    assert result.exit_code == 0, result.output
    assert "Are you short of breath" in result.output
    assert "CALL AN AMBULANCE NOW" in result.output
    assert "The questions stopped early" in " ".join(result.output.split())


def test_bites_breathless_asked_only_when_the_calf_is_swollen(tmp_path: Path) -> None:
    """Mutant (issue 8): `breathless` asked only when calf_swelling is true. The unsure calf
    then hides the question, and the flow never reaches an ambulance."""
    mutant = Mutant(tmp_path).replace_in("question", "breathless", "is = true, or_unsure = true", "is = true").load()
    flow, asked = run_flow(mutant, {**UNSURE_CALF, "breathless": True})
    assert "breathless" not in asked and flow.urgency < 4
    real, _ = run_flow(KB, {**UNSURE_CALF, "breathless": True})
    assert real.urgency == 4
