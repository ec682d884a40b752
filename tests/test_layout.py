"""The layout: the web layer and the CLI are siblings over the library.

Read from the source (imports at any depth, including inside functions, and the modules that
lazy commands name): no library module
imports a front end, the web does not import the CLI (nor the CLI the web, except the one
lazy import in `triage serve`), and no front-end module is part of an import circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "triage"
FRONT_ENDS = ("cli", "web")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The triage modules this file imports (relative or absolute)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("triage"):
                found.add(target)
                for alias in node.names:  # `from . import x` may name a module
                    found.add(f"{target}.{alias.name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # a lazy command names its module in a string: "triage.cli_ask:ask_command"
            if node.value.startswith("triage.") and ":" in node.value:
                found.add(node.value.split(":", 1)[0])
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("triage")}
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return {m for m in found if m in modules and m != name}


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def is_front_end(module: str) -> bool:
    leaf = module.split(".")[1] if "." in module else ""
    return leaf.startswith("cli") or leaf == "web" or leaf == "__main__"


def test_the_library_imports_no_front_end():
    for module, targets in GRAPH.items():
        if module != "triage" and not is_front_end(module):
            assert not {t for t in targets if is_front_end(t)}, f"{module} imports a front end"


def test_web_and_cli_are_siblings():
    for module, targets in GRAPH.items():
        if module.startswith("triage.web"):
            assert not [t for t in targets if t.startswith("triage.cli")], f"{module} imports the CLI"
        if module.startswith("triage.cli") and module != "triage.cli_web":
            assert not [t for t in targets if t.startswith("triage.web")], f"{module} imports the web"


def test_no_import_cycles():
    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in GRAPH.get(node, ()):
                if nxt == start:
                    return [*path, start]
                if nxt not in path and len(path) < 12:
                    stack.append((nxt, [*path, nxt]))
        return None

    # Circles through a front end (the CLI's modules, the web); a lazy import inside the
    # library (knowledge -> kb_cache) is the library's own business.
    cycles = {m: c for m in GRAPH if is_front_end(m) and (c := cycle_from(m)) and "triage" not in c}
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles.values())
