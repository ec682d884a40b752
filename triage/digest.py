"""sha256 for the knowledge base's fingerprint and its cache, without importing hashlib.

Importing ``hashlib`` loads OpenSSL (about 3 ms of a cold start that should take under
120 ms); CPython's own built-in sha256 gives the same digests. Elsewhere, hashlib's.
"""

from __future__ import annotations

try:
    from _sha256 import sha256  # CPython 3.11
except ImportError:  # pragma: no cover - other versions and implementations
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # CPython 3.12+
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

__all__ = ["sha256"]
