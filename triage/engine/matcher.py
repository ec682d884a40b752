"""A RETE matcher for the triage engine: experta's own network, asked less often.

experta's ``ReteMatcher.changes`` asks every conflict-set node (one per rule alternative)
for new activations after every change of working memory, and ``reset`` walks the whole
network, shared nodes once per parent. With one node per OR alternative that polling grows
with the square of the rule base. This subclass builds the very same network and only:

- notes which conflict-set nodes received a token, and polls only those, in experta's own
  order (so the activations arrive in the same order and the trace is unchanged);
- on reset, wipes only the nodes that hold memory, each once;
- where a node has many children testing one field for equality with a constant (each
  ``Finding(name=...)`` pattern is one), puts a dispatch node in front of them that looks the
  fact's value up in a dict and passes the token only to the children with that constant.
  Without it every finding was tested against every finding name: quadratic in the rules.
- prepares rules that are already in the shape experta's network wants (an AND of patterns,
  or an OR of such ANDs, with plain constraints) without experta's rewriting to disjunctive
  normal form, which repeats until nothing changes and copies every pattern (about 12 ms of a
  cold start); any other rule goes through experta's ``prepare_rule``. A test checks the
  result equals experta's for every rule.
- wires the beta part of such rules (a chain of two-input join nodes, as experta's
  ``wire_rule`` builds it) without creating a ``singledispatch`` function with eight
  registrations for every rule alternative (about 7 ms of a cold start); any other shape goes
  through experta's ``wire_rule``. A test checks the network is node for node experta's.

It relies on a few names of experta's RETE package (``ConflictSetNode``, ``FeatureTesterNode``,
``FeatureCheck``, ``ChildNode``, the ``NoMemory`` mixin, ``_get_conflict_set_nodes``);
tests/test_experta_internals.py pins them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ._experta import AND as ExpertaAND
from ._experta import (
    ANDFC,
    NOTFC,
    ORFC,
    AnyChild,
    ChildNode,
    ConflictSetNode,
    FeatureCheck,
    FeatureTesterNode,
    L,
    Node,
    NoMemory,
    OrdinaryMatchNode,
    ReteMatcher,
    SameContextCheck,
    TypeCheck,
    prepare_rule,
    wire_rule,
)
from ._experta import OR as ExpertaOR
from ._experta import Fact as ExpertaFact
from ._experta import Rule as ExpertaRule

DISPATCH_FROM = 4  # children testing one field; below this a plain scan is as quick


def _walk(root: Any) -> Iterator[Any]:
    """Every node below root, each once, depth first in children order."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(child.node for child in reversed(node.children))


TYPE = "__type__"  # the dispatch key for type tests (a fact's own key can never be this)


def _equality_field(node: Any) -> str | None:
    """The field a node tests for equality with a constant (no binding), TYPE for a type
    test, else None."""
    check = getattr(node, "matcher", None)
    if not isinstance(node, FeatureTesterNode):
        return None
    if isinstance(check, TypeCheck):
        return TYPE
    if not isinstance(check, FeatureCheck):
        return None
    what, how = check.what, check.how
    if isinstance(how, L) and how.__bind__ is None and isinstance(what, str) and "__" not in what:
        return what
    return None


def _constant(check: Any) -> Any:
    return check.fact_type if isinstance(check, TypeCheck) else check.how.value


class DispatchNode(AnyChild, NoMemory, Node):
    """Stands for sibling nodes that test ``fact[field] == constant``: only the ones whose
    constant equals the fact's value get the token (and they still run their own test)."""

    def __init__(self, field: str, children: list[Any]) -> None:
        super().__init__()
        self.field = field
        self.children = children
        self.table: dict[Any, list[Any]] = {}
        for child in children:
            self.table.setdefault(_constant(child.node.matcher), []).append(child)

    def activate(self, token: Any) -> None:
        (fact,) = token.data
        try:
            value = type(fact) if self.field == TYPE else fact[self.field]
        except (KeyError, IndexError, TypeError):
            return  # no such field: every one of these tests fails
        try:
            children = self.table.get(value, ())
        except TypeError:  # unhashable value: ask every child
            children = self.children
        for child in children:
            child.callback(token)


def _add_dispatch(node: Any) -> None:
    groups: dict[str, list[Any]] = {}
    for child in node.children:
        field = _equality_field(child.node)
        if field is not None:
            groups.setdefault(field, []).append(child)
    for field, members in groups.items():
        if len(members) < (2 if field == TYPE else DISPATCH_FROM):
            continue
        dispatch = DispatchNode(field, members)
        first = node.children.index(members[0])
        rest = [c for c in node.children if c not in members]
        node.children = [*rest[:first], ChildNode(dispatch, dispatch.activate), *rest[first:]]


def _plain_pattern(element: Any) -> bool:
    # A pattern with no &, | or ~ among its constraints: experta's DNF leaves it as it is.
    return isinstance(element, ExpertaFact) and not any(isinstance(v, (ANDFC, ORFC, NOTFC)) for v in element.values())


def _plain_and(element: Any) -> bool:
    return type(element) is ExpertaAND and len(element) > 0 and all(_plain_pattern(e) for e in element)


def prepared(rule: Any) -> Any:
    """experta's ``prepare_rule(rule)``, without its rewriting where the rule is already in DNF."""
    if len(rule) == 1 and _plain_and(rule[0]):
        return rule.new_conditions(*rule[0])  # Rule(AND(a, b)) -> Rule(a, b)
    if len(rule) == 1 and type(rule[0]) is ExpertaOR and len(rule[0]) > 1 and all(_plain_and(e) for e in rule[0]):
        # Rule(OR(AND(a), AND(b, c))) -> Rule(OR(a, AND(b, c)))
        return rule.new_conditions(ExpertaOR(*(e[0] if len(e) == 1 else e for e in rule[0])))
    return prepare_rule(rule)


def _wire_patterns(rule: Any, alpha_terminals: dict[Any, Any], lhs: Any) -> bool:
    """experta's ``wire_rule(rule, alpha_terminals, lhs)`` where lhs is one pattern or an AND
    of patterns: the first pattern's alpha node, then one join per further pattern (left: the
    chain so far, right: that pattern's alpha node), then the rule's conflict-set node. The
    children are added in experta's order, so activations arrive in the same order. False (and
    nothing built) for any other shape."""
    if isinstance(lhs, ExpertaFact):
        patterns: tuple[Any, ...] = (lhs,)
    elif isinstance(lhs, ExpertaRule | ExpertaAND) and len(lhs) > 0 and all(isinstance(e, ExpertaFact) for e in lhs):
        patterns = tuple(lhs)
    else:
        return False
    current = alpha_terminals[patterns[0]]
    for pattern in patterns[1:]:
        join = OrdinaryMatchNode(SameContextCheck())
        current.add_child(join, join.activate_left)
        alpha_terminals[pattern].add_child(join, join.activate_right)
        current = join
    conflict_set_node = ConflictSetNode(rule)
    current.add_child(conflict_set_node, conflict_set_node.activate)
    return True


class TriageMatcher(ReteMatcher):
    @staticmethod
    def prepare_ruleset(engine: Any) -> set[Any]:
        return {prepared(rule) for rule in engine.get_rules()}

    @staticmethod
    def build_beta_part(ruleset: set[Any], alpha_terminals: dict[Any, Any]) -> None:
        """experta's ``build_beta_part``, each alternative wired by ``_wire_patterns`` where it can."""
        for rule in ruleset:
            for lhs in rule[0] if isinstance(rule[0], ExpertaOR) else (rule,):
                if not _wire_patterns(rule, alpha_terminals, lhs):
                    wire_rule(rule, alpha_terminals, lhs=lhs)

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)  # builds the network
        for node in list(_walk(self.root_node)):
            _add_dispatch(node)
        self._csn_order = {id(node): i for i, node in enumerate(self._get_conflict_set_nodes())}
        self._dirty: set[int] = set()
        self._memory_nodes: list[Any] = []
        csns: dict[int, Any] = {}
        for node in _walk(self.root_node):
            if type(node)._reset is not NoMemory._reset:
                self._memory_nodes.append(node)
            if isinstance(node, ConflictSetNode):
                csns[self._csn_order[id(node)]] = node
                node._activate = self._tracked(node._activate, self._csn_order[id(node)])
        self._csns = [csns[i] for i in range(len(csns))]

    def _tracked(self, activate: Callable[[Any], None], index: int) -> Callable[[Any], None]:
        dirty = self._dirty

        def tracked_activate(token: Any) -> None:
            dirty.add(index)
            activate(token)

        return tracked_activate

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        root = self.root_node
        for fact in deleting or ():
            root.remove(fact)
        for fact in adding or ():
            root.add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        if self._dirty:
            csns = self._csns
            for index in sorted(self._dirty):
                c_added, c_removed = csns[index].get_activations()
                added.extend(c_added)
                removed.extend(c_removed)
            self._dirty.clear()
        return added, removed

    def reset(self) -> None:
        for node in self._memory_nodes:
            node._reset()
