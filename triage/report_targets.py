"""Where the report goes: the checks on the target files before anything is rendered, and the
atomic, owner-only write (a report holds health data)."""

from __future__ import annotations

import os
from pathlib import Path

from . import files
from .report_error import ReportError
from .report_pdf import PDF_HINT, pdf_available


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """triage.files.write_atomic (owner-only: a report holds health data), with an existing
    file (and no ``overwrite``) or a device, FIFO or folder in the way as a ReportError."""
    try:
        files.write_atomic(path, data, overwrite=overwrite)
    except FileExistsError:
        raise ReportError([f"{path}: already exists (use --force to overwrite it)"]) from None
    except files.NotARegularFile as error:
        raise ReportError([str(error)]) from None


def check_targets(html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str] | None, force: bool) -> list[str]:
    """Everything that would stop the report being written, before anything is rendered."""
    paths = [Path(html_path), *([Path(pdf_path)] if pdf_path is not None else [])]
    problems = []
    if len({p.resolve() for p in paths}) < len(paths):
        problems.append("the HTML and the PDF cannot be the same file")
    for path in paths:
        if path.is_dir():
            problems.append(f"{path}: is a folder")
        elif path.exists() and not (path.is_file() or path.is_symlink()):
            problems.append(f"{path}: not a regular file (a device, pipe or socket); it is never replaced")
        elif path.exists() and not force:
            problems.append(f"{path}: already exists (use --force to overwrite it)")
        elif not path.parent.is_dir():
            problems.append(f"{path.parent}: no such folder")
    if pdf_path is not None and not pdf_available():
        problems.append(PDF_HINT)
    return problems
