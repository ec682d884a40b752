"""The one place experta is imported: the fix that lets it import on Python 3.10+, and a
few speed patches of its RETE internals.

experta 1.9.4 pins frozendict 1.2, which subclasses ``collections.Mapping``; that alias
was removed in Python 3.10. Restoring the alias *before* experta is imported is the whole
fix. Every other module imports experta's names from here, never from experta itself.

The patches (``_patch_rete``) replace five hot functions of experta 1.9.4 with versions that
do the same thing without the per-call costs that dominated a triage run: a token copy
that re-ran the constructor's ABC assertions on every fact, debug log calls made on every
node activation even with logging off, and the alpha test's path split at every call.
Same results, same log records when experta's watchers are on. They are applied only to
experta 1.9.4; tests/test_experta_internals.py pins the source of every function replaced,
and scripts/experta-tests.sh runs experta's own unit tests with them loaded.
"""

# Keep this order: the alias must exist before experta is imported (ruff: per-file-ignores
# in pyproject.toml; isort: skip_file below).
# isort: skip_file
import collections
import collections.abc

if not hasattr(collections, "Mapping"):
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

import logging
from collections.abc import Mapping
from typing import Any

import experta
from experta import AND, AS, OR, P, Fact, KnowledgeEngine, Rule
from experta.abstract import Strategy
from experta.agenda import Agenda
from experta.factlist import FactList
from experta.matchers.rete import ReteMatcher
from experta.matchers.rete import abstract as _abstract
from experta.matchers.rete import check as _check
from experta.matchers.rete import nodes as _nodes
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, L
from experta.matchers.rete.abstract import Node
from experta.matchers.rete.check import FeatureCheck, SameContextCheck, TypeCheck
from experta.matchers.rete.mixins import AnyChild, ChildNode, NoMemory
from experta.matchers.rete.nodes import ConflictSetNode, FeatureTesterNode, OrdinaryMatchNode
from experta.matchers.rete.token import Token
from experta.matchers.rete.utils import prepare_rule, wire_rule
from experta import watchers
from experta.watchers import MATCH, MATCHER

__all__ = [
    "AND",
    "ANDFC",
    "AS",
    "NOTFC",
    "OR",
    "ORFC",
    "Agenda",
    "AnyChild",
    "ChildNode",
    "ConflictSetNode",
    "Fact",
    "FactList",
    "FeatureCheck",
    "FeatureTesterNode",
    "KnowledgeEngine",
    "L",
    "NoMemory",
    "Node",
    "OrdinaryMatchNode",
    "P",
    "ReteMatcher",
    "Rule",
    "SameContextCheck",
    "Strategy",
    "TypeCheck",
    "prepare_rule",
    "watchers",
    "wire_rule",
]  # fmt: skip

PATCHED_VERSION = "1.9.4"
# name -> the experta function it replaces (kept for the pin test and for unpatching in tests)
ORIGINALS: dict[str, Any] = {}
_DEBUG, _INFO = logging.DEBUG, logging.INFO
_TOKEN_TUPLE_NEW = Token.__mro__[1].__new__  # the namedtuple's own constructor, without the checks


def _token_copy(self: Any) -> Any:
    # Token.copy: the copy of a valid token is valid; skip Token.__new__'s isinstance checks.
    return _TOKEN_TUPLE_NEW(self.__class__, self.tag, self.data.copy(), self.context.copy())


def _matcher_debug_on() -> bool:
    # watchers.worth("MATCHER", "DEBUG"), without the globals() lookup
    return logging.NOTSET < MATCHER.level <= _DEBUG


def _one_input_activate(self: Any, token: Any) -> Any:
    if _matcher_debug_on():
        MATCHER.debug("Node <%s> activated with token %r", self, token)
    return self._activate(_token_copy(token))


def _activate_left(self: Any, token: Any) -> Any:
    if MATCHER.isEnabledFor(_DEBUG):  # what MATCHER.debug() checks first
        MATCHER.debug("Node <%s> activated left with token %r", self, token)
    return self._activate_left(_token_copy(token))


def _activate_right(self: Any, token: Any) -> Any:
    if MATCHER.isEnabledFor(_DEBUG):
        MATCHER.debug("Node <%s> activated right with token %r", self, token)
    return self._activate_right(_token_copy(token))


_PATHS: dict[str, tuple[Any, ...] | None] = {}


def _path(what: str) -> tuple[Any, ...] | None:
    """FeatureCheck's nested accessor ('a__0__b'), split once; None: the key is used as it is."""
    if what not in _PATHS:
        special = what.startswith("__") or what.endswith("__")
        _PATHS[what] = None if special else tuple(int(p) if p.isnumeric() else p for p in what.split("__"))
    return _PATHS[what]


def _feature_check_call(self: Any, data: Any, is_fact: bool = True) -> Any:
    if is_fact:
        what = self.what
        if isinstance(what, str):
            record = data
            path = _path(what)
            if path is not None:
                try:
                    for p in path:
                        record = record[p]
                except (IndexError, KeyError, TypeError):
                    return False
        else:
            try:
                record = data[what]
            except (IndexError, KeyError, TypeError):
                return False
    else:
        record = data
    res = self.check(record, self.expected)
    if MATCH.isEnabledFor(_INFO if res else _DEBUG):
        (MATCH.info if res else MATCH.debug)("what=%r, how=%r, fact=%s = %r", self.what, self.how, data, res)
    return res


def _feature_tester_entry(self: Any, token: Any) -> Any:
    # OneInputNode.activate + FeatureTesterNode._activate in one call (this runs ~100 times per
    # case). experta copies every token on entry; this node changes a token only when its test
    # binds a name, so it copies only then. Nodes downstream copy on entry themselves.
    if logging.NOTSET < MATCHER.level <= _DEBUG:
        MATCHER.debug("Node <%s> activated with token %r", self, token)
    return _feature_tester_activate(self, token)


def _feature_tester_activate(self: Any, token: Any) -> Any:
    if len(token.data) != 1:
        raise ValueError("feature tester nodes take tokens of one fact")
    (fact,) = token.data
    match = self.matcher(fact)
    if match:
        if match is not True and isinstance(match, Mapping):
            token = _token_copy(token)
            context = token.context
            for key, value in match.items():
                if isinstance(key, tuple):  # negated condition
                    if key[1] in context and context[key[1]] == value:
                        return False
                else:
                    if context.get(key, value) != value:
                        return False
                    if (False, key) in context and context[(False, key)] == value:
                        return False
            context.update(match)
        for child in self.children:
            child.callback(token)
    return None


_PLAIN = (str, int, float, bool, type(None))  # what experta's freeze() returns unchanged


def plain_fact(fact_class: type, values: dict[str, Any]) -> Any:
    """``fact_class(**values)`` for plain values (text, numbers, yes/no, None) without a
    singledispatch ``freeze`` per slot, which returns such values unchanged anyway."""
    if experta.__version__ != PATCHED_VERSION or not all(type(v) in _PLAIN for v in values.values()):
        return fact_class(**values)
    fact = fact_class()
    dict.update(fact, values)  # Fact is a dict; Fact.__setitem__ would only freeze() each value
    return fact


PATCHES: dict[str, tuple[Any, str, Any]] = {
    "Token.copy": (Token, "copy", _token_copy),
    "OneInputNode.activate": (_abstract.OneInputNode, "activate", _one_input_activate),
    "TwoInputNode.activate_left": (_abstract.TwoInputNode, "activate_left", _activate_left),
    "TwoInputNode.activate_right": (_abstract.TwoInputNode, "activate_right", _activate_right),
    "FeatureCheck.__call__": (_check.FeatureCheck, "__call__", _feature_check_call),
    "FeatureTesterNode._activate": (_nodes.FeatureTesterNode, "_activate", _feature_tester_activate),
    "FeatureTesterNode.activate": (_nodes.FeatureTesterNode, "activate", _feature_tester_entry),
}


def _patch_rete() -> None:
    if experta.__version__ != PATCHED_VERSION or ORIGINALS:
        return  # another experta: run it as it is (slower, still correct)
    # Every original first: FeatureTesterNode.activate is inherited from a class patched here too.
    ORIGINALS.update({name: getattr(owner, attribute) for name, (owner, attribute, _) in PATCHES.items()})
    for owner, attribute, replacement in PATCHES.values():
        setattr(owner, attribute, replacement)


_patch_rete()
