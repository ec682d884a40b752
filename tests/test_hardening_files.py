"""Files are never clobbered, stay private and survive crashes (issue #10).

Each test reproduces one failure of the reliability audit; on the code before the fix it fails.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import jinja2
import pytest
from ask_helpers import lines_for, load_case
from click.testing import CliRunner
from helpers import CASES

from triage.assessment import assess
from triage.cli.answers_store import AnswersStore
from triage.cli.main import main
from triage.io import files
from triage.report import report

NOW = "2026-01-31T09:00"


def case_answers(stem: str) -> dict:
    return load_case(next(p for p in CASES if p.stem == stem))["answers"]


def ask(answers_path: Path, stem: str, *extra: str):
    lines, _ = lines_for(case_answers(stem))
    args = ["ask", "-a", str(answers_path), "--now", NOW, *extra]
    return CliRunner().invoke(main, args, input="\n".join(lines) + "\n", catch_exceptions=False)


# --- an early stop never overwrites ----------------------------------------------------------


def test_early_stop_report_does_not_overwrite_an_existing_html_file(tmp_path: Path) -> None:
    notes = tmp_path / "a.html"
    notes.write_text("my own notes", encoding="utf-8")
    result = ask(tmp_path / "a.json", "V40")  # an ambulance case: the questions stop early
    assert result.exit_code == 0, result.output
    assert notes.read_text(encoding="utf-8") == "my own notes"
    written = tmp_path / "a-2.html"
    assert str(written) in result.output  # the person is told where the report is
    assert "Call an ambulance now" in written.read_text(encoding="utf-8")


def test_early_stop_report_never_replaces_the_answers_file_itself(tmp_path: Path) -> None:
    answers = tmp_path / "answers.html"  # -a answers.html: the report's default name is the same
    result = ask(answers, "V40")
    assert result.exit_code == 0, result.output
    saved = json.loads(answers.read_text(encoding="utf-8"))  # still the answers, not a report
    assert assess(saved, partial=True).disposition.id == "emergency"
    assert "Call an ambulance now" in (tmp_path / "answers-2.html").read_text(encoding="utf-8")


# --- devices and FIFOs are never replaced, even with --force ---------------------------------


def special_files(tmp_path: Path) -> list[Path]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    found = [fifo]
    if os.geteuid() == 0:  # as root, a device like /dev/full (made here, so nothing real is at risk)
        device = tmp_path / "full"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        found.append(device)
    return found


def test_force_refuses_to_replace_a_device_or_fifo(tmp_path: Path) -> None:
    for target in special_files(tmp_path):
        kind = stat.S_IFMT(target.lstat().st_mode)
        result = CliRunner().invoke(main, ["report", str(CASES[0]), "-o", str(target), "--force", "--now", NOW])
        assert result.exit_code == 2, result.output
        assert "not a regular file" in result.stderr
        assert stat.S_IFMT(target.lstat().st_mode) == kind  # still the device / FIFO
        with pytest.raises(files.NotARegularFile):
            files.write_atomic(target, b"x")
        assert stat.S_IFMT(target.lstat().st_mode) == kind
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_force_still_replaces_a_regular_file_and_a_symlink(tmp_path: Path) -> None:
    regular, elsewhere, link = tmp_path / "r.html", tmp_path / "elsewhere.txt", tmp_path / "l.html"
    regular.write_text("old", encoding="utf-8")
    elsewhere.write_text("keep", encoding="utf-8")
    link.symlink_to(elsewhere)
    for target in (regular, link):
        result = CliRunner().invoke(main, ["report", str(CASES[0]), "-o", str(target), "--force", "--now", NOW])
        assert result.exit_code == 0, result.output
        assert target.is_file() and not target.is_symlink()
    assert elsewhere.read_text(encoding="utf-8") == "keep"  # the link is replaced, not its target


# --- private and durable -----------------------------------------------------------------------


def test_reports_are_owner_only_like_answers(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "r.html"
        assert CliRunner().invoke(main, ["report", str(CASES[0]), "-o", str(out), "--now", NOW]).exit_code == 0
        assert ask(tmp_path / "a.json", "V10").exit_code == 0
    finally:
        os.umask(old)
    for path in (out, tmp_path / "a.json", tmp_path / "a.json.progress"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_folder_is_fsynced_after_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src, dst) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    files.write_atomic(tmp_path / "a.json", b"{}")
    assert events == ["fsync file", "rename", "fsync folder"]


# --- a killed writer, two writers --------------------------------------------------------------


def test_stale_temporary_files_are_removed_on_the_next_start(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    # What a SIGKILL between writing and renaming leaves (mkstemp: .NAME. + 8 characters + .tmp).
    stale = [tmp_path / ".a.json.k3x_9qzv.tmp", tmp_path / ".a.json.progress.0a1b2c3d.tmp"]
    others = [tmp_path / ".b.json.k3x_9qzv.tmp", tmp_path / ".a.json.mine.tmp", tmp_path / "notes.tmp"]
    for path in stale + others:
        path.write_text("{", encoding="utf-8")
    assert ask(answers, "V10").exit_code == 0
    assert [p for p in stale if p.exists()] == []
    assert all(p.exists() for p in others)  # not ours, or not for this answers file


def test_a_second_ask_on_the_same_file_refuses_and_names_it(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    holder = AnswersStore(answers)
    holder.lock()  # as a first `triage ask` in progress does
    try:
        second = subprocess.run(
            [sys.executable, "-m", "triage", "ask", "-a", str(answers), "--new"],
            input="40\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2, second.stdout + second.stderr
        assert f"{answers} is in use by another `triage ask`" in second.stderr
        assert "Traceback" not in second.stderr
        assert not answers.exists()  # it wrote nothing
    finally:
        holder.unlock()
    assert ask(answers, "V10").exit_code == 0  # once released, the file can be used again
    assert not any(p.name.endswith(".lock") for p in tmp_path.iterdir())  # the lock file goes with the lock


def test_the_lock_is_exclusive_and_survives_a_released_lock_file(tmp_path: Path) -> None:
    path = tmp_path / ".a.json.lock"
    first, second, third = files.FileLock(path), files.FileLock(path), files.FileLock(path)
    first.acquire()
    with pytest.raises(files.Locked):
        second.acquire()
    first.release()
    second.acquire()
    with pytest.raises(files.Locked):
        third.acquire()
    second.release()


# --- the report's Jinja environment ------------------------------------------------------------


def test_the_jinja_environment_is_built_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[jinja2.Environment] = []
    real_init = jinja2.Environment.__init__

    def counting_init(self, *args, **kwargs) -> None:
        built.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "__init__", counting_init)
    assessment = assess(case_answers("V10"))
    now = datetime.fromisoformat(NOW)
    first = report.render_report(assessment, now=now)
    second = report.render_report(assessment, now=now)
    assert first == second
    assert len(built) <= 1  # built by the first render (or earlier in this process), never again
