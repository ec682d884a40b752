#!/usr/bin/env python3
"""Regenerate the tables in docs/ that come straight from the knowledge base.

    python scripts/docs_tables.py          # rewrite them
    python scripts/docs_tables.py --check  # exit 1 if any is out of date (a test runs this)

The question table in docs/answers.md and the source list in docs/sources.md sit between
`<!-- BEGIN generated: NAME -->` and `<!-- END generated: NAME -->` markers; the prose
around them is written by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from triage.kb.conditions import describe_condition
from triage.kb.load import load_knowledge_base
from triage.kb.paths import rules_dir
from triage.kb.records import KnowledgeBase, Question

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _values(q: Question) -> str:
    if q.type == "choice":
        return "choice: " + " ".join(f"`{v}`" for v, _ in q.choices)
    if q.type in ("integer", "number"):
        low, high = (f"{x:g}" if x is not None else "" for x in (q.min, q.max))
        return f"{q.type} {low}..{high}"
    if q.type == "string":
        return f"text, {q.min_length or 0}..{q.max_length or ''} characters"
    return "boolean"


def question_table(kb: KnowledgeBase) -> str:
    rows = ["| id | values | required | red flag / history | asked when | question |", "|---|---|---|---|---|---|"]
    for q in kb.questions:
        when = describe_condition(q.asked_when) or "always"
        text = q.text.replace("|", "/")
        required = "yes" if q.required else ""
        red_flag = "yes" if q.red_flag else "history" if q.history else ""
        rows.append(f"| `{q.id}` | {_values(q)} | {required} | {red_flag} | {when} | {text} |")
    return "\n".join(rows)


def source_table(kb: KnowledgeBase) -> str:
    rows = ["| key | kind | title |", "|---|---|---|"]
    rows += [f"| `{s.key}` | {s.kind} | {s.title} |" for s in kb.sources.values()]
    return "\n".join(rows)


GENERATED = {"answers.md": ("questions", question_table), "sources.md": ("sources", source_table)}


def regenerate(text: str, name: str, table: str) -> str:
    pattern = re.compile(rf"(<!-- BEGIN generated: {name} -->).*?(<!-- END generated: {name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs: no generated markers for {name}")
    return pattern.sub(lambda m: f"{m.group(1)}\n{table}\n{m.group(2)}", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    kb = load_knowledge_base(rules_dir())  # the shipped knowledge base, whatever TRIAGE_KB says
    stale = []
    for file, (name, make) in GENERATED.items():
        path = DOCS / file
        text = path.read_text(encoding="utf-8")
        new = regenerate(text, name, make(kb))
        if new != text:
            stale.append(file)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run python scripts/docs_tables.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
