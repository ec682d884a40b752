"""The parsed knowledge base, cached in the user's cache folder, keyed by its sha256.

Parsing the TOML and building the objects is most of a cold start's loading time; reading
them back from JSON is several times quicker. The cache is plain JSON data (never pickle:
loading it can only build the knowledge base's own immutable records, named in ``TYPES``),
and it is used only when it can be verified:

- the file is owned by this user and writable by nobody else (a foreign file is ignored);
- its format is this one's, it was written by this very loader code (a sha256 of the loading
  modules' source), and its key is the sha256 of the knowledge base files as they are now
  (any change to rules/ gives another key);
- a sha256 of its own payload matches (a corrupt or truncated file is ignored);
- every object in it is one of the known types with exactly its fields.

Otherwise, or on any error, the knowledge base is parsed from TOML as before, and the cache
rewritten (atomically, owner-only). TRIAGE_NO_CACHE=1 turns the cache off; TRIAGE_CACHE_DIR
moves it. Library code writing to a cache folder is the one exception to "no I/O", as for
any loader that caches; nothing else is written.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from .changelog import ChangeEntry
from .conditions import Atom
from .digest import sha256 as new_sha256
from .records import Advice, Citation, Disposition, Headline, KnowledgeBase, Question, Rule, Source

FORMAT = 1
TYPES: dict[str, type] = {
    t.__name__: t
    for t in (Atom, Advice, ChangeEntry, Citation, Disposition, Headline, KnowledgeBase, Question, Rule, Source)
}


_FIELDS = {name: frozenset(t._fields) for name, t in TYPES.items()}  # type: ignore[attr-defined]  # NamedTuples
_INDEXES = frozenset({"question_by_id", "disposition_by_id"})  # rebuilt from the tuples, not stored
_FIELDS["KnowledgeBase"] -= _INDEXES
_LOADER_MODULES = ("records.py", "load.py", "parse.py", "conditions.py", "changelog.py", "cache.py")


def cache_dir() -> Path | None:
    if os.environ.get("TRIAGE_NO_CACHE") == "1":
        return None
    if os.environ.get("TRIAGE_CACHE_DIR"):
        return Path(os.environ["TRIAGE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "triage"


@functools.cache  # the loaded code cannot change in a process: read its files once, not for both read and write
def _code_digest() -> str:
    """The loader's own source: a cache from other loading code is not this one's."""
    digest = new_sha256()
    for name in _LOADER_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _encode(value: Any) -> Any:
    kind = type(value)
    if TYPES.get(kind.__name__) is kind:  # one of the records (before tuple: some are NamedTuples)
        fields = [name for name in kind._fields if name not in _INDEXES]  # type: ignore[attr-defined]
        return {"$": kind.__name__, "f": {name: _encode(getattr(value, name)) for name in fields}}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$s": sorted(_encode(v) for v in value)}
    if isinstance(value, Path):
        return {"$p": str(value)}
    if isinstance(value, dict):
        return {"$d": [[k, _encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


_PLAIN = frozenset({str, int, float, bool, type(None)})  # decoded as they are (most values: tested inline)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$", "f"}:
            kind, fields = value["$"], value["f"]
            if kind not in TYPES or not isinstance(fields, dict) or set(fields) != _FIELDS[kind]:
                raise ValueError(f"unexpected object {kind!r} in the cache")
            made = {k: v if type(v) in _PLAIN else _decode(v) for k, v in fields.items()}
            if kind == "KnowledgeBase":
                made["question_by_id"] = {q.id: q for q in made["questions"]}
                made["disposition_by_id"] = {d.id: d for d in made["dispositions"]}
            return TYPES[kind](**made)
        (tag, items), *rest = value.items()
        if rest or not isinstance(items, list | str):
            raise ValueError("unexpected value in the cache")
        if tag == "$t":
            return tuple(v if type(v) in _PLAIN else _decode(v) for v in items)
        if tag == "$s":
            return frozenset(_decode(v) for v in items)
        if tag == "$p" and isinstance(items, str):
            return Path(items)
        if tag == "$d":
            return {str(k): _decode(v) for k, v in items}
        raise ValueError(f"unexpected tag {tag!r} in the cache")
    if isinstance(value, list):
        raise ValueError("unexpected list in the cache")
    return value


def _path(sha256: str) -> Path | None:
    """One file per knowledge base and loader code: two versions of triage used by one person
    (an installed one and a checkout) would otherwise overwrite each other's file every run."""
    folder = cache_dir()
    return folder / f"kb-{sha256}-{_code_digest()[:16]}.json" if folder else None


def read_cached(root: Path, sha256: str) -> KnowledgeBase | None:
    """The cached knowledge base for these files, or None if there is none we can trust."""
    path = _path(sha256)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None  # another user's file, or one others could have changed
            header, payload = handle.read().split(b"\n", 1)  # a header line, then the payload
        data = json.loads(header)
        digest = new_sha256(payload).hexdigest()
        if (data["format"], data["code"], data["sha256"], data["root"], data["digest"]) != (
            FORMAT,
            _code_digest(),
            sha256,
            str(root),
            digest,
        ):
            return None
        kb = _decode(json.loads(payload))
    except Exception:  # unreadable, corrupt or foreign: parse the TOML instead
        return None
    if not isinstance(kb, KnowledgeBase) or kb.sha256 != sha256 or kb.root != root:
        return None
    return kb


def write_cached(kb: KnowledgeBase) -> None:
    """Best effort: a cache that cannot be written is simply not there next time."""
    path = _path(kb.sha256)
    if path is None:
        return
    try:
        from ..io.files import write_atomic

        payload = json.dumps(_encode(kb), ensure_ascii=False).encode()
        digest = new_sha256(payload).hexdigest()
        header = {"format": FORMAT, "code": _code_digest(), "sha256": kb.sha256, "root": str(kb.root), "digest": digest}
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, json.dumps(header).encode() + b"\n" + payload, private=True)
    except (OSError, TypeError, ValueError):
        pass
