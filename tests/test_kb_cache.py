"""The parsed-knowledge-base cache: used when verified, ignored (and rebuilt) otherwise."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from triage.kb import cache as kb_cache
from triage.kb.digest import fingerprint
from triage.kb.load import _load, load_knowledge_base
from triage.kb.parse import Parser
from triage.kb.paths import rules_dir

ROOT = rules_dir()
SHA = fingerprint(ROOT)
FRESH = Parser(ROOT).load()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRIAGE_CACHE_DIR", str(tmp_path))
    _load.cache_clear()
    yield tmp_path / f"kb-{SHA}-{kb_cache._code_digest()[:16]}.json"
    _load.cache_clear()


def test_round_trip_gives_the_same_knowledge_base(cache: Path) -> None:
    assert kb_cache.read_cached(ROOT, SHA) is None
    assert load_knowledge_base() == FRESH  # parsed, then written
    assert cache.exists() and (cache.stat().st_mode & 0o777) == 0o600
    cached = kb_cache.read_cached(ROOT, SHA)
    assert cached == FRESH
    assert all(cached.question_by_id[q.id] is q for q in cached.questions)  # one object per question


def _rewrite(cache: Path, edit) -> None:
    header, payload = cache.read_bytes().split(b"\n", 1)
    header, payload = edit(header, payload)
    cache.write_bytes(header + b"\n" + payload)
    os.chmod(cache, 0o600)


def _header(**changes) -> callable:
    def edit(header: bytes, payload: bytes) -> tuple[bytes, bytes]:
        return json.dumps({**json.loads(header), **changes}).encode(), payload

    return edit


@pytest.mark.parametrize(
    ("what", "edit"),
    [
        ("truncated", lambda h, p: (h, p[: len(p) // 2])),
        ("a changed word in a rule, still valid JSON", lambda h, p: (h, p.replace(b"emergency", b"walk-normally", 1))),
        ("another knowledge base's key", _header(sha256="0" * 64)),
        ("another loader's code", _header(code="0" * 64)),
        ("another format", _header(format=99)),
        ("not JSON at all", lambda h, p: (b"\x80\x81", p)),
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored(cache: Path, what: str, edit) -> None:
    load_knowledge_base()
    _rewrite(cache, edit)
    assert kb_cache.read_cached(ROOT, SHA) is None, what
    _load.cache_clear()
    assert load_knowledge_base() == FRESH  # parsed again, and the cache rewritten
    assert kb_cache.read_cached(ROOT, SHA) == FRESH


def test_an_object_of_an_unknown_type_is_refused_even_with_a_good_digest(cache: Path) -> None:
    load_knowledge_base()

    def smuggle(header: bytes, payload: bytes) -> tuple[bytes, bytes]:
        payload = payload.replace(b'"$": "Citation"', b'"$": "Popen"', 1)
        import hashlib

        return json.dumps({**json.loads(header), "digest": hashlib.sha256(payload).hexdigest()}).encode(), payload

    _rewrite(cache, smuggle)
    with pytest.raises(ValueError, match="unexpected object 'Popen'"):
        kb_cache._decode(json.loads(cache.read_bytes().split(b"\n", 1)[1]))
    assert kb_cache.read_cached(ROOT, SHA) is None


def test_a_file_others_can_write_is_ignored(cache: Path) -> None:
    load_knowledge_base()
    os.chmod(cache, 0o666)
    assert kb_cache.read_cached(ROOT, SHA) is None


def test_no_cache_when_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_NO_CACHE", "1")
    assert load_knowledge_base() == FRESH
    assert not cache.parent.exists() or not any(cache.parent.iterdir())


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("TRIAGE_CACHE_DIR", str(blocker / "sub"))  # a folder inside a file
    _load.cache_clear()
    try:
        assert load_knowledge_base() == FRESH
    finally:
        _load.cache_clear()


def test_a_knowledge_base_elsewhere_is_never_cached(cache: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "rules-copy"
    shutil.copytree(ROOT, copy)
    assert load_knowledge_base(copy).sha256 == SHA
    assert not cache.exists()


def test_two_versions_of_the_loader_keep_a_file_each(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed triage and a checkout with other loader code do not overwrite each
    other's cache (each would otherwise parse the TOML again at every start)."""
    load_knowledge_base()
    assert kb_cache.read_cached(ROOT, SHA) == FRESH
    with monkeypatch.context() as other:
        other.setattr(kb_cache, "_code_digest", lambda: "f" * 64)  # the other version
        assert kb_cache.read_cached(ROOT, SHA) is None
        kb_cache.write_cached(FRESH)
        assert kb_cache.read_cached(ROOT, SHA) == FRESH
    assert kb_cache.read_cached(ROOT, SHA) == FRESH  # the first file is still there and still ours
    assert len(list(cache.parent.glob("kb-*.json"))) == 2
