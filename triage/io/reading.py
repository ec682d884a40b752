"""Reading an input file safely: a regular file or standard input, at most MAX_BYTES, UTF-8.

Every command that reads a file a user names (answers for assess, explain, report, ask,
cases new and fhir response; case files for cases run and rules diff --cases; batch input)
opens it here, so hostile inputs get one clear message instead of a hang or a flood:
``/dev/zero`` or a huge file is refused after MAX_BYTES, a FIFO or a device is refused
without being opened for a blocking read, and a UTF-8 byte-order mark (as Notepad saves)
is accepted. No front end is imported here: the CLI turns ``InputError`` into exit 2.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from typing import BinaryIO

MAX_BYTES = 1_000_000  # an answers file is about 2 kB; a megabyte is far more than any real one


class InputError(ValueError):
    """The input cannot be read; ``problems`` lists why (one line each)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def read_text(source: str | os.PathLike[str], stdin: BinaryIO | None = None, *, limit: int = MAX_BYTES) -> str:
    """The text of ``source`` ('-' = ``stdin``, a binary stream). Raises InputError."""
    name = os.fspath(source)
    if name == "-":
        if stdin is None:
            raise InputError(["-: no standard input here"])
        return _decode(name, _read_bounded(stdin.read, name, limit))
    with open_regular(name) as handle:
        try:
            data = _read_bounded(handle.read, name, limit)
        except OSError as error:
            raise InputError([f"{name}: {error.strerror or error}"]) from None
    return _decode(name, data)


def open_regular(source: str | os.PathLike[str]) -> BinaryIO:
    """``source`` opened for reading if it is a regular file; InputError if it is not.

    For inputs read as a stream with no size cap (`triage batch`); ``read_text`` uses it too.
    """
    name = os.fspath(source)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once (then it is refused below).
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError([f"{name}: no such file"]) from None
    except IsADirectoryError:
        raise InputError([f"{name}: is a folder, not a file"]) from None
    except OSError as error:
        raise InputError([f"{name}: {error.strerror or error}"]) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise InputError([f"{name}: is a folder, not a file"])
        raise InputError([f"{name}: not a regular file (a device, pipe or socket); give a file, or -"])
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _read_bounded(read: Callable[[int], bytes], name: str, limit: int) -> bytes:
    data = read(limit + 1)
    if len(data) > limit:
        raise InputError([f"{name}: larger than {limit:,} bytes; an answers file is a few kilobytes"])
    return data


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # -sig: a leading byte-order mark is dropped
    except UnicodeDecodeError as error:
        raise InputError([f"{name}: not UTF-8 text (byte {error.start + 1} cannot be read)"]) from None


MAX_LINE = 1_000_000  # bytes in one line of a batch input: one person's answers take a few kilobytes


def lines_bounded(stream: BinaryIO, limit: int = MAX_LINE) -> Iterator[bytes | None]:
    """Each line of a binary stream, newline included; None for a line over ``limit`` bytes,
    which is skipped without ever being held whole in memory (a 300 MB line costs 64 KB)."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 16)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line
