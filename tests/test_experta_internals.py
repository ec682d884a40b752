"""The experta internals our speed work relies on are the ones it was written against.

triage/engine/_experta.py replaces a few experta 1.9.4 functions, triage/engine/matcher.py subclasses its
RETE matcher and triage/engine/engine.py overrides ``reset`` and ``run``. If experta changes any of
them (a new release, a local edit), these pins fail, so nobody runs a patch over code it
was not written for. The pins are sha256 prefixes of each function's source.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from triage.engine import _experta  # first: it lets experta import on Python 3.10+
from triage.engine.engine import TriageEngineBase
from triage.engine.matcher import TriageMatcher

PINNED = {
    # replaced by triage/engine/_experta.py
    "Token.copy": "755c71de8cb056da",
    "OneInputNode.activate": "a342e7efc4b44fd1",
    "TwoInputNode.activate_left": "dcfd261193710628",
    "TwoInputNode.activate_right": "674f5ac654d58256",
    "FeatureCheck.__call__": "ab3e65c317b2154f",
    "FeatureTesterNode._activate": "01f5929c3418ff8c",
    "FeatureTesterNode.activate": "a342e7efc4b44fd1",  # inherited from OneInputNode
    # subclassed or overridden (triage/engine/matcher.py, triage/engine/engine.py)
    "ReteMatcher.changes": "ef610eaeb40ca76c",
    "ReteMatcher.reset": "3a3e69d528b38267",
    "ReteMatcher._get_conflict_set_nodes": "55a9e9569fd9adb6",
    "ReteMatcher.prepare_ruleset": "71e2e1abfe9a6280",
    "ReteMatcher.build_network": "9c6d583d5892e2b5",
    "prepare_rule(Rule)": "2bf02a5bb84c30d6",  # triage.engine.matcher.prepared gives its result for rules in DNF
    "dnf(Rule)": "d9cd8445a6ecf543",
    "ConflictSetNode._activate": "5a49462abd655ba8",
    "ConflictSetNode.get_activations": "1e7d5d99859b04d0",
    "BusNode.add": "c7abc83c21932fe0",
    "KnowledgeEngine.reset": "e7d3eec3963bd04b",
    "KnowledgeEngine.run": "39279e7bc3bcee39",
    "KnowledgeEngine.__declare": "95990fea48314ed4",  # TriageEngineBase.start declares the answers as it does
    # plain_fact (triage/engine/_experta.py) skips Fact.__setitem__'s freeze() of plain values
    "Fact.__init__": "6e6014a2150c8a40",
    "Fact.__setitem__": "39daa5f433a91d9b",
    "freeze": "caf807ee873bae51",
}


def current_functions() -> dict[str, Callable[..., Any]]:
    import experta.engine as experta_engine
    import experta.fact as fact
    import experta.matchers.rete as rete
    import experta.matchers.rete.dnf as rete_dnf
    import experta.matchers.rete.nodes as nodes
    import experta.matchers.rete.utils as rete_utils
    import experta.utils as utils
    from experta.rule import Rule

    functions: dict[str, Callable[..., Any]] = dict(_experta.ORIGINALS)
    functions.update(
        {
            "ReteMatcher.changes": rete.ReteMatcher.changes,
            "ReteMatcher.reset": rete.ReteMatcher.reset,
            "ReteMatcher._get_conflict_set_nodes": rete.ReteMatcher._get_conflict_set_nodes,
            "ReteMatcher.prepare_ruleset": rete.ReteMatcher.prepare_ruleset,
            "ReteMatcher.build_network": rete.ReteMatcher.build_network,
            "prepare_rule(Rule)": rete_utils.prepare_rule.registry[Rule],
            "dnf(Rule)": rete_dnf.dnf.registry[Rule],
            "ConflictSetNode._activate": nodes.ConflictSetNode._activate,
            "ConflictSetNode.get_activations": nodes.ConflictSetNode.get_activations,
            "BusNode.add": nodes.BusNode.add,
            "KnowledgeEngine.reset": experta_engine.KnowledgeEngine.reset,
            "KnowledgeEngine.run": experta_engine.KnowledgeEngine.run,
            "KnowledgeEngine.__declare": experta_engine.KnowledgeEngine._KnowledgeEngine__declare,
            "Fact.__init__": fact.Fact.__init__,
            "Fact.__setitem__": fact.Fact.__setitem__,
            "freeze": utils.freeze.registry[object],
        }
    )
    return functions


def pin_mismatches(functions: Mapping[str, Callable[..., Any]]) -> list[str]:
    problems = [f"{name}: not found" for name in PINNED if name not in functions]
    for name, function in functions.items():
        digest = hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]
        if PINNED.get(name) != digest:
            problems.append(f"{name}: source sha256 {digest}, pinned {PINNED.get(name)}")
    return problems


def test_experta_is_the_pinned_version_and_every_patch_is_applied() -> None:
    assert _experta.experta.__version__ == _experta.PATCHED_VERSION == "1.9.4"
    assert set(_experta.ORIGINALS) == set(_experta.PATCHES)
    for owner, attribute, replacement in _experta.PATCHES.values():
        assert getattr(owner, attribute) is replacement


def test_patched_and_subclassed_internals_are_the_pinned_ones() -> None:
    assert pin_mismatches(current_functions()) == []


def test_the_pin_catches_a_changed_function() -> None:
    """Broken copy: experta's FeatureCheck.__call__ swapped for another function."""

    def changed(self: Any, data: Any, is_fact: bool = True) -> Any:
        return self.check(data, self.expected)

    functions = {**current_functions(), "FeatureCheck.__call__": changed}
    assert pin_mismatches(functions) == [
        f"FeatureCheck.__call__: source sha256 {hashlib.sha256(inspect.getsource(changed).encode()).hexdigest()[:16]}, "
        "pinned ab3e65c317b2154f"
    ]


def test_the_triage_engine_uses_the_fast_matcher() -> None:
    assert TriageEngineBase.__matcher__ is TriageMatcher


def test_watchers_still_log_through_the_patches(caplog: pytest.LogCaptureFixture) -> None:
    """The patches skip log calls only when nobody listens: with experta's watchers on,
    matches, node activations and firings are logged as before."""
    from experta import watchers

    from triage import assess

    answers = {"age": 30, "injury": False, "can_bear_weight": True, "foot_cold_numb": False, "calf_swelling": False,
               "locking": "never", "swelling": "none", "warmth": False, "redness": False, "fever": False,
               "knee_surgery": "none", "unexplained_weight_loss": False, "night_pain": False, "giving_way": "never",
               "pain_score": 0, "walking_effect": "no-pain", "calf_pain": False, "breathless": False,
               "breathless_other": False, "blood_thinners": False, "pregnant": False,
               "cancer_history": False}  # fmt: skip
    try:
        watchers.watch("MATCH", "MATCHER", "RULES")
        with caplog.at_level("DEBUG", logger="experta"):
            assert assess(answers).disposition.id == "walk-normally"
    finally:
        watchers.unwatch()
        for name in watchers.ALL:
            getattr(watchers, name).setLevel(0)
    loggers = {record.name for record in caplog.records}
    assert {"experta.watchers.MATCH", "experta.watchers.MATCHER", "experta.watchers.RULES"} <= loggers
    assert any(record.getMessage().startswith("FIRE 1 rule_") for record in caplog.records)


def _shape(element: Any) -> Any:
    if isinstance(element, tuple):  # Rule, AND, OR, NOT
        return (type(element).__name__, tuple(_shape(e) for e in element))
    return (type(element).__name__, dict(element))


def _prepared_pairs(rules: Any) -> list[tuple[Any, Any]]:
    from triage.engine._experta import prepare_rule
    from triage.engine.matcher import prepared

    return [(prepared(rule), prepare_rule(rule)) for rule in rules]


def test_rules_prepared_without_dnf_equal_experta_s() -> None:
    """TriageMatcher.prepare_ruleset skips experta's DNF rewriting for rules already in DNF;
    every rule it builds the network from must be the one experta would have built it from
    (same conditions, same types, same nesting), for the shipped rules and with an OR, a NOT
    and a | constraint that go through experta's own path."""
    from experta import NOT, Rule

    from triage import load_knowledge_base
    from triage.engine._experta import AND, OR, Fact
    from triage.engine.engine import compile_engine_class

    rules = compile_engine_class(load_knowledge_base())().get_rules()
    others = [
        Rule(AND(Fact(a=1), OR(Fact(b=2), Fact(c=3))))(lambda: None),
        Rule(NOT(Fact(a=1)))(lambda: None),
        Rule(Fact(a=1) | Fact(a=2))(lambda: None),
        Rule(Fact(a=1, b=2 | 3 & 4))(lambda: None),  # type: ignore[operator]
    ]
    pairs = _prepared_pairs([*rules, *others])
    assert len(pairs) == len(rules) + 4
    for ours, theirs in pairs:
        assert ours == theirs and hash(ours) == hash(theirs)
        assert _shape(ours) == _shape(theirs)


def test_a_wrong_preparation_fails_the_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mutant: an OR of ANDs passed on unchanged (single-pattern ANDs not unwrapped)."""
    import triage.engine.matcher as matcher
    from triage import load_knowledge_base
    from triage.engine.engine import compile_engine_class

    real = matcher.prepared
    mutant = lambda rule: rule.new_conditions(*rule) if len(rule[0]) > 1 else real(rule)  # noqa: E731
    monkeypatch.setattr(matcher, "prepared", mutant)
    rules = compile_engine_class(load_knowledge_base())().get_rules()
    assert any(_shape(ours) != _shape(theirs) for ours, theirs in _prepared_pairs(rules))


def _network(matcher: Any) -> list[Any]:
    """The matcher's RETE network as plain data: every node once, depth first from the root,
    with its kind, its test, its rule (conflict-set nodes) and its children in order, each
    child named by its position and the input it feeds (left, right, ...)."""
    order: dict[int, int] = {}
    nodes: list[Any] = []
    stack = [matcher.root_node]
    while stack:
        node = stack.pop()
        if id(node) in order:
            continue
        order[id(node)] = len(nodes)
        nodes.append(node)
        stack.extend(child.node for child in reversed(node.children))

    def describe(node: Any) -> Any:
        rule = getattr(node, "rule", None)
        check = repr(getattr(node, "matcher", None))
        if " object at 0x" in check:  # a test with no parameters (SameContextCheck): its kind
            check = type(node.matcher).__name__
        check = re.sub(r"__pattern_\d+__", "__pattern__", check)  # named after id(pattern)
        return (
            type(node).__name__,
            check,
            None if rule is None else (rule._wrapped.__name__, repr(rule)),
            [(order[id(child.node)], child.callback.__name__) for child in node.children],
        )

    return [describe(node) for node in nodes]


def _networks(beta: Callable[..., Any]) -> tuple[list[Any], list[Any]]:
    """Our network, and the same built with experta's own beta wiring (before the dispatch
    nodes are added: both get them alike)."""
    import triage.engine.matcher as matcher
    from triage import load_knowledge_base
    from triage.engine._experta import ReteMatcher
    from triage.engine.engine import compile_engine_class

    engine = compile_engine_class(load_knowledge_base())()

    class Ours(ReteMatcher):
        prepare_ruleset = staticmethod(TriageMatcher.prepare_ruleset)
        build_beta_part = staticmethod(beta)

    class Theirs(Ours):
        build_beta_part = staticmethod(ReteMatcher.build_beta_part)

    assert matcher.TriageMatcher.build_beta_part is not ReteMatcher.build_beta_part
    return _network(Ours(engine)), _network(Theirs(engine))


def test_network_wired_without_singledispatch_is_experta_s() -> None:
    """TriageMatcher.build_beta_part wires AND-of-pattern rules itself; the network must be
    experta's node for node: same kinds, tests, rules, children and inputs, in the same order."""
    ours, theirs = _networks(TriageMatcher.build_beta_part)
    kinds = [node[0] for node in ours]
    assert kinds.count("ConflictSetNode") > 90 and kinds.count("OrdinaryMatchNode") >= 4
    assert ours == theirs


def test_a_wrongly_wired_network_fails_the_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mutant: each join's inputs swapped (the chain so far fed as the right input)."""
    import triage.engine.matcher as matcher

    source = inspect.getsource(matcher._wire_patterns)
    left, right = "join.activate_left", "join.activate_right"
    assert source.count(left) == source.count(right) == 1
    mutant = source.replace(left, "LEFT").replace(right, left).replace("LEFT", right)
    namespace = dict(vars(matcher))
    exec(mutant, namespace)  # the broken copy
    swapped = namespace["_wire_patterns"]

    monkeypatch.setattr(matcher, "_wire_patterns", swapped)
    ours, theirs = _networks(TriageMatcher.build_beta_part)
    assert ours != theirs
