"""Saving and resuming ``triage ask``: the answers file and its FILE.progress sidecar.

The answers file is a format-1 answers object (what ``triage assess FILE`` reads; plus the
early-stop record when it stopped early), in question order, written atomically (temp file
+ ``os.replace``, owner-only) after every reply.

Next to it, ``FILE.progress`` (JSON, never read by ``triage assess``) keeps what the answers
file cannot: ``history`` (the questions asked, in order, so ``<`` works after a resume),
``skipped`` (optional questions left empty, so a resume does not ask them again) and
``status`` (in-progress, stopped-early, complete). Answers in the file that are not in the
history (pre-filled with ``--answers``, or a file without a progress file) are kept and
never asked again; going back stops at them. A missing or damaged progress file only means
skipped questions are asked again.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from ..answers import AnswersError, parse_json, unwrap_case, validate
from ..early_stop import RECORD_KEY, split_record
from ..flow import Progress, forget_stale
from ..io.files import FileLock, remove_stale_temporaries, write_atomic
from ..io.reading import InputError, read_text
from ..kb.records import KnowledgeBase

DEFAULT_ANSWERS_FILE = "triage-answers.json"
PROGRESS_SUFFIX = ".progress"
PROGRESS_FORMAT = 1


def atomic_write(path: Path, text: str) -> None:
    """Write a whole file or nothing, readable by its owner only (answers are health data)."""
    write_atomic(path, text.encode("utf-8"))


class AnswersStore:
    """The answers file (format 1) and its sidecar FILE.progress."""

    def __init__(self, path: Path | str):
        # A symlink is followed: its lock and saves are the real file's, so a second
        # `triage ask` through a link is refused, and a save keeps the link a link.
        self.path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
        self.progress_path = self.path.with_name(self.path.name + PROGRESS_SUFFIX)
        self._lock = FileLock(self.path.with_name(f".{self.path.name}.lock"))

    def lock(self) -> None:
        """Take this answers file for this process (an advisory lock, released by ``unlock`` or
        when the process ends), then remove temporary files a killed writer left behind.
        Raises Locked if another process has it (two writers would lose each other's
        answers), OSError if the lock file cannot be made."""
        self._lock.acquire()
        for path in (self.path, self.progress_path):
            remove_stale_temporaries(path)

    def unlock(self) -> None:
        self._lock.release()

    def exists(self) -> bool:
        return self.path.exists()

    def save(self, kb: KnowledgeBase, progress: Progress) -> None:
        answers: dict[str, Any] = {q.id: progress.answers[q.id] for q in kb.questions if q.id in progress.answers}
        if progress.status == "stopped-early" and progress.early_stop is not None:
            answers[RECORD_KEY] = progress.early_stop
        atomic_write(self.path, json.dumps(answers, indent=2, ensure_ascii=False) + "\n")
        sidecar = {
            "format": PROGRESS_FORMAT,
            "about": f"triage ask: progress of {self.path.name}; not an answers file",
            "status": progress.status,
            "history": progress.history,
            "skipped": [q.id for q in kb.questions if q.id in progress.skipped],
            # Only while in progress: the report is written when the questionnaire ends.
            **({"report": progress.report} if progress.report and progress.status == "in-progress" else {}),
        }
        atomic_write(self.progress_path, json.dumps(sidecar, indent=2) + "\n")

    def remove(self) -> None:
        for path in (self.path, self.progress_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def load(self, kb: KnowledgeBase) -> tuple[Progress, list[str]]:
        """Read a saved questionnaire. Raises AnswersError (unreadable or invalid answers) and
        returns the progress and any warnings."""
        if not self.path.exists():
            raise AnswersError([f"{self.path}: no saved answers here"])
        try:
            text = read_text(self.path)
        except InputError as error:
            raise AnswersError(error.problems) from None
        progress, warnings = progress_from_answers(kb, unwrap_case(parse_json(text)))
        sidecar, problem = self._read_sidecar()
        if problem:
            warnings.append(problem)
        # Only names survive (a hand-edited sidecar may hold anything); then the same
        # clean-up as the web's state: what no longer means anything is dropped.
        progress.skipped = {qid for qid in sidecar["skipped"] if isinstance(qid, str)}
        progress.history = [qid for qid in sidecar["history"] if isinstance(qid, str)]
        forget_stale(kb, progress)
        status = sidecar.get("status")
        progress.status = status if status in ("in-progress", "stopped-early", "complete") else "in-progress"
        progress.report = _report_targets(sidecar.get("report"))
        return progress, warnings

    def _read_sidecar(self) -> tuple[dict[str, Any], str | None]:
        """The progress file, or an empty one (with a warning) if it is missing or damaged:
        a damaged one only means skipped questions are asked again."""
        empty: dict[str, Any] = {"history": [], "skipped": []}
        if not self.progress_path.exists():
            return empty, None
        try:
            data = json.loads(read_text(self.progress_path))
        except (InputError, ValueError, RecursionError):
            return empty, f"{self.progress_path} could not be read; questions you skipped will be asked again"
        lists = isinstance(data, dict) and all(isinstance(data.get(k, []), list) for k in ("history", "skipped"))
        if not lists or data.get("format") != PROGRESS_FORMAT:
            return empty, f"{self.progress_path} is not a progress file; questions you skipped will be asked again"
        return {**empty, **data}, None


def _report_targets(saved: Any) -> dict[str, Any] | None:
    """The report targets kept in a progress file, if they are well formed."""
    if not isinstance(saved, dict) or not isinstance(saved.get("html"), str):
        return None
    text = (str, type(None))
    if not isinstance(saved.get("pdf"), text) or not isinstance(saved.get("now"), text):
        return None
    return {
        "html": saved["html"],
        "pdf": saved.get("pdf"),
        "force": saved.get("force") is True,
        "now": saved.get("now"),
    }


def progress_from_answers(kb: KnowledgeBase, raw: Any) -> tuple[Progress, list[str]]:
    """Pre-filled answers (an answers object or a patient case), validated as a questionnaire in
    progress. Raises AnswersError listing every problem. An early-stop record is dropped: the
    questionnaire works out again whether to stop."""
    raw, _ = split_record(raw)
    valid = validate(raw, kb, partial=True)
    return Progress(answers=dict(valid.answers)), list(valid.warnings)
