"""The questionnaire's state in the person's browser: a short-lived, encrypted cookie.

Why a cookie (docs/web.md): every step is Post/Redirect/Get, so each page the person sees is
a GET and the browser's back button shows it again without "Confirm Form Resubmission". The
state cannot go in the URL (answers never do) nor on the server (it stores nothing), so it
travels in a cookie that only this server can read:

- AES-256-GCM (``cryptography``): the browser holds the state but cannot read or change it;
  a changed cookie fails to open and the person is asked to start again;
- the key is made at start (so a restart forgets every questionnaire), or set with
  ``TRIAGE_STATE_KEY`` (64 hex digits) so several machines can share it;
- the sealed text carries the time it was made, and is refused after ``TTL`` seconds;
- a session cookie (gone when the browser closes), ``HttpOnly``, ``SameSite=Strict``,
  ``Secure`` over HTTPS; "Start again" deletes it.

A cookie holds at most 4 KB, so a long state (2,000 characters of notes) is split over up to
``MAX_CHUNKS`` cookies.

The walking-plan check-in (triage/web/checkin_carry.py) seals its own state the same way,
under another cookie name and another ``aad``, so one state can never be read as the other.
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
import time
import zlib
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

COOKIE = "triage-state"
CHUNK = 3_800  # characters per cookie (name and attributes fit in the 4,096-byte limit)
MAX_CHUNKS = 5
TTL = 60 * 60  # seconds: an hour after the last step, the answers are gone
KEY_ENV = "TRIAGE_STATE_KEY"
_AAD = b"triage-state-1"


class SealError(ValueError):
    """The cookie could not be opened: changed, from another key (a restart), or too old."""


def make_key(environ: Mapping[str, str] = os.environ) -> bytes:
    """The key from ``TRIAGE_STATE_KEY`` (64 hex digits), else a new random one."""
    text = environ.get(KEY_ENV, "").strip()
    if not text:
        return AESGCM.generate_key(bit_length=256)
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError(f"{KEY_ENV} must be 64 hexadecimal digits (a 256-bit key)")
    return key


def seal(key: bytes, text: str, *, now: float | None = None, aad: bytes = _AAD) -> str:
    stamp = struct.pack(">Q", int(time.time() if now is None else now))
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, stamp + zlib.compress(text.encode("utf-8"), 9), aad)
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")


def open_sealed(key: bytes, token: str, *, now: float | None = None, aad: bytes = _AAD) -> str:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], aad)
    except (ValueError, binascii.Error, InvalidTag):
        raise SealError("changed or from another key") from None
    (made,) = struct.unpack(">Q", plain[:8])
    age = (time.time() if now is None else now) - made
    if not -60 <= age <= TTL:
        raise SealError("too old")
    try:
        return zlib.decompress(plain[8:]).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        raise SealError("unreadable") from None


def chunk_names(cookie: str = COOKIE) -> list[str]:
    return [cookie if i == 0 else f"{cookie}-{i}" for i in range(MAX_CHUNKS)]


def read_token(cookies: Mapping[str, str], cookie: str = COOKIE) -> str | None:
    """The sealed text from the request's cookies (None when there is none)."""
    parts: list[str] = []
    for name in chunk_names(cookie):
        part = cookies.get(name)
        if not part:
            break
        parts.append(part)
    return "".join(parts) or None


def split_token(token: str) -> list[str]:
    """The cookie values for one sealed text; SealError when it needs too many cookies."""
    parts = [token[i : i + CHUNK] for i in range(0, len(token), CHUNK)]
    if len(parts) > MAX_CHUNKS:
        raise SealError("too long")
    return parts
