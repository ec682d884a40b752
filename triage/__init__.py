"""triage: a rule-based expert system for knee pain and walking. Not a diagnosis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answers import AnswersError
    from .assessment import Assessment, assess
    from .knowledge import KnowledgeBase, KnowledgeBaseError, load_knowledge_base

__all__ = ["AnswersError", "Assessment", "KnowledgeBase", "KnowledgeBaseError", "assess", "load_knowledge_base"]

# Imported on first use (PEP 562), so that `triage --help` does not load the engine.
_HOME = {
    "AnswersError": "answers",
    "Assessment": "assessment",
    "assess": "assessment",
    "KnowledgeBase": "knowledge",
    "KnowledgeBaseError": "knowledge",
    "load_knowledge_base": "knowledge",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'triage' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value
