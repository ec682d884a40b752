#!/usr/bin/env python3
"""Add missing governance metadata (status, reviewed, since) to every rule and advice item.

    python scripts/kb_metadata.py [RULES_DIR] --since 1.0.0 --reviewed 2026-11-22 [--status active]
    python scripts/kb_metadata.py [RULES_DIR] --since 1.1.0 --reviewed 2026-11-22 --only ID [ID ...]

Edits the TOML text in place (comments and layout kept): after each `[[rule]]` or
`[[advice]]` table's `id = "..."` line, the missing fields are inserted. Items that already
have a field keep it, so running it twice changes nothing. It then prints the ids that no
changelog `added` list names yet, ready to paste into rules/knowledge-base.toml.
With --only, the listed items get `since` and `reviewed` set (replaced), as after a change.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

TABLE = re.compile(r"^\[\[(rule|advice)\]\]\s*$")
OTHER_TABLE = re.compile(r"^\[")
ID_LINE = re.compile(r'^id\s*=\s*"([^"]+)"')
FIELD = re.compile(r"^(status|reviewed|since)\s*=")


def add_metadata(text: str, values: dict[str, str], only: set[str] | None = None) -> str:
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not TABLE.match(line):
            continue
        # Collect the table's lines up to the next table header.
        body: list[str] = []
        while i < len(lines) and not OTHER_TABLE.match(lines[i]):
            body.append(lines[i])
            i += 1
        item_id = next((m.group(1) for b in body if (m := ID_LINE.match(b))), None)
        if only is not None:
            if item_id not in only:
                out.extend(body)
                continue
            kept = {m.group(1): b for b in body if (m := FIELD.match(b)) and m.group(1) == "status"}
            body = [b for b in body if not FIELD.match(b)]  # status kept as it was; the others replaced
        else:
            kept = {}
        present = {m.group(1) for b in body if (m := FIELD.match(b))}
        missing = [kept.get(key, f"{key} = {value}\n") for key, value in values.items() if key not in present]
        at = next((n + 1 for n, b in enumerate(body) if ID_LINE.match(b)), 0)
        out.extend(body[:at] + missing + body[at:])
    return "".join(out)


def unregistered(root: Path) -> list[str]:
    registered: set[str] = set()
    ids: list[str] = []
    for path in sorted(root.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("changelog", []):
            registered |= set(entry.get("added", []))
        ids += [t["id"] for key in ("rule", "advice") for t in data.get(key, []) if "id" in t]
    return [i for i in ids if i not in registered]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rules_dir", nargs="?", default=str(Path(__file__).resolve().parent.parent / "rules"))
    parser.add_argument("--since", required=True, help="knowledge-base version, such as 1.0.0")
    parser.add_argument("--reviewed", required=True, help="review date, such as 2026-11-22")
    parser.add_argument("--status", default="active", choices=["draft", "active"])
    parser.add_argument("--only", nargs="+", metavar="ID", help="set since and reviewed on these items only")
    args = parser.parse_args()
    root = Path(args.rules_dir)
    values = {"status": f'"{args.status}"', "reviewed": args.reviewed, "since": f'"{args.since}"'}
    for path in sorted(root.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        new = add_metadata(text, values, set(args.only) if args.only else None)
        tomllib.loads(new)  # never write a file TOML cannot read
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path}", file=sys.stderr)
    missing = unregistered(root)
    if missing:
        print("ids in no changelog 'added' list:", file=sys.stderr)
        print("added = [\n" + "".join(f'  "{i}",\n' for i in missing) + "]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
