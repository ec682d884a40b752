"""Our FHIR identity, read from the knowledge base: URLs, codings and the priority map.

Every URL we mint hangs off one canonical base (rules/knowledge-base.toml [fhir]); every
code we emit is in one of our own CodeSystems below that base. No SNOMED or LOINC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..kb.records import KnowledgeBase, Question

DEFAULT_CANONICAL = "https://knee-triage.example/fhir"
DEFAULT_QUESTIONNAIRE = "knee-triage"
PRIORITIES = ("routine", "urgent", "asap", "stat")  # http://hl7.org/fhir/request-priority

# "Not sure" on a red flag is a real answer (spec/answers.md), so a red-flag question is a
# choice with a "not sure" option, never a boolean left blank: see docs/fhir.md.
UNSURE_CODE = "unsure"
UNSURE_DISPLAY = "not sure"
YES_NO_UNSURE = (("yes", "yes"), ("no", "no"), (UNSURE_CODE, UNSURE_DISPLAY))
FHIR_TYPES = {"boolean": "boolean", "integer": "integer", "number": "decimal", "choice": "choice", "string": "string"}
VALUE_KEYS = {
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "choice": "valueCoding",
    "string": "valueString",
    "text": "valueString",
}


# The sentences the FHIR output carries, from [fhir] in rules/knowledge-base.toml ({placeholders}
# are filled in here).
TEXT_KEYS = ("title", "description", "subject_unnamed", "not_sure_note", "rationale")
# Sentences with a default here, used until [fhir] in rules/knowledge-base.toml sets them.
DEFAULT_TEXT = {
    # RiskAssessment.note on an outcome from a response still in progress (docs/fhir.md)
    "provisional_note": (
        "Provisional: not every question was answered. The answers given already mean this result; "
        "more answers could only make it more urgent."
    ),
}


@dataclass(frozen=True)
class FhirSettings:
    canonical: str
    questionnaire_id: str
    priority: dict[int, str]
    version: str
    text: dict[str, str]

    @property
    def questionnaire_url(self) -> str:
        return f"{self.canonical}/Questionnaire/{self.questionnaire_id}"

    def system(self, name: str) -> str:
        return f"{self.canonical}/CodeSystem/{name}"


def settings(kb: KnowledgeBase) -> FhirSettings:
    table = kb.fhir.get("fhir", {})
    priorities = kb.fhir.get("fhir_service_request_priority", {})
    return FhirSettings(
        canonical=str(table.get("canonical", DEFAULT_CANONICAL)).rstrip("/"),
        questionnaire_id=str(table.get("questionnaire", DEFAULT_QUESTIONNAIRE)),
        priority={int(k): str(v) for k, v in priorities.items() if str(k).isdigit()},
        version=kb.version,
        text={
            **{key: str(table.get(key, default)) for key, default in DEFAULT_TEXT.items()},
            **{key: str(table.get(key, f"[{key}]")) for key in TEXT_KEYS},  # a missing one: rules check says so
        },
    )


def check_fhir_settings(kb: KnowledgeBase) -> list[str]:
    """Problems for `triage rules check`: the priority map and the red-flag codes."""
    problems = [f"[fhir]: missing {key!r}" for key in TEXT_KEYS if key not in kb.fhir.get("fhir", {})]
    priorities = kb.fhir.get("fhir_service_request_priority", {})
    for key, value in priorities.items():
        if not str(key).isdigit():
            problems.append(f"fhir_service_request_priority: {key!r} is not an urgency")
        if value not in PRIORITIES:
            problems.append(f"fhir_service_request_priority: {value!r} is not one of {', '.join(PRIORITIES)}")
    for urgency in sorted({d.urgency for d in kb.dispositions if d.urgency >= 1}):
        if str(urgency) not in {str(k) for k in priorities}:
            problems.append(f"fhir_service_request_priority: no priority for urgency {urgency}")
    for question in kb.questions:
        if question.allows_unsure and question.type == "choice" and UNSURE_CODE in question.choice_values:
            problems.append(f"question {question.id}: the value {UNSURE_CODE!r} is reserved for 'not sure' in FHIR")
        if question.allows_unsure and question.type not in ("boolean", "choice"):
            problems.append(
                f"question {question.id}: a red flag or history question must be boolean or choice "
                "to carry 'not sure' in FHIR"
            )
    return problems


def is_coded(question: Question) -> bool:
    """Answered with a Coding: choice questions and red-flag booleans (yes / no / not sure)."""
    return question.type == "choice" or (question.type == "boolean" and question.allows_unsure)


def item_type(question: Question) -> str:
    if is_coded(question):
        return "choice"
    if question.type == "string" and (question.max_length or 0) > 255:
        return "text"  # long free text: a multi-line box
    return FHIR_TYPES[question.type]


def options(question: Question) -> tuple[tuple[str, str], ...]:
    """(code, display) of every answer option, "not sure" last on red flags."""
    if question.type == "boolean":
        return YES_NO_UNSURE
    if question.allows_unsure:
        return (*question.choices, (UNSURE_CODE, UNSURE_DISPLAY))
    return question.choices


def answer_system(fhir: FhirSettings, question: Question) -> str:
    return fhir.system("yes-no-unsure" if question.type == "boolean" else f"answer-{question.id}")


def value_to_code(question: Question, value: Any) -> str:
    if value is None:
        return UNSURE_CODE
    if question.type == "boolean":
        return "yes" if value else "no"
    return str(value)


def code_to_value(question: Question, code: str) -> Any:
    if code == UNSURE_CODE and question.allows_unsure:
        return None
    if question.type == "boolean":
        return {"yes": True, "no": False}[code]
    return code


def coding(fhir: FhirSettings, question: Question, value: Any) -> dict[str, str]:
    code = value_to_code(question, value)
    return {"system": answer_system(fhir, question), "code": code, "display": dict(options(question))[code]}
