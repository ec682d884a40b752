"""The one place experta is imported, with the fix that lets it import on Python 3.10+.

experta 1.9.4 pins frozendict 1.2, which subclasses ``collections.Mapping``; that alias
was removed in Python 3.10. Restoring the alias *before* experta is imported is the whole
fix. Every other module imports experta's names from here, never from experta itself.
"""

# Keep this order: the alias must exist before experta is imported (ruff: per-file-ignores
# in pyproject.toml; isort: skip_file below).
# isort: skip_file
import collections
import collections.abc

if not hasattr(collections, "Mapping"):
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

from experta import AND, AS, OR, P, Fact, KnowledgeEngine, Rule
from experta.abstract import Strategy
from experta.agenda import Agenda
from experta.factlist import FactList
from experta.matchers.rete import ReteMatcher
from experta.matchers.rete.mixins import NoMemory
from experta.matchers.rete.nodes import ConflictSetNode

__all__ = [
    "AND", "AS", "OR", "Agenda", "ConflictSetNode", "Fact", "FactList", "KnowledgeEngine", "NoMemory", "P",
    "ReteMatcher", "Rule", "Strategy",
]  # fmt: skip
