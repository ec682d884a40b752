"""The one error the report raises: it cannot be made or written (bad ``--now``, targets in
the way, no PDF engine). ``problems`` lists every reason; ``written`` the files that were
written before the error (the HTML, when only the PDF failed), else nothing was written."""

from __future__ import annotations

from pathlib import Path


class ReportError(Exception):
    """The report cannot be written; ``problems`` lists every reason, ``written`` what was
    written all the same (usually nothing)."""

    def __init__(self, problems: list[str], written: list[Path] | None = None):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.written = written or []
