"""The questionnaire and `breathless` (dispositions.md: a calf answered "not sure" must not
hide the breathlessness question; from 1.2 it is asked of everyone): "yes, breathless" stops
at once with "call an ambulance" (issue 8, part 5; issue 23). And the early stop at
urgent-care-today (answers.md 1.2, Early stop): every question that could still make it an
emergency, and `pregnant` and `blood_thinners`, are answered before stopping."""

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
UNSURE_CALF = {
    "age": 40, "sex": "male", "injury": False, "can_bear_weight": True, "foot_cold_numb": False,
    "calf_swelling": None, "calf_pain": False,
}  # fmt: skip


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
    assert {"calf_swelling", "calf_pain", "breathless", "breathless_other"} <= emergency_questions(KB)
    assert {"pregnant", "blood_thinners"} <= emergency_questions(KB)


def test_unsure_calf_then_breathless_in_the_terminal(tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.json"
    lines = ["40", "2", "n", "y", "n", "s", "n", "y"]  # sex 2 = male; "s" = not sure
    result = CliRunner().invoke(main, ["ask", "-a", str(answers_file)], input="".join(f"{x}\n" for x in lines))
    assert result.exit_code == 0, result.output
    assert "severe difficulty breathing" in result.output
    assert "CALL AN AMBULANCE NOW" in result.output
    assert "The questions stopped early" in " ".join(result.output.split())


def test_bites_breathless_back_behind_the_calf(tmp_path: Path) -> None:
    """Mutant (1.2): `breathless` asked only when calf_swelling is true, as before 1.1. The
    unsure calf then hides the question, and the flow never reaches an ambulance."""
    behind = 'type = "boolean"\nasked_when = [{ q = "calf_swelling", is = true }]\n'
    mutant = (
        Mutant(tmp_path).edit_block("question", "breathless", lambda b: b.replace('type = "boolean"\n', behind)).load()
    )
    flow, asked = run_flow(mutant, {**UNSURE_CALF, "breathless": True})
    assert "breathless" not in asked and flow.urgency < 4
    real, _ = run_flow(KB, {**UNSURE_CALF, "breathless": True})
    assert real.urgency == 4


# --- the early stop at urgent-care-today (answers.md 1.2) ------------------------------------------

# What answers.md says must be answered before stopping at urgent-care-today: the questions that
# could still make it an emergency (deformity where asked), and pregnant (where asked) and
# blood_thinners. Written out here, not read from the code.
BEFORE_STOPPING = ("foot_cold_numb", "breathless", "breathless_other", "calf_swelling", "calf_pain", "blood_thinners")
# A 30-year-old woman who cannot take four steps: urgent at once (no injury, so no deformity).
URGENT_AT_ONCE = {"age": 30, "sex": "female", "injury": False, "can_bear_weight": False}


def early_stop_problems(kb: KnowledgeBase) -> list[str]:
    """Run the flow, answering "no" to everything after the urgent start; list what it stopped without."""
    flow = Flow(kb, Progress())
    asked: list[str] = []
    while (question := flow.next_question()) is not None:
        asked.append(question.id)
        value = URGENT_AT_ONCE.get(question.id, False if question.type == "boolean" else None)
        if question.type == "choice" and question.id not in URGENT_AT_ONCE:
            value = question.choice_values[0]
        if question.type in ("integer", "number"):
            value = int(question.min or 0)
        if question.type == "string":
            flow.skip(question)
            continue
        flow.answer(question, value)
    problems = [f"stopped without asking {q}" for q in (*BEFORE_STOPPING, "pregnant") if q not in asked]
    if flow.urgency != 3:
        problems.append(f"ended at urgency {flow.urgency}, not urgent-care-today")
    if "locking" in asked:
        problems.append("asked on past the early stop (locking)")
    return problems


def test_early_stop_at_urgent_care_asks_the_emergency_questions_and_pregnancy_first() -> None:
    assert early_stop_problems(KB) == []


def test_bites_early_stop_that_skips_breathless(monkeypatch) -> None:
    """Mutant (1.2): the early stop at urgent-care-today skips `breathless`."""
    import triage.flow as flow_module

    real = flow_module.cached_emergency_questions

    def without_breathless(kb: KnowledgeBase) -> frozenset[str]:
        return real(kb) - {"breathless"}

    monkeypatch.setattr(flow_module, "cached_emergency_questions", without_breathless)
    assert "stopped without asking breathless" in early_stop_problems(KB)


def test_bites_early_stop_without_pregnancy_and_blood_thinners(tmp_path: Path) -> None:
    """Mutant (1.2): the knowledge base no longer asks pregnant and blood_thinners before stopping."""
    mutant = Mutant(tmp_path)
    path = mutant.root / "dispositions.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('ask_before_urgent_stop = ["pregnant", "blood_thinners"]', "ask_before_urgent_stop = []")
    )
    problems = early_stop_problems(mutant.load())
    assert "stopped without asking pregnant" in problems and "stopped without asking blood_thinners" in problems
