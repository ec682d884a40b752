"""An early stop in a QuestionnaireResponse: one extension, written and read (docs/fhir.md).

When the questions stop early (triage/early_stop.py), the answers lack required questions on
purpose. The QuestionnaireResponse says so with our extension
``<canonical>/StructureDefinition/stopped-early``::

    {"url": ".../StructureDefinition/stopped-early", "extension": [
        {"url": "disposition", "valueCoding": {"system": ".../CodeSystem/disposition", "code": "emergency", ...}},
        {"url": "because", "valueCoding": {"system": ".../CodeSystem/rule", "code": "RF-VASCULAR", ...}},
        {"url": "reason", "valueString": "The questions stopped early: ..."}]}

Its status is ``completed`` (the questionnaire is over). Reading it back gives the answers
file's ``stopped_early`` record, which ``assess`` checks as for a file: the answers must still
justify the stop, and only the questions it would not have asked may be missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..early_stop import make_record
from ..kb.records import KnowledgeBase
from .settings import FhirSettings


def stop_url(fhir: FhirSettings) -> str:
    return f"{fhir.canonical}/StructureDefinition/stopped-early"


def stop_extension(kb: KnowledgeBase, fhir: FhirSettings, record: Mapping[str, Any]) -> dict[str, Any]:
    """The extension for an answers file's ``stopped_early`` record (already checked)."""
    disposition = kb.disposition_by_id[record["disposition"]]
    parts: list[dict[str, Any]] = [
        {
            "url": "disposition",
            "valueCoding": {"system": fhir.system("disposition"), "code": disposition.id, "display": disposition.title},
        }
    ]
    rules = {rule.id: rule for rule in kb.rules}
    for rule_id in record.get("because", []):
        coded = {"system": fhir.system("rule"), "code": rule_id}
        if rule_id in rules:
            coded["display"] = rules[rule_id].title
        parts.append({"url": "because", "valueCoding": coded})
    if isinstance(record.get("reason"), str):
        parts.append({"url": "reason", "valueString": record["reason"]})
    return {"url": stop_url(fhir), "extension": parts}


def read_stop(kb: KnowledgeBase, fhir: FhirSettings, resource: Mapping[str, Any]) -> tuple[dict | None, list[str]]:
    """(the ``stopped_early`` record, problems) from a response's extensions; (None, []) if none."""
    extensions = resource.get("extension", [])
    if not isinstance(extensions, list):
        return None, ["extension: expected a list"]
    found = [e for e in extensions if isinstance(e, dict) and e.get("url") == stop_url(fhir)]
    if not found:
        return None, []
    if len(found) > 1:
        return None, ["extension stopped-early: given more than once"]
    parts = found[0].get("extension")
    parts = [p for p in parts if isinstance(p, dict)] if isinstance(parts, list) else []
    codes = {"disposition": [], "because": []}
    for part in parts:
        coding = part.get("valueCoding")
        if part.get("url") in codes and isinstance(coding, dict) and isinstance(coding.get("code"), str):
            system = fhir.system("disposition" if part["url"] == "disposition" else "rule")
            if coding.get("system", system) != system:
                wrong = coding.get("system")
                return None, [f"extension stopped-early: {part['url']}: code system {wrong} is not {system}"]
            codes[part["url"]].append(coding["code"])
    if len(codes["disposition"]) != 1:
        return None, ["extension stopped-early: expected one disposition (valueCoding)"]
    disposition = codes["disposition"][0]
    if disposition not in kb.disposition_by_id:
        return None, [f"extension stopped-early: unknown disposition {disposition!r}"]
    return make_record(kb, disposition, tuple(codes["because"])), []
