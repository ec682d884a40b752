"""Where the `triage` command starts and ends: the console script and `python -m triage`.

Starting, a command makes some 30,000 objects that live until it exits (click, experta, the
knowledge base, the RETE network). At Python's default threshold the cyclic garbage
collector runs about 40 times over them on the way to a result and frees next to nothing:
several ms of a start that should take under 120 ms. So the command collects after 50,000
new objects instead of 700: a one-shot command never needs to, and long-running ones
(`serve`, `batch`, `ask`) still collect, only less often.

Ending, the interpreter runs one last full collection over everything before it exits
(~10 ms here): the objects are frozen first (``gc.freeze``), so it skips them. Nothing else
changes: output is flushed, files closed and exit handlers run as before; only cycles among
those objects are not collected, which the end of the process does anyway.

Library users are not affected: this runs only when the command does.

Standard output that cannot be written (a full disk, `> /dev/full`) is a clear message and
exit 2, not a traceback: the output is flushed here, where the failure can be caught.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

FIRST_GENERATION_THRESHOLD = 50_000


def run() -> None:
    gc.set_threshold(FIRST_GENERATION_THRESHOLD)  # before click and the rest are imported
    from .main import main

    try:
        try:
            main()
        finally:
            sys.stdout.flush()
    except OSError as error:
        _output_failed(error)
    finally:
        gc.freeze()  # the exit's last collection would walk every object for nothing


def _output_failed(error: OSError) -> None:
    with contextlib.suppress(OSError, ValueError):  # the exit's own flush must not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.stderr.write(f"triage: cannot write the output\n  - {error.strerror or error}\n")
    sys.exit(2)
