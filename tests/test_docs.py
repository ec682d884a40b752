"""docs/ is the project's own contract: its generated tables match the knowledge base, and its
links resolve."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from triage import load_knowledge_base

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_generated_tables_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs_tables.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_question_and_source_is_documented():
    kb = load_knowledge_base()
    answers = (DOCS / "answers.md").read_text(encoding="utf-8")
    sources = (DOCS / "sources.md").read_text(encoding="utf-8")
    assert all(f"| `{q.id}` |" in answers for q in kb.questions)
    assert all(f"| `{key}` |" in sources for key in kb.sources)


def test_policy_names_every_disposition_in_ladder_order():
    policy = (DOCS / "policy.md").read_text(encoding="utf-8")
    ladder = [d.id for d in load_knowledge_base().dispositions]
    rows = re.findall(r"^\| \d \| `([a-z-]+)` \| (\d) \|", policy, re.M)
    assert [r[0] for r in rows] == ladder
    assert [int(r[1]) for r in rows] == [d.urgency for d in load_knowledge_base().dispositions]


def test_links_between_docs_resolve():
    for page in [*DOCS.glob("*.md"), ROOT / "README.md"]:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} links to missing {target}"
