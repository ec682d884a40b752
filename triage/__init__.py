"""triage: a rule-based expert system for knee pain and walking. Not a diagnosis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answers import AnswersError
    from .assessment import Assessment, assess
    from .kb.load import load_knowledge_base
    from .kb.records import KnowledgeBase, KnowledgeBaseError

__all__ = ["AnswersError", "Assessment", "KnowledgeBase", "KnowledgeBaseError", "assess", "load_knowledge_base"]

# Imported on first use (PEP 562), so that `triage --help` does not load the engine.
_HOME = {
    "AnswersError": "answers",
    "Assessment": "assessment",
    "assess": "assessment",
    "KnowledgeBase": "kb.records",
    "KnowledgeBaseError": "kb.records",
    "load_knowledge_base": "kb.load",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'triage' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value
