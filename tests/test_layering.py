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
        _describe(group, graph) for group in found
    )


def test_modules_of_a_package_never_import_the_package_itself() -> None:
    """eventkit/ui/__init__.py only re-exports for pages: its modules import each other directly."""
    graph = import_graph()
    packages = [(name, f"{name}.") for name in graph if (ROOT / name.replace(".", "/") / "__init__.py").exists()]

    def check(name: str) -> None:
        parents = {pkg for pkg, prefix in packages if name.startswith(prefix)}
        assert not graph[name] & parents, (
            f"imports {sorted(graph[name] & parents)}: import the module that defines the name"
        )

    assert_every([(name, name) for name in sorted(graph)], check)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions (prose may name a file)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def page_paths_spelled_out(source: str) -> list[str]:
    """The string literals (outside docstrings) in `source` that name a file under pages/."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "pages/" in node.value
        and id(node) not in prose
    ]


def test_the_page_path_finder_finds_literals_not_prose() -> None:
    source = '"""Pages live under pages/."""\nNOW = "pages/attendee_now.py"\n# see pages/x.py\nlink(f"pages/{name}")\n'
    assert page_paths_spelled_out(source) == ["pages/attendee_now.py", "pages/"]


def test_pages_are_named_through_routes_only() -> None:
    """Product code names pages by the constants of eventkit/ui/routes.py, never by a "pages/…" string."""
    product = [p for p in [*EVENTKIT.rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"] if p != ROUTES]

    def check(path: Path) -> None:
        found = page_paths_spelled_out(path.read_text(encoding="utf-8"))
        assert not found, f"{found}: use the page's name in eventkit/ui/routes.py"

    assert_every([(str(p.relative_to(ROOT)), p) for p in sorted(product)], check)
    assert page_paths_spelled_out(ROUTES.read_text(encoding="utf-8")), "routes.py holds the table of pages"


def test_the_table_of_pages_names_every_page_file_once() -> None:
    from eventkit.ui import routes

    named = {value for key, value in vars(routes).items() if key.isupper() and isinstance(value, str)}
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    table = [file for file, _title, _url in routes.PAGES]
    assert named == files == set(table) and len(table) == len(files)
