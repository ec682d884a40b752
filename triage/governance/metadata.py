"""Governance checks for `triage rules check`: metadata, the changelog, the id registry, retired rules.

- Every rule and advice item has a ``status`` (draft, active, retired), a ``reviewed`` date
  (not in the future) and ``since``: a knowledge-base version whose changelog entry lists it.
- The changelog has one entry per version, the current version included; its ``added``
  lists are the registry of every id ever used: an id is added once, never deleted from
  the files (retire it instead), and once retired never comes back.
- Nothing live depends on a retired rule or advice item.
- ``release``: drafts are problems too (a released knowledge base has been reviewed).

How a clinician uses this: docs/changing-rules.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..kb.changelog import STATUSES, as_date, version_key
from ..kb.records import Advice, KnowledgeBase, Rule


def check_governance(kb: KnowledgeBase, *, release: bool = False, today: dt.date | None = None) -> list[str]:
    problems = list(kb.changelog_problems)
    problems += _check_versions(kb)
    items = _items(kb)
    for kind, item in items:
        problems += [f"{kind} {item.id}: {p}" for p in _check_meta(kb, item, today or dt.date.today())]
        if release and item.status == "draft":
            problems.append(f'{kind} {item.id}: still a draft; a release has none (review it, then status = "active")')
    problems += _check_registry(kb, items)
    problems += _check_retired_dependencies(kb)
    return problems


def _items(kb: KnowledgeBase) -> list[tuple[str, Rule | Advice]]:
    rules = [("rule", r) for r in (*kb.rules, *kb.retired_rules)]
    advice = [("advice", a) for a in (*kb.advice.values(), *kb.retired_advice.values())]
    return [*rules, *advice]


def _check_versions(kb: KnowledgeBase) -> Iterator[str]:
    current = version_key(kb.version)
    if current is None:
        yield f"knowledge-base version {kb.version!r} is not a version number such as 1.2.0"
    seen: set[str] = set()
    for entry in kb.changelog:
        key = version_key(entry.version)
        if key is None:
            yield f"changelog: {entry.version!r} is not a version number such as 1.2.0"
        elif current is not None and key > current:
            yield f"changelog: {entry.version} is newer than the knowledge-base version {kb.version}"
        if entry.version in seen:
            yield f"changelog: more than one entry for {entry.version} (one entry per version)"
        seen.add(entry.version)
    if kb.version not in seen:
        yield f"changelog: no entry for the current version {kb.version} (what changed, why, which policy line)"


def _check_meta(kb: KnowledgeBase, item: Rule | Advice, today: dt.date) -> Iterator[str]:
    if item.status is None:
        yield "missing 'status' (draft, active or retired)"
    elif item.status not in STATUSES:
        yield f"status {item.status!r} is not one of {', '.join(STATUSES)}"
    if item.reviewed is None:
        yield "missing 'reviewed' (the date of its last clinical review, such as 2026-11-22)"
    elif (reviewed := as_date(item.reviewed)) is None:
        yield f"reviewed {item.reviewed!r} is not a date such as 2026-11-22"
    elif dt.date.fromisoformat(reviewed) > today:
        yield f"reviewed {reviewed} is in the future"
    if item.since is None:
        yield "missing 'since' (the knowledge-base version that added or last changed it)"
        return
    entry = next((e for e in kb.changelog if e.version == item.since), None)
    if version_key(item.since) is None:
        yield f"since {item.since!r} is not a version number such as 1.2.0"
    elif entry is None:
        yield f"since {item.since}: no changelog entry for that version"
    elif item.id not in entry.ids:
        yield f"since {item.since}, but that changelog entry does not list it (under added, changed or retired)"


def _check_registry(kb: KnowledgeBase, items: list[tuple[str, Rule | Advice]]) -> Iterator[str]:
    present = {item.id: (kind, item) for kind, item in items}
    rule_ids = {r.id for r in (*kb.rules, *kb.retired_rules)}
    advice_ids = {a.id for a in (*kb.advice.values(), *kb.retired_advice.values())}
    for both in sorted(rule_ids & advice_ids):
        yield f"id {both!r} is both a rule and an advice item (ids are one namespace)"
    added: dict[str, list[str]] = {}
    retired: dict[str, str] = {}
    for entry in kb.changelog:
        for item_id in entry.added:
            added.setdefault(item_id, []).append(entry.version)
        for item_id in entry.retired:
            retired[item_id] = entry.version
        for item_id in (*entry.changed, *entry.retired):
            if item_id not in present:
                yield f"changelog {entry.version}: lists {item_id!r}, which is no rule or advice item"
    for item_id, versions in sorted(added.items()):
        if len(versions) > 1:
            yield f"id {item_id!r} is added in more than one version ({', '.join(versions)}): an id is never reused"
        if item_id not in present:
            yield (
                f"id {item_id!r} (added in {versions[0]}) is gone from the files: "
                'retired rules stay in the file (status = "retired"); never delete one'
            )
    for item_id, (kind, item) in present.items():
        if item_id not in added:
            yield f"{kind} {item_id}: in no changelog 'added' list (list a new id in the entry of its version)"
        if item_id in retired and item.status != "retired":
            yield (
                f"{kind} {item_id}: was retired in {retired[item_id]} and cannot come back "
                "(an id is never reused: give a new rule a new id)"
            )
        if item.status == "retired" and item_id not in retired:
            yield f"{kind} {item_id}: is retired, but no changelog entry lists it under 'retired'"
        first, gone = added.get(item_id, [None])[0], retired.get(item_id)
        if first and gone and (version_key(gone) or ()) < (version_key(first) or ()):
            yield f"{kind} {item_id}: retired in {gone}, before it was added in {first}"


def _check_retired_dependencies(kb: KnowledgeBase) -> Iterator[str]:
    """Nothing live may rest on something retired: it would silently never fire or never be given."""
    live_findings = {r.finding for r in kb.rules if r.finding} | {r.compute for r in kb.rules if r.compute}
    by_retired: dict[str, list[str]] = {}
    for rule in kb.retired_rules:
        for concluded in (rule.finding, rule.compute):
            if concluded and concluded not in live_findings:
                by_retired.setdefault(concluded, []).append(rule.id)
    for rule in kb.rules:
        for group in rule.when:
            for atom in group:
                if atom.kind in ("finding", "derived") and atom.subject in by_retired:
                    owners = ", ".join(by_retired[atom.subject])
                    yield f"rule {rule.id}: depends on {atom.subject!r}, which only retired rule {owners} concludes"
        yield from (f"rule {rule.id}: gives retired advice {a!r}" for a in rule.advice if a in kb.retired_advice)
    for disposition in kb.dispositions:
        yield from (
            f"disposition {disposition.id}: gives retired advice {a!r}"
            for a in disposition.advice
            if a in kb.retired_advice
        )
    yield from (f"safety net: gives retired advice {a!r}" for a in kb.safety_net if a in kb.retired_advice)


def retired_ids(kb: KnowledgeBase) -> set[str]:
    """Every retired rule and advice id (for check.py, which reports these through metadata)."""
    return {r.id for r in kb.retired_rules} | set(kb.retired_advice)
