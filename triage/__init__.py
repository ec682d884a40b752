"""triage: a rule-based expert system for knee pain and walking. Not a diagnosis."""

from .answers import AnswersError
from .assessment import Assessment, assess
from .knowledge import KnowledgeBase, KnowledgeBaseError, load_knowledge_base

__all__ = ["AnswersError", "Assessment", "KnowledgeBase", "KnowledgeBaseError", "assess", "load_knowledge_base"]
