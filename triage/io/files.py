"""Files the tool writes: whole or not at all, owner-only, never clobbered by surprise.

Answers files, their progress sidecar and reports all hold health data, so they are all
written owner-only (0600) through ``write_atomic``. ``FileLock`` keeps two ``triage ask``
processes off one answers file, and ``remove_stale_temporaries`` cleans up after a writer
that was killed between writing and renaming.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


class NotARegularFile(OSError):
    """The path exists and is a device, FIFO, socket or folder: it is never replaced."""


def write_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True, private: bool = True) -> None:
    """Write to a temporary file next to ``path``, fsync, move it into place, fsync the folder.

    ``private`` (the default: what we write is health data) keeps the file owner-only
    (0600); otherwise it gets the usual mode for the umask. Without ``overwrite`` an existing file is never replaced,
    even one that appeared a moment ago: FileExistsError. With it, only a regular file or a
    symlink is replaced (the symlink itself, not its target): NotARegularFile otherwise.
    """
    with open_atomic(path, overwrite=overwrite, private=private) as handle:
        handle.write(data)


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str], *, overwrite: bool = True, private: bool = True) -> Iterator[IO[bytes]]:
    """``write_atomic`` for a file written bit by bit (a batch's output): the file appears,
    whole, when the block ends without an exception; otherwise nothing is left behind."""
    path = Path(path)
    refuse_special(path)
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
            refuse_special(path)  # again, just before: as little time as possible for a swap
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(path.parent)


def refuse_special(path: Path) -> None:
    """NotARegularFile if ``path`` exists and is neither a regular file nor a symlink."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
        raise NotARegularFile(f"{path}: {kind}; it is never replaced")


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (it survives a power cut once this returns)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a folder that cannot be opened (some platforms): the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder
    finally:
        os.close(fd)


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


def free_path(path: Path, tries: int = 1000) -> Path:
    """``path`` if nothing is there, else the first free ``stem-2.suffix``, ``stem-3.suffix``..."""
    if not os.path.lexists(path):
        return path
    for n in range(2, tries + 2):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(f"{path}: and {tries} numbered names next to it already exist")


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files ``write_atomic`` leaves behind for ``path`` if the process is
    killed between writing and renaming (``.NAME.xxxxxxxx.tmp``). Only call this while holding
    the lock for ``path``: then no live writer owns them. Returns what was removed."""
    removed = []
    for candidate in path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"):
        middle = candidate.name[len(path.name) + 2 : -len(".tmp")]
        if len(middle) != 8 or not candidate.is_file() or candidate.is_symlink():
            continue  # mkstemp's random part is 8 characters; anything else is not ours
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


class Locked(Exception):
    """Another process holds the lock."""


class FileLock:
    """An advisory lock (``fcntl.flock``) on a lock file, removed on release.

    After locking, the lock file must still be the one at ``path``: if a releasing process
    removed it in between, lock the new one instead (so two processes never both hold it).
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise Locked at once (never waits); OSError if it cannot be made."""
        while True:
            # O_NOFOLLOW: a lock file planted as a symlink must not make us create or open
            # the file it points to (ELOOP instead: "cannot save", nothing created).
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
            try:
                fd = os.open(self.path, flags, 0o600)
            except OSError as error:
                if os.path.islink(self.path):
                    why = f"the lock file {self.path.name} is a symbolic link; remove it"
                    raise OSError(error.errno, why) from None
                raise
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise Locked(str(self.path)) from None
            except BaseException:
                os.close(fd)
                raise
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return
            os.close(fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # still locked while unlinking: see acquire
        os.close(self._fd)
        self._fd = None
