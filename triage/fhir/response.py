"""QuestionnaireResponse out of an answers object, and answers out of a QuestionnaireResponse.

Reading is as strict as reading an answers file, and ends in the same validator: unknown
linkIds, wrong answer types, several answers, another questionnaire or version are listed
problems (AnswersError). Which questions were asked is worked out again from the answers,
whatever the client showed; a missing red-flag answer is "required", never a "no".
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..answers import AnswersError, ValidAnswers, missing_required, shown, shown_key, validate
from ..early_stop import RECORD_KEY, split_record
from ..kb.records import KnowledgeBase, Question
from .questionnaire import NOTICE_LINK
from .settings import VALUE_KEYS, FhirSettings, answer_system, code_to_value, coding, item_type, options, settings
from .stop import read_stop, stop_extension

READABLE_STATUSES = ("completed", "amended", "in-progress")


def build_response(kb: KnowledgeBase, answers: Mapping[str, Any], *, status: str | None = None) -> dict[str, Any]:
    """The QuestionnaireResponse for valid answers: only questions asked, in order.

    Status is "completed" when every required question is answered, else "in-progress".
    An answers file that stopped early (its ``stopped_early`` record, checked as ``assess``
    checks it) is "completed" with the stopped-early extension (triage/fhir/stop.py).
    Raises AnswersError if the answers are invalid even as a partial set.
    """
    raw, record = split_record(dict(answers))
    if record is not None:
        from ..assessment import assess

        assessment = assess({**raw, RECORD_KEY: record}, kb=kb)  # AnswersError when the stop is not justified
        valid = ValidAnswers(assessment.answers, assessment.warnings)
        return response_for(kb, valid, status=status or "completed", stop=record)
    return response_for(kb, validate(raw, kb, partial=True), status=status)


def response_for(
    kb: KnowledgeBase, valid: ValidAnswers, *, status: str | None = None, stop: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``build_response`` for answers already validated (partial), so they are not validated again.
    ``stop``: the early-stop record, written as the stopped-early extension."""
    if status is None:
        # As validate() without partial would decide: every required question asked is answered.
        status = "in-progress" if missing_required(kb, valid.answers) else "completed"
    fhir = settings(kb)
    items = [answer_item(fhir, q, valid.answers[q.id]) for q in kb.questions if q.id in valid.answers]
    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if stop is not None:
        resource["extension"] = [stop_extension(kb, fhir, stop)]
    resource.update({"questionnaire": f"{fhir.questionnaire_url}|{fhir.version}", "status": status, "item": items})
    return resource


def answer_item(fhir: FhirSettings, question: Question, value: Any) -> dict[str, Any]:
    key = VALUE_KEYS[item_type(question)]
    answer = coding(fhir, question, value) if key == "valueCoding" else value
    return {"linkId": question.id, "text": question.text, "answer": [{key: answer}]}


def read_response(kb: KnowledgeBase, resource: Any, *, partial: bool = False, header: bool = True) -> dict[str, Any]:
    """The answers object in a QuestionnaireResponse; AnswersError lists every problem.

    The answers are typed but not yet validated as a whole: pass them to assess(), which
    re-evaluates who is asked what and reports missing required answers (unless
    ``partial``). ``header=False`` leaves the questionnaire reference and status to the caller.
    A stopped-early extension gives the answers file's ``stopped_early`` record.
    """
    fhir = settings(kb)
    problems = _check_header(fhir, resource) if header else []
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        raise AnswersError(problems or ["resourceType: expected QuestionnaireResponse"])  # not one at all: stop here
    record, stop_problems = read_stop(kb, fhir, resource)
    problems += stop_problems
    answers: dict[str, Any] = {}
    failed: set[str] = set()
    seen: set[str] = set()
    for where, item in _items(resource, problems):
        link = item.get("linkId")
        if not isinstance(link, str):
            problems.append(f"{where}: linkId missing or not text")
            continue
        question = kb.question_by_id.get(link)
        if question is None:
            echoed = link == NOTICE_LINK or (link.endswith(".help") and link[: -len(".help")] in kb.question_by_id)
            if echoed and not item.get("answer"):
                continue  # a help text or the disclaimer echoed back, no answer: nothing to read
            close = difflib.get_close_matches(link, kb.question_by_id, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(f"{shown_key(link)}: unknown question (linkId){hint}")
            continue
        if link in seen:
            problems.append(f"{link}: answered more than once")
            failed.add(link)
            continue
        seen.add(link)
        value, problem = _answer_value(fhir, question, item.get("answer"))
        if problem:
            problems.append(f"{link}: {problem}")
            failed.add(link)
        elif value is not _NO_ANSWER:
            answers[link] = value
    if problems:
        # Also list what the validator would say about the rest, except "required" for the
        # questions whose answers were just reported as unreadable.
        try:
            validate(answers, kb, partial=partial or record is not None)
        except AnswersError as error:
            problems += [p for p in error.problems if p.split(":", 1)[0] not in failed]
        raise AnswersError(problems)
    if record is not None:
        answers[RECORD_KEY] = record
    return answers


_NO_ANSWER = object()


def _check_header(fhir: FhirSettings, resource: Any) -> list[str]:
    if not isinstance(resource, dict):
        return [f"a QuestionnaireResponse is one JSON object, not {type(resource).__name__}"]
    problems = []
    kind = resource.get("resourceType")
    if kind != "QuestionnaireResponse":
        hint = " (an answers file, not a QuestionnaireResponse?)" if kind is None else ""
        problems.append(f"resourceType: expected QuestionnaireResponse, got {shown(kind)}{hint}")
    reference = resource.get("questionnaire")
    if isinstance(reference, str) and reference.startswith("#"):
        problems += _check_contained(fhir, resource, reference[1:])  # a $next-question response, read back
    elif not isinstance(reference, str):
        problems.append(f"questionnaire: missing; expected {fhir.questionnaire_url}|{fhir.version}")
    else:
        url, _, version = reference.partition("|")
        if url != fhir.questionnaire_url:
            expected = fhir.questionnaire_url
            problems.append(f"questionnaire: {shown_key(reference)} is another questionnaire; expected {expected}")
        elif version and version != fhir.version:
            mine = fhir.version
            problems.append(f"questionnaire: version {shown_key(version)} is not this knowledge base's version {mine}")
    status = resource.get("status")
    if status not in READABLE_STATUSES:
        problems.append(
            f"status: {shown(status)} cannot be assessed; expected one of {', '.join(READABLE_STATUSES)}"
        )
    return problems


def _check_contained(fhir: FhirSettings, resource: dict[str, Any], local: str) -> list[str]:
    """A reference to a contained Questionnaire is ours when that one carries our url and version."""
    contained = resource.get("contained")
    contained = contained if isinstance(contained, list) else []
    found = [r for r in contained if isinstance(r, dict) and r.get("id") == local]
    if len(found) != 1 or found[0].get("resourceType") != "Questionnaire":
        return [f"questionnaire: no contained Questionnaire with id {json.dumps(local)}"]
    url, version = found[0].get("url"), found[0].get("version")
    if url != fhir.questionnaire_url:
        return [f"questionnaire: contained Questionnaire {url} is another one; expected {fhir.questionnaire_url}"]
    if version not in (None, fhir.version):
        return [f"questionnaire: version {version} is not this knowledge base's version {fhir.version}"]
    return []


def _items(resource: Any, problems: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every item, depth first; groups (items holding items) are looked into."""
    if not isinstance(resource, dict):
        return
    stack = [("item", resource.get("item", []))]
    while stack:
        where, items = stack.pop(0)
        if not isinstance(items, list):
            problems.append(f"{where}: expected a list of items")
            continue
        for index, item in enumerate(items):
            here = f"{where}[{index}]"
            if not isinstance(item, dict):
                problems.append(f"{here}: expected an object")
                continue
            if "item" in item:
                stack.append((f"{here}.item", item["item"]))
            answers = item.get("answer")
            for n, answer in enumerate(answers if isinstance(answers, list) else []):
                if isinstance(answer, dict) and "item" in answer:
                    stack.append((f"{here}.answer[{n}].item", answer["item"]))
            if "answer" in item or not isinstance(item.get("item"), list):
                yield here, item


def _answer_value(fhir: FhirSettings, question: Question, answers: Any) -> tuple[Any, str | None]:
    if answers is None or answers == []:
        return _NO_ANSWER, None
    if not isinstance(answers, list):
        return None, "answer must be a list"
    if len(answers) > 1:
        return None, f"{len(answers)} answers given; this question takes one"
    answer = answers[0]
    values = {k: v for k, v in answer.items() if k.startswith("value")} if isinstance(answer, dict) else {}
    expected = VALUE_KEYS[item_type(question)]
    if len(values) != 1:
        return None, f"the answer needs exactly one value ({expected})"
    key, value = next(iter(values.items()))
    if key != expected:
        return None, f"expected {expected}, got {shown_key(key)}"
    if key != "valueCoding":
        return value, None  # the answers validator checks range and type of the value itself
    if not isinstance(value, dict) or not isinstance(value.get("code"), str):
        return None, "valueCoding needs a code"
    system = answer_system(fhir, question)
    if value.get("system", system) != system:
        return None, f"code system {value.get('system')} is not {system}"
    codes = [code for code, _ in options(question)]
    if value["code"] not in codes:
        return None, f"{json.dumps(value['code'])} is not one of {', '.join(codes)}"
    return code_to_value(question, value["code"]), None
