"""Where the knowledge base and the report templates are.

In a built wheel they are packaged inside triage/ (see pyproject.toml, force-include);
in a source checkout or an editable install they are the top-level rules/ and reports/.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

# The name this program is installed by (`pip install knee-triage`). PyPI's `triage` is an
# unrelated project; the import package and the command stay `triage`.
DISTRIBUTION = "knee-triage"

KB_ENV = "TRIAGE_KB"  # a knowledge-base folder to use instead of the shipped one (`triage --kb DIR` sets it)

_PACKAGE = Path(__file__).resolve().parents[1]  # triage/, the package this kb/ sits in


@cache  # the package does not move while it runs: no stat() per assessment
def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"triage: cannot find the {name}/ folder next to {_PACKAGE}")


def rules_dir() -> Path:
    return _find("rules")


def knowledge_base_dir() -> Path:
    """The knowledge base to use: $TRIAGE_KB if set, else the shipped rules/. The one place this is decided."""
    chosen = os.environ.get(KB_ENV, "").strip()
    return Path(chosen).expanduser().resolve() if chosen else rules_dir()


def reports_dir() -> Path:
    return _find("reports")
