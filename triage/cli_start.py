"""Where the `triage` command starts: the console script and `python -m triage`.

Starting, a command makes some 30,000 objects that live until it exits (click, experta, the
knowledge base, the RETE network). At Python's default threshold the cyclic garbage
collector runs about 40 times over them on the way to a result and frees next to nothing:
several ms of a start that should take under 120 ms. So the command collects after 50,000
new objects instead of 700: a one-shot command never needs to, and long-running ones
(`serve`, `batch`, `ask`) still collect, only less often. Library users are not affected:
this runs only when the command does.
"""

from __future__ import annotations

import gc

FIRST_GENERATION_THRESHOLD = 50_000


def run() -> None:
    gc.set_threshold(FIRST_GENERATION_THRESHOLD)  # before click and the rest are imported
    from .cli import main

    main()
