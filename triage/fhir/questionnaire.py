"""The knowledge base's questions as a FHIR R4 (4.0.1) Questionnaire.

Each asked-when becomes enableWhen/enableBehavior with exactly the same meaning. A coded
atom is translated by asking the atom itself which answer options it accepts, so the
translation cannot drift from conditions.py. FHIR has one level of all/any: an asked-when
that needs more (an "or" of several "and"s) is widened, never narrowed: each "and" group is
represented by its first atom that has an "any" form, which the group implies, so the form
asks the question whenever the knowledge base does (and in a few more cases, whose answers
are read back with a warning). A group with no such atom is refused.
"""

from __future__ import annotations

from typing import Any

from ..kb.conditions import Atom, Condition
from ..kb.records import KnowledgeBase, Question
from .settings import FHIR_TYPES, FhirSettings, answer_system, code_to_value, is_coded, item_type, options, settings

ADAPTIVE_EXTENSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MIN_LENGTH = "http://hl7.org/fhir/StructureDefinition/minLength"
ANSWER_KEYS = {"boolean": "answerBoolean", "integer": "answerInteger", "decimal": "answerDecimal"}
OPERATORS = {"is": "=", "at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}


class ExportError(ValueError):
    """The knowledge base cannot be written as a Questionnaire; ``problems`` says why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


NOTICE_LINK = "disclaimer"  # the display item at the top: what this is not, and the emergency numbers


def notice_item(kb: KnowledgeBase) -> dict[str, Any]:
    """The disclaimer (with the emergency numbers) as the first item: renderers such as
    LHC-Forms do not show ``Questionnaire.description``, where it also is."""
    return {"linkId": NOTICE_LINK, "text": kb.wording.get("disclaimer", ""), "type": "display"}


def build_questionnaire(kb: KnowledgeBase, *, adaptive_url: str | None = None) -> dict[str, Any]:
    """The Questionnaire (a JSON-ready dict). ``adaptive_url`` adds SDC questionnaireAdaptive."""
    fhir = settings(kb)
    problems: list[str] = []
    if NOTICE_LINK in kb.question_by_id:
        problems.append(f"question {NOTICE_LINK}: the linkId is taken by the disclaimer item at the top")
    items = [notice_item(kb)]
    for question in kb.questions:
        try:
            items.append(question_item(kb, fhir, question))
        except ExportError as error:
            problems += error.problems
    if problems:
        raise ExportError(problems)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir.questionnaire_id,
        "url": fhir.questionnaire_url,
        "version": fhir.version,
        "name": "KneeTriage",
        "title": fhir.text["title"],
        "status": "active",
        "subjectType": ["Patient"],
        "description": fhir.text["description"].format(
            disclaimer=kb.wording.get("disclaimer", ""), version=kb.version, sha256=kb.sha256
        ),
        "item": items,
    }
    if adaptive_url:
        resource["extension"] = [{"url": ADAPTIVE_EXTENSION, "valueUrl": adaptive_url}]
    return resource


def question_item(kb: KnowledgeBase, fhir: FhirSettings, question: Question) -> dict[str, Any]:
    if question.type not in FHIR_TYPES:
        raise ExportError([f"question {question.id}: type {question.type!r} has no FHIR item type"])
    item: dict[str, Any] = {"linkId": question.id, "text": question.text, "type": item_type(question)}
    extensions = _limits(question)
    if is_coded(question):  # a handful of options: all on show, one click each (SDC itemControl)
        extensions.append(_item_control("radio-button", "Radio Button"))
    if extensions:
        item["extension"] = extensions
    enable_when, behavior = enable_when_for(kb, fhir, question)
    if enable_when:
        item["enableWhen"] = enable_when
        if behavior:
            item["enableBehavior"] = behavior
    item["required"] = question.required
    if question.type == "string" and question.max_length is not None:
        item["maxLength"] = question.max_length
    if is_coded(question):
        system = answer_system(fhir, question)
        item["answerOption"] = [
            {"valueCoding": {"system": system, "code": code, "display": display}} for code, display in options(question)
        ]
    if question.help:
        item["item"] = [
            {
                "linkId": f"{question.id}.help",
                "text": question.help,
                "type": "display",
                "extension": [_item_control("help", "Help-Button")],
            }
        ]
    return item


def _item_control(code: str, display: str) -> dict[str, Any]:
    concept = {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}], "text": display}
    return {"url": ITEM_CONTROL, "valueCodeableConcept": concept}


def _limits(question: Question) -> list[dict[str, Any]]:
    key = {"integer": "valueInteger", "number": "valueDecimal"}.get(question.type)
    out = []
    if key:
        cast = int if question.type == "integer" else float
        if question.min is not None:
            out.append({"url": MIN_VALUE, key: cast(question.min)})
        if question.max is not None:
            out.append({"url": MAX_VALUE, key: cast(question.max)})
    if question.type == "string" and question.min_length:
        out.append({"url": MIN_LENGTH, "valueInteger": question.min_length})
    return out


def enable_when_for(kb: KnowledgeBase, fhir: FhirSettings, question: Question) -> tuple[list[dict[str, Any]], str]:
    """(enableWhen list, enableBehavior or "") with the meaning of the question's asked-when."""
    condition: Condition = question.asked_when
    if not condition:
        return [], ""
    where = f"question {question.id}: asked_when"
    forms = [[_forms(kb, fhir, atom, where) for atom in group] for group in condition]
    if len(forms) == 1 and len(forms[0]) == 1:  # one atom: the shorter of its two forms
        any_form, all_form = forms[0][0]
        if any_form and len(any_form) <= len(all_form):
            return any_form, "any" if len(any_form) > 1 else ""
        return all_form, "all" if len(all_form) > 1 else ""
    if len(forms) == 1:  # one "and" group
        clauses = [clause for _, all_form in forms[0] for clause in all_form]
        return clauses, "all"
    if all(len(group) == 1 and group[0][0] for group in forms):  # an "or" of single atoms
        return [clause for group in forms for clause in group[0][0]], "any"
    # An "or" of "and" groups: each group stands for one atom it implies (a wider condition).
    implied = [next((any_form for any_form, _ in group if any_form), None) for group in forms]
    if any(form is None for form in implied):
        raise ExportError([f"{where}: an 'or' of several 'and' groups has no enableWhen form; rewrite it"])
    return [clause for form in implied if form for clause in form], "any"


def _forms(kb: KnowledgeBase, fhir: FhirSettings, atom: Atom, where: str) -> tuple[list[dict], list[dict]]:
    """The atom as (clauses any of which holds, clauses all of which hold)."""
    target = kb.question_by_id.get(atom.subject) if atom.kind == "answer" else None
    if target is None:
        raise ExportError([f"{where}: only answers to earlier questions can become enableWhen ({atom.describe()})"])
    if is_coded(target):
        system = answer_system(fhir, target)
        codes = [code for code, _ in options(target)]
        accepted = [code for code in codes if atom.accepts(code_to_value(target, code))]
        if not accepted:
            raise ExportError([f"{where}: {atom.describe()} can never hold"])

        def clause(operator: str, code: str) -> dict[str, Any]:
            display = dict(options(target))[code]
            coded = {"system": system, "code": code, "display": display}
            return {"question": target.id, "operator": operator, "answerCoding": coded}

        exists = {"question": target.id, "operator": "exists", "answerBoolean": True}
        if atom.test == "not_in":  # holds with no answer too: "!=" alone, never "exists"
            unequal = [clause("!=", code) for code in codes if code not in accepted]
            # one "!=" is the atom either way; several only hold all together (an "and" group)
            return (unequal if len(unequal) == 1 else []), unequal
        if len(accepted) == len(codes):
            return [exists], [exists]
        any_form = [clause("=", code) for code in accepted]
        # "!=" also holds when there is no answer at all, so the all-form asks for one first.
        all_form = any_form if len(accepted) == 1 else [exists, *(clause("!=", c) for c in codes if c not in accepted)]
        return any_form, all_form
    if atom.test == "present":
        single = {"question": target.id, "operator": "exists", "answerBoolean": True}
    elif atom.test in OPERATORS and item_type(target) in ANSWER_KEYS:
        key = ANSWER_KEYS[item_type(target)]
        operand = float(atom.operand) if key == "answerDecimal" else atom.operand
        if key == "answerInteger" and not float(operand).is_integer():
            raise ExportError([f"{where}: {atom.describe()} compares a whole-number answer with a fraction"])
        operand = int(operand) if key == "answerInteger" else operand
        single = {"question": target.id, "operator": OPERATORS[atom.test], key: operand}
    else:
        raise ExportError([f"{where}: {atom.describe()} has no enableWhen form"])
    return [single], [single]
