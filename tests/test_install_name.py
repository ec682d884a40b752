"""The distribution's own name and the PDF extra's system libraries (issue #21).

PyPI's `triage` is an unrelated project: every message that says what to install names ours
(`knee-triage`). WeasyPrint needs Pango from the system, which pip cannot install: when it is
missing, triage names the Debian packages instead of printing WeasyPrint's banner.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from helpers import base_answers

from triage.kb.paths import DISTRIBUTION

ROOT = Path(__file__).resolve().parents[1]
WRONG = re.compile(r"install\s+'?triage[\[ '\"]|install\s+triage$", re.MULTILINE)


def test_the_distribution_has_its_own_name() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION == "knee-triage"
    assert project["scripts"]["triage"] == "triage.cli.start:run"  # the command stays `triage`


def test_no_message_or_doc_tells_people_to_install_pypis_triage() -> None:
    files = [*(ROOT / "triage").rglob("*.py"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]
    files += [*(ROOT / "scripts").glob("*.sh")]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)!r}" for p in files for m in WRONG.finditer(p.read_text("utf-8"))]
    assert not found
    assert WRONG.search("pip install 'triage[pdf]'")  # the check itself finds the old wording


def test_without_pango_report_names_the_system_packages(tmp_path: Path) -> None:
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    # What WeasyPrint does without Pango: a banner on standard output, then OSError.
    (fake / "__init__.py").write_text(
        "print('WeasyPrint could not import some external libraries. BANNER')\n"
        "raise OSError(\"cannot load library 'libgobject-2.0-0'\")\n",
        encoding="utf-8",
    )
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(base_answers()), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "fake")}
    result = subprocess.run(
        [sys.executable, "-m", "triage", "report", str(answers), "-o", str(tmp_path / "r.html"), "--pdf",
         str(tmp_path / "r.pdf")],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert result.returncode == 2
    assert "BANNER" not in result.stdout + result.stderr
    assert "libpango-1.0-0 libpangoft2-1.0-0" in " ".join(result.stderr.split())
    assert "pip install" not in result.stderr  # pip cannot fix this
    assert not (tmp_path / "r.html").exists()
