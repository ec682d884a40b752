"""The FHIR part of `triage rules check`: the settings, and that the Questionnaire can be made."""

from __future__ import annotations

from ..kb.records import KnowledgeBase
from .questionnaire import ExportError, build_questionnaire
from .settings import check_fhir_settings


def check_fhir(kb: KnowledgeBase) -> list[str]:
    problems = [f"fhir: {p}" for p in check_fhir_settings(kb)]
    try:
        build_questionnaire(kb)
    except ExportError as error:
        problems += [f"fhir: {p}" for p in error.problems]
    return problems
