"""Where the knowledge base is loaded from: the shipped rules/, TRIAGE_KB or a folder given,
parsed (parse.py) or, for the shipped one, restored from the on-disk cache (cache.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .digest import fingerprint
from .paths import knowledge_base_dir, rules_dir
from .records import KnowledgeBase


def load_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """Load and cache a knowledge base: ``root``, else TRIAGE_KB, else the shipped one (paths.py)."""
    return _load(Path(root).resolve() if root else knowledge_base_dir())


@cache
def _load(root: Path) -> KnowledgeBase:
    if root != rules_dir().resolve():
        return _parse(root)
    # The shipped knowledge base is also cached parsed, on disk, keyed by its sha256 (cache.py).
    from .cache import read_cached, write_cached

    kb = read_cached(root, fingerprint(root))
    if kb is None:
        kb = _parse(root)
        write_cached(kb)
    return kb


def _parse(root: Path) -> KnowledgeBase:
    from .parse import Parser  # only when parsing: a cached knowledge base needs no TOML

    return Parser(root).load()
