"""Where the knowledge base and the report templates are.

In a built wheel they are packaged inside triage/ (see pyproject.toml, force-include);
in a source checkout or an editable install they are the top-level rules/ and reports/.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"triage: cannot find the {name}/ folder next to {_PACKAGE}")


def rules_dir() -> Path:
    return _find("rules")


def reports_dir() -> Path:
    return _find("reports")
