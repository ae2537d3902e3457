"""Imports flow one way, and pages are named, not spelled out as paths.

The import graph of eventkit is built from the source (every import
statement, including those inside functions: a late import hides a cycle, it
does not remove it) and must have no cycle. A module that imports a name
from its own package's __init__ while that __init__ imports the module is a
cycle too, and is reported as one.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.every import assert_every

ROOT = Path(__file__).resolve().parents[1]
EVENTKIT = ROOT / "eventkit"
ROUTES = EVENTKIT / "ui" / "routes.py"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The eventkit modules `path` imports, by name (`from . import x` counts x if it is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package(path).split(".")
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {name for name in found if name in known}


def import_graph(root: Path = EVENTKIT) -> dict[str, set[str]]:
    files = {module_name(p): p for p in sorted(root.rglob("*.py"))}
    known = set(files)
    return {name: imported_modules(path, known) - {name} for name, path in files.items()}


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


def _describe(group: list[str], graph: dict[str, set[str]]) -> str:
    inside = set(group)
    edges = [f"{a} -> {b}" for a in group for b in sorted(graph[a] & inside)]
    return "; ".join(edges)


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": {"e"}, "f": set()}
    assert cycles(graph) == [["a", "b", "c"], ["e", "e2"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_modules_or_their_package() -> None:
    graph = import_graph(EVENTKIT)
    assert "eventkit.storage" in graph["eventkit.ui.faults"]  # from ..storage import current_fault
    assert "eventkit.ui.cookies" in graph["eventkit.ui.roles"]  # from . import cookies


def test_eventkit_has_no_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles (imports must flow one way):\n" + "\n".join(
        _describe(group, graph) for group in found)


def test_modules_of_a_package_never_import_the_package_itself() -> None:
    """eventkit/ui/__init__.py only re-exports for pages: its modules import each other directly."""
    graph = import_graph()
    packages = [(name, f"{name}.") for name in graph if (ROOT / name.replace(".", "/") / "__init__.py").exists()]

    def check(name: str) -> None:
        parents = {pkg for pkg, prefix in packages if name.startswith(prefix)}
        assert not graph[name] & parents, f"imports {sorted(graph[name] & parents)}: import the module that defines the name"

    assert_every([(name, name) for name in sorted(graph)], check)
