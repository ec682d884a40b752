"""The layout: one folder per layer, and imports only go down the layers (docs/architecture.md).

Read from the source: imports at any depth (including inside functions and under
TYPE_CHECKING) and the modules that lazy commands and the web's blueprint list name in
strings. The layers, lowest first:

    io → kb → engine → core (triage/*.py) → report, fhir → governance → cli, web

A module may import its own layer and any layer below it. report and fhir are siblings and
never import each other; so are cli and web, with one named exception: `triage serve`
(triage/cli/web.py) starts the web server. No import circle anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "triage"

# The rank of each layer: a module may import a module of the same or a lower rank.
LAYERS = {"io": 0, "kb": 1, "engine": 2, "core": 3, "report": 4, "fhir": 4, "governance": 5, "cli": 6, "web": 6}
ALLOWED_SIBLING_IMPORTS = {("triage.cli.web", "triage.web.serve")}  # `triage serve` starts the server
FOLDERS = {name for name in LAYERS if name != "core"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}


def imports(path: Path) -> set[str]:
    """The triage modules this file imports (relative or absolute, or named in a string)."""
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
            # a lazy command names its module in a string: "triage.cli.ask:ask_command"
            if node.value.startswith("triage.") and ":" in node.value:
                found.add(node.value.split(":", 1)[0])
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("triage")}
    return {m for m in found if m in MODULES and m != name}


def layer(module: str) -> str | None:
    """The layer of a module; None for the package's own face (triage/__init__.py, __main__.py)."""
    parts = module.split(".")
    if module in ("triage", "triage.__main__"):
        return None
    return parts[1] if parts[1] in FOLDERS else "core"


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in graph.items():
        here = layer(module)
        if here is None:
            continue
        for target in sorted(targets):
            there = layer(target)
            if there is None:
                problems.append(f"{module} imports the package face {target}")
            elif LAYERS[there] > LAYERS[here] or (
                LAYERS[there] == LAYERS[here] and there != here and (module, target) not in ALLOWED_SIBLING_IMPORTS
            ):
                problems.append(f"{module} ({here}) imports {target} ({there})")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_sits_in_a_known_layer():
    top = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert top == FOLDERS, "a new folder needs a place in LAYERS and in docs/architecture.md"


def test_imports_only_go_down_the_layers():
    assert not layer_violations(import_graph())


def test_no_import_circles():
    assert not cycles(import_graph())


def test_the_package_face_imports_only_the_library():
    graph = import_graph()
    assert {layer(t) for t in graph["triage"]} <= {"core", "kb"}
    assert {layer(t) for t in graph["triage.__main__"]} == {"cli"}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"triage.kb.records": {"triage.engine.engine"}}, "triage.kb.records (kb) imports triage.engine.engine"),
        ({"triage.report.view": {"triage.fhir.outcome"}}, "triage.report.view (report) imports triage.fhir.outcome"),
        ({"triage.web.pages": {"triage.cli.common"}}, "triage.web.pages (web) imports triage.cli.common (cli)"),
        ({"triage.flow": {"triage.cli.questionnaire"}}, "triage.flow (core) imports triage.cli.questionnaire (cli)"),
    ],
)
def test_the_layer_check_catches_an_upward_or_sibling_import(extra, expected):
    """The check bites: the real graph with one wrong arrow added fails it."""
    graph = import_graph()
    for module, targets in extra.items():
        graph[module] = graph[module] | targets
    assert any(problem.startswith(expected) for problem in layer_violations(graph))


def test_the_circle_check_catches_a_circle():
    graph = import_graph()
    graph["triage.kb.records"] = graph["triage.kb.records"] | {"triage.kb.load"}  # load imports records
    assert any({"triage.kb.load", "triage.kb.records"} <= set(group) for group in cycles(graph))
