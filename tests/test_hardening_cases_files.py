"""Case ids, report files and the answers lock under hostile names (issue #21: N7-N10).

- `cases run` shows ids and file names escaped; its --junit file stays well-formed XML;
- `report --pdf` that fails after the HTML is written says what was written;
- a symlink to the answers file shares that file's lock, and a save keeps the link a link;
- a lock file planted as a symlink never makes `ask` create the file it points to.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import pytest
from helpers import CASES_DIR, base_answers, load_case, run_cli

from triage.cli.answers_store import AnswersStore
from triage.io.files import Locked

HOSTILE_ID = "\x1b]0;PWNED\x07\x1b[2J\ud800" + "x" * 500


def test_cases_run_escapes_ids_and_writes_well_formed_junit(tmp_path: Path) -> None:
    corpus = tmp_path / "cases"
    corpus.mkdir()
    case = load_case(CASES_DIR / "V01.json")
    for number, expected in enumerate((case["expected"], "emergency"), start=1):
        data = {**case, "id": f"{HOSTILE_ID}{number}", "expected": expected}
        text = json.dumps(data, ensure_ascii=True)  # \ud800 as its JSON escape
        (corpus / f"c{number}.json").write_text(text, encoding="utf-8")
    (corpus / "c3.json").write_text(json.dumps({**case, "expected": "\x1b[31m" * 1000}), encoding="utf-8")
    junit = tmp_path / "out.xml"
    result = run_cli("cases", "run", str(corpus), "--junit", str(junit), "--json", str(tmp_path / "out.json"))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;PWNED\\x07" in result.output
    assert max(len(line) for line in result.output.splitlines()) < 2_000
    document = xml.dom.minidom.parse(str(junit))  # well-formed
    names = [c.getAttribute("name") for c in document.getElementsByTagName("testcase")]
    assert all(name.isprintable() for name in names) and len(names) == 3
    json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))


def test_report_says_the_html_was_written_when_only_the_pdf_failed(tmp_path: Path, monkeypatch) -> None:
    from triage.io import files
    from triage.report import report

    real = files.write_atomic

    def full_disk(path, data, **options):
        if str(path).endswith(".pdf"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **options)

    monkeypatch.setattr(report, "pdf_available", lambda: True)
    monkeypatch.setattr(report, "render_pdf", lambda html: b"%PDF-1.7 stand-in")
    monkeypatch.setattr(report.files, "write_atomic", full_disk)
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(base_answers()), encoding="utf-8")
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = run_cli("report", str(answers), "-o", str(html), "--pdf", str(pdf), "--now", "2026-01-01T00:00")
    assert result.exit_code == 2
    assert html.exists() and not pdf.exists()
    assert "nothing written" not in result.stderr
    assert "only partly written" in result.stderr and "No space left on device" in result.stderr
    assert f"written: {html}" in result.stderr.replace("\n    ", " ")


def test_a_symlink_to_the_answers_file_shares_its_lock_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "answers.json"
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    holder = AnswersStore(real)
    holder.lock()
    try:
        with pytest.raises(Locked):
            AnswersStore(link).lock()
        # and the command says so, as for the file itself
        result = subprocess.run(
            [sys.executable, "-m", "triage", "ask", "--resume", "-a", str(link)],
            input=b"n\n",
            capture_output=True,
            timeout=60,
        )
        assert result.returncode == 2 and b"in use by another" in result.stderr
    finally:
        holder.unlock()
    from triage.flow import Progress
    from triage.kb.load import load_knowledge_base

    AnswersStore(link).save(load_knowledge_base(), Progress(answers={"age": 40}))
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8")) == {"age": 40}


def test_a_planted_lock_symlink_creates_nothing_where_it_points(tmp_path: Path) -> None:
    victim = tmp_path / "victim-file"
    (tmp_path / ".p.json.lock").symlink_to(victim)
    result = subprocess.run(
        [sys.executable, "-m", "triage", "ask", "-a", str(tmp_path / "p.json")],
        input=b"40\n",
        capture_output=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert not victim.exists() and not os.path.lexists(tmp_path / "p.json")
    assert result.returncode == 2 and b"symbolic link" in result.stderr and b"Traceback" not in result.stderr
