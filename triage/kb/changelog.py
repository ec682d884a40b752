"""Knowledge-base versions and the changelog (``[[changelog]]`` in rules/knowledge-base.toml).

Each version has one entry: what changed, why, which policy line, and the ids it added,
changed and retired. The ``added`` lists together are the registry of every rule and
advice id ever used, so `triage rules check` can tell a deleted rule or a reused id from a
new one (see docs/changing-rules.md). Parsing here is lenient; triage/governance/metadata.py judges.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

STATUSES = ("draft", "active", "retired")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")


class ChangeEntry(NamedTuple):  # a NamedTuple for a quick start, as in records.py
    version: str
    date: str | None
    what: str
    why: str
    policy: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return (*self.added, *self.changed, *self.retired)


def version_key(version: str) -> tuple[int, ...] | None:
    """'1.10.0' -> (1, 10, 0), ordered numerically; None if it is not a version number."""
    if not isinstance(version, str) or not _VERSION.match(version):
        return None
    parts = tuple(int(p) for p in version.split("."))
    return parts + (0,) * (4 - len(parts))


def as_date(value: Any) -> str | None:
    """A TOML date (2026-11-22) or an ISO date string, as 'YYYY-MM-DD'; None if neither."""
    if isinstance(value, dt.datetime):
        return None  # a date and time: not a review date
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def parse_changelog(items: list[dict[str, Any]]) -> tuple[tuple[ChangeEntry, ...], list[str]]:
    """The entries as given (problems of shape are returned, not raised)."""
    entries: list[ChangeEntry] = []
    problems: list[str] = []
    for n, item in enumerate(items, 1):
        where = f"changelog entry {n} ({item.get('version', '?')})"
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("added", "changed", "retired"):
            value = item.get(key, [])
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problems.append(f"{where}: '{key}' should be a list of ids")
                value = []
            lists[key] = tuple(value)
        texts = {key: item.get(key, "") for key in ("version", "what", "why", "policy")}
        for key, value in texts.items():
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: needs '{key}' (text)")
                texts[key] = str(value or "")
        unknown = set(item) - {"version", "date", "what", "why", "policy", "added", "changed", "retired"}
        if unknown:
            problems.append(f"{where}: unknown key(s) {sorted(unknown)}")
        date = as_date(item.get("date"))
        if "date" in item and date is None:
            problems.append(f"{where}: 'date' should be a date such as 2026-11-22, not {item['date']!r}")
        entries.append(ChangeEntry(texts["version"], date, texts["what"], texts["why"], texts["policy"], **lists))
    return tuple(entries), problems
