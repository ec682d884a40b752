"""Writing a file whole or not at all (answers files, their progress sidecar, reports)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def write_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True, private: bool = False) -> None:
    """Write to a temporary file next to ``path``, fsync, then move it into place.

    ``private`` keeps the temporary file's owner-only mode (answers are health data);
    otherwise the file gets the usual mode for the umask. Without ``overwrite`` an existing
    file is never replaced, even one that appeared a moment ago: FileExistsError.
    """
    with open_atomic(path, overwrite=overwrite, private=private) as handle:
        handle.write(data)


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str], *, overwrite: bool = True, private: bool = False) -> Iterator[IO[bytes]]:
    """``write_atomic`` for a file written bit by bit (a batch's output): the file appears,
    whole, when the block ends without an exception; otherwise nothing is left behind."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _link_no_clobber(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system: check, then rename
        if path.exists():
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)
        Path(tmp).touch()  # so that the caller's unlink finds a file
