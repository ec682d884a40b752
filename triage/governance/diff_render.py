"""`triage rules diff` output: plain text, and a self-contained HTML page a clinical lead signs off.

Both are made from the same view (``diff_view``), so they always say the same thing, and
neither holds a clock time or a temporary path: the same inputs give the same bytes.
"""

from __future__ import annotations

from typing import Any

from ..kb.changelog import ChangeEntry
from ..report.templates import environment
from .cases import wrap_block
from .diff import ItemChange, KbDiff

TEMPLATE = "kb-diff.html.j2"
METADATA = {"status", "reviewed", "since"}


def new_changelog(diff: KbDiff) -> list[ChangeEntry]:
    """The changelog entries NEW has and OLD has not: what NEW says it changes, and why."""
    known = {e.version for e in diff.old.changelog}
    return [e for e in diff.new.changelog if e.version not in known]


def _item_view(item: ItemChange, kb_old: Any, kb_new: Any) -> dict[str, Any]:
    fields = list(item.fields)
    metadata_only = item.change == "changed" and {f for f, _, _ in fields} <= METADATA
    file = ""
    if item.kind == "rule":
        every = (*kb_new.rules, *kb_new.retired_rules, *kb_old.rules, *kb_old.retired_rules)
        file = next((r.file for r in every if r.id == item.id), "")
    return {
        "kind": item.kind,
        "id": item.id,
        "change": item.change,
        "fields": fields,
        "file": file,
        "metadata_only": metadata_only,
    }


def governance_warnings(diff: KbDiff, items: list[dict[str, Any]]) -> list[str]:
    """What only a comparison can see: content changed but `since` not moved on, or no version bump."""
    warnings = []
    for item in items:
        if item["kind"] not in ("rule", "advice") or item["change"] not in ("changed", "retired", "un-retired"):
            continue
        fields = {f for f, _, _ in item["fields"]}
        if not item["metadata_only"] and "since" not in fields:
            warnings.append(f"{item['kind']} {item['id']}: changed, but its 'since' still names an older version")
    if items and not all(i["metadata_only"] for i in items) and diff.old.version == diff.new.version:
        warnings.append(f"the knowledge-base version is still {diff.new.version}: bump it and add a changelog entry")
    return warnings


def _noun(kind: str, n: int) -> str:
    word = "advice item" if kind == "advice" else kind
    return word if n == 1 else f"{word}s"


def diff_view(diff: KbDiff, old_label: str, new_label: str, cases_label: str) -> dict[str, Any]:
    items = [_item_view(i, diff.old, diff.new) for i in diff.items]
    tally: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item["kind"], item["change"])
        tally[key] = tally.get(key, 0) + 1
    moved = [c for c in diff.cases if c.direction in ("up", "down")]
    return {
        "warnings": governance_warnings(diff, items),
        "old": {"label": old_label, "version": diff.old.version, "sha256": diff.old.sha256},
        "new": {"label": new_label, "version": diff.new.version, "sha256": diff.new.sha256},
        "cases_label": cases_label,
        "case_count": diff.case_count,
        "unreadable": len(diff.unreadable),
        "unreadable_reasons": diff.unreadable_reasons(),
        "cases": diff.cases,
        "moved_down": sum(c.direction == "down" for c in moved),
        "moved_up": sum(c.direction == "up" for c in moved),
        "items": items,
        "tally": [f"{n} {_noun(kind, n)} {change}" for (kind, change), n in sorted(tally.items())],
        "changelog": new_changelog(diff),
        "empty": diff.empty,
    }


def render_text(view: dict[str, Any]) -> str:
    out = ["triage rules diff"]
    for side in ("old", "new"):
        s = view[side]
        out.append(f"  {side.upper()}: {s['label']}: knowledge base {s['version']}, sha256 {s['sha256'][:16]}...")
    out.append(f"  cases: {view['cases_label']} ({view['case_count']} cases)")
    if view["empty"]:
        out.append("")
        out.append(
            f"No differences: the {view['case_count']} cases give the same results, and no rule, "
            "advice item, question or disposition changed."
        )
        return wrap_block("\n".join(out)) + "\n"
    if view["unreadable"]:
        out += ["", f"Cases that could not be read: {view['unreadable']} of {view['case_count']} (invalid under both"]
        out.append("  knowledge bases, so nothing can be said about them). Why:")
        out += [f"  - {line}" for line in view["unreadable_reasons"]]
    out += ["", f"Cases whose result changes: {len(view['cases'])} of {view['case_count']}"]
    out.append(f"  ({view['moved_down']} to a lower disposition, {view['moved_up']} to a higher one)")
    for case in view["cases"]:
        arrow = {"up": "UP", "down": "DOWN", "same": "same disposition", "invalid": "INVALID"}[case.direction]
        moved = f"{case.old_disposition or '-'} -> {case.new_disposition or '-'}"
        out.append(f"  {case.id} ({case.file}): {moved}  [{arrow}]")
        out += [f"      {line}" for line in case.changes]
        if case.behind:
            out.append("      rules behind it:")
            out += [f"        {line}" for line in case.behind]
    out += ["", "Knowledge-base changes: " + (", ".join(view["tally"]) or "none")]
    for item in view["items"]:
        where = f"  ({item['file']})" if item["file"] else ""
        if item["metadata_only"]:
            meta = "; ".join(f"{field} {old or '-'} -> {new or '-'}" for field, old, new in item["fields"])
            out.append(f"  {item['kind']} {item['id']}: metadata only: {meta}")
            continue
        out.append(f"  {item['kind']} {item['id']}: {item['change']}{where}")
        for field, old, new in item["fields"]:
            if item["change"] in ("added", "removed"):
                out.append(f"      {field}: {new or old}")
            else:
                out.append(f"      {field}:")
                out.append(f"        OLD  {old or '-'}")
                out.append(f"        NEW  {new or '-'}")
    if view["warnings"]:
        out += ["", "Governance warnings:"] + [f"  {w}" for w in view["warnings"]]
    if view["changelog"]:
        out += ["", "Changelog entries in NEW only:"]
        for entry in view["changelog"]:
            out.append(f"  {entry.version} ({entry.date or 'no date'}): {entry.what}")
            out.append(f"      why: {entry.why}")
            out.append(f"      policy: {entry.policy}")
    return wrap_block("\n".join(out)) + "\n"


def render_html(view: dict[str, Any]) -> str:
    return environment().get_template(TEMPLATE).render(view)
