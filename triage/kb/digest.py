"""The knowledge base's fingerprint, and sha256 for it and its cache without importing hashlib.

Importing ``hashlib`` loads OpenSSL (about 3 ms of a cold start that should take under
120 ms); CPython's own built-in sha256 gives the same digests. Elsewhere, hashlib's.
"""

from __future__ import annotations

from pathlib import Path

try:
    from _sha256 import sha256  # CPython 3.11
except ImportError:  # pragma: no cover - other versions and implementations
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # CPython 3.12+
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

__all__ = ["fingerprint", "sha256"]


def fingerprint(root: Path) -> str:
    """sha256 over every file of the knowledge base, by relative path, in a fixed order."""
    digest = sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".toml", ".txt")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
