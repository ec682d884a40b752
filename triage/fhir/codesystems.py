"""Our own CodeSystems (docs/fhir.md), built from the knowledge base, and the server's
CapabilityStatement. Library code: JSON-ready dicts, no I/O.

Every code the FHIR output carries is in one of these: ``yes-no-unsure`` (red-flag yes/no
questions), ``answer-<question id>`` (choice answers), ``disposition``, ``rule``, ``advice``.
New questions, rules and advice appear here as they appear in the knowledge base.
"""

from __future__ import annotations

from typing import Any

from ..kb.records import KnowledgeBase
from .settings import YES_NO_UNSURE, FhirSettings, is_coded, options, settings


def _concepts(kb: KnowledgeBase, name: str) -> list[tuple[str, str, str]] | None:
    """(code, display, definition) of one CodeSystem; None when there is no such one."""
    if name == "yes-no-unsure":
        return [(code, display, "") for code, display in YES_NO_UNSURE]
    if name == "disposition":
        return [(d.id, d.title, d.summary) for d in kb.dispositions]
    if name == "rule":
        return [(r.id, r.title, r.because) for r in kb.rules]
    if name == "advice":
        return [(a.id, a.group, a.text) for a in kb.advice.values()]
    if name.startswith("answer-"):
        question = kb.question_by_id.get(name[len("answer-") :])
        if question is not None and question.type == "choice":
            return [(code, display, "") for code, display in options(question)]
    return None


def code_system_names(kb: KnowledgeBase) -> list[str]:
    choice = [f"answer-{q.id}" for q in kb.questions if is_coded(q) and q.type == "choice"]
    return ["yes-no-unsure", *choice, "disposition", "rule", "advice"]


def resource_id(name: str) -> str:
    """A FHIR id has no "_": answer-knee_surgery is served as answer-knee-surgery (its url keeps the name)."""
    return name.replace("_", "-")


def code_system(kb: KnowledgeBase, name: str) -> dict[str, Any] | None:
    """The CodeSystem called ``name`` (the end of its url) or with that resource id; None if none."""
    by_id = {resource_id(n): n for n in code_system_names(kb)}
    name = by_id.get(name, name)
    concepts = _concepts(kb, name)
    if concepts is None:
        return None
    fhir = settings(kb)
    return {
        "resourceType": "CodeSystem",
        "id": resource_id(name),
        "url": fhir.system(name),
        "version": fhir.version,
        "name": "".join(part.capitalize() for part in name.replace("_", "-").split("-")),
        "title": f"{fhir.text['title']}: {name}",
        "status": "active",
        "experimental": False,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": [
            {"code": code, "display": display, **({"definition": text} if text else {})}
            for code, display, text in concepts
        ],
    }


def _release_date(kb: KnowledgeBase) -> str:
    """The date of this knowledge-base version in its changelog (a fixed date: same bytes every run)."""
    dates = [entry[1] for entry in kb.changelog if entry[0] == kb.version]
    return dates[0] if dates else max((entry[1] for entry in kb.changelog), default="1970-01-01")


def capability_statement(kb: KnowledgeBase, base: str) -> dict[str, Any]:
    """What this server offers under ``base`` (…/fhir): read the Questionnaire and CodeSystems,
    $next-question, and $outcome (a finished QuestionnaireResponse to the outcome Bundle)."""
    fhir: FhirSettings = settings(kb)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": _release_date(kb),
        "publisher": fhir.text["title"],
        "kind": "instance",
        "software": {"name": "triage", "version": kb.version},
        "implementation": {"description": fhir.text["title"], "url": base},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Nothing is stored: every interaction is a read or an operation.",
                "resource": [
                    {
                        "type": "Questionnaire",
                        "interaction": [{"code": "read"}],
                        "operation": [
                            {
                                "name": "next-question",
                                "definition": "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-next-question",
                            }
                        ],
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "operation": [
                            {"name": "outcome", "definition": f"{fhir.canonical}/OperationDefinition/outcome"}
                        ],
                    },
                    {"type": "CodeSystem", "interaction": [{"code": "read"}]},
                ],
            }
        ],
    }
