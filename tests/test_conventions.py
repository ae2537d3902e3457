"""House rules that keep the code base in shape, checked on every run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.every import assert_every

ROOT = Path(__file__).resolve().parents[1]
EVENTKIT = ROOT / "eventkit"
PAGES = sorted((ROOT / "pages").glob("*.py"))
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I | re.S)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(outside: str) -> list[Path]:
    return [p for p in EVENTKIT.rglob("*.py") if outside not in p.relative_to(EVENTKIT).parts]


def _full_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _rows(paths) -> list[tuple[str, Path]]:
    """(file relative to the repo, file): one row per file for assert_every."""
    return [(str(p.relative_to(ROOT)), p) for p in sorted(paths)]


def test_only_the_ui_package_imports_streamlit() -> None:
    # The rehearsal client may use Streamlit's wire format (streamlit.proto),
    # which is protocol, not UI.
    def check(path: Path) -> None:
        ui_imports = {
            m for m in _full_imports(path) if m.split(".")[0] == "streamlit" and not m.startswith("streamlit.proto")
        }
        assert not ui_imports, "keep streamlit in eventkit/ui so the rest stays plain Python"

    assert_every(_rows(_modules("ui")), check)


def test_sql_lives_only_in_storage() -> None:
    def check(path: Path) -> None:
        assert "sqlite3" not in _imports(path)
        assert "sqlite_utils" not in _imports(path)
        assert not SQL.search(path.read_text(encoding="utf-8")), "move SQL into eventkit/storage"

    assert_every(_rows(_modules("storage")), check)


def test_pages_hold_no_sql_and_no_raw_html() -> None:
    def check(path: Path) -> None:
        source = path.read_text(encoding="utf-8")
        assert not {"sqlite3", "sqlite_utils"} & _imports(path)
        assert not SQL.search(source)
        assert "unsafe_allow_html" not in source

    assert_every(_rows([ROOT / "app.py", *PAGES]), check)


def test_no_unsafe_html_anywhere() -> None:
    def check(path: Path) -> None:
        assert "unsafe_allow_html=True" not in path.read_text(encoding="utf-8")

    assert_every(_rows([*EVENTKIT.rglob("*.py"), ROOT / "app.py", *PAGES]), check)


def test_router_stays_small() -> None:
    assert len((ROOT / "app.py").read_text().splitlines()) <= 60


MODULE_LINES = 300  # a module longer than this is split by concern (CONTRIBUTING.md, house rules)
PAGE_LINES = 100  # a page is a thin script: its parts live in an eventkit/ui module


def test_modules_and_pages_stay_small() -> None:
    """Every eventkit/**/*.py has at most 300 lines and every pages/*.py at most 100, each named with its count."""

    def check(path: Path, most: int) -> None:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= most, f"{lines} lines, over {most}: split it by concern"

    rows = [(name, path, MODULE_LINES) for name, path in _rows(EVENTKIT.rglob("*.py"))]
    rows += [(name, path, PAGE_LINES) for name, path in _rows(PAGES)]
    assert_every(rows, check)


STORAGE = EVENTKIT / "storage"
SQLITE_BACKEND = STORAGE / "backends" / "sqlite.py"
POSTGRES_BACKEND = STORAGE / "backends" / "postgres.py"
# SQLite-only constructs, with the portable form both engines run (docs/architecture.md, "Why each package exists").
NOT_PORTABLE = {
    r"\.lastrowid\b": "INSERT … RETURNING id",
    r"\bINSERT\s+OR\s+(IGNORE|REPLACE)\b": "INSERT … ON CONFLICT DO NOTHING / DO UPDATE",
    r"\bIS\s+(NOT\s+)?\?": "IS [NOT] DISTINCT FROM CAST(? AS …)",
    r"\browid\b": "an explicit column",
    r"\bPRAGMA\b": "the backend (storage/backends/)",
    r"\bsqlite_master\b": "engine.table_names()",
    r"\bprintf\(": "Python formatting",
    r"\bBEGIN\s+IMMEDIATE\b": "store.write()",
    r"\b(strftime|julianday|datetime)\(": "timestamps made in Python (utc_now)",
}


def test_only_the_backends_import_a_database_driver() -> None:
    def check(path: Path) -> None:
        drivers = {"sqlite3", "sqlite_utils", "psycopg", "psycopg_pool"} & _imports(path)
        if path.parent == SQLITE_BACKEND.parent and path.name.startswith("sqlite"):
            allowed = {"sqlite3", "sqlite_utils"}
        else:
            in_postgres = path.parent == POSTGRES_BACKEND.parent and path.name.startswith("postgres")
            allowed = {"psycopg", "psycopg_pool"} if in_postgres else set()
        assert drivers <= allowed, "a driver belongs in its backend, storage/backends/"

    assert_every(_rows(STORAGE.rglob("*.py")), check)


def test_domain_sql_runs_on_both_engines() -> None:
    def check(path: Path) -> None:
        source = path.read_text(encoding="utf-8")
        found = {fix for pattern, fix in NOT_PORTABLE.items() if re.search(pattern, source, re.I)}
        assert not found, f"SQLite-only SQL in {path.name}; write it as: {', '.join(sorted(found))}"

    assert_every(_rows(p for p in STORAGE.glob("*.py")), check)


def test_the_postgresql_driver_is_an_optional_extra() -> None:
    assert "psycopg" not in (ROOT / "requirements.txt").read_text()
    extra = (ROOT / "requirements-postgres.txt").read_text()
    assert re.search(r"^psycopg\[binary\]==", extra, re.M) and re.search(r"^psycopg-pool==", extra, re.M)


def test_ci_runs_lint_format_and_type_checks_before_the_tests() -> None:
    """.ci/run runs ruff, ruff's format check and mypy, each pinned in requirements-dev.txt, then the tests last."""
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [c for c in commands if c and not c.startswith("#")]
    for check in ("ruff check .", "ruff format --check .", "mypy"):
        assert check in commands, f".ci/run does not run {check!r}"
        assert commands.index(check) < commands.index("python -m pytest -q")
    assert commands[-1] == "python -m pytest -q"
    pins = (ROOT / "requirements-dev.txt").read_text().split()
    assert sorted(p.split("==")[0] for p in pins if p.startswith(("ruff==", "mypy=="))) == ["mypy", "ruff"]
