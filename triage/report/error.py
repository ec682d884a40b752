"""The one error the report raises: it cannot be made or written (bad ``--now``, targets in
the way, no PDF engine). ``problems`` lists every reason; nothing was written."""

from __future__ import annotations


class ReportError(Exception):
    """The report cannot be written; ``problems`` lists every reason (nothing was written)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
