"""A RETE matcher for the triage engine: experta's own network, asked less often.

experta's ``ReteMatcher.changes`` asks every conflict-set node (one per rule alternative)
for new activations after every change of working memory, and ``reset`` walks the whole
network, shared nodes once per parent. With one node per OR alternative that polling grows
with the square of the rule base. This subclass builds the very same network and only:

- notes which conflict-set nodes received a token, and polls only those, in experta's own
  order (so the activations arrive in the same order and the trace is unchanged);
- on reset, wipes only the nodes that hold memory, each once.

It relies on three names of experta's RETE package (``ConflictSetNode``, the ``NoMemory``
mixin, ``_get_conflict_set_nodes``); tests/test_experta_internals.py pins them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ._experta import ConflictSetNode, NoMemory, ReteMatcher


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


class TriageMatcher(ReteMatcher):
    def __init__(self, engine: Any) -> None:
        super().__init__(engine)  # builds the network
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
