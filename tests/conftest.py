"""Shared fixtures: a Store on a fresh database, with or without the demo event.

Tests that take `store`, `demo`, `app_db` or `engine` run on both engines:
SQLite (a temporary file) and PostgreSQL (a fresh schema in the database
named by $EVENTKIT_TEST_PG, e.g. the throwaway cluster `.ci/run` starts).
Without that variable the PostgreSQL leg is left out: the run's header says
so, and tests/test_postgres_leg.py is reported as skipped with the reason.
Tests of SQLite's own machinery (its files, pragmas, connections) are marked
`sqlite_only` and run on SQLite alone.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shutil
import tempfile
import types
import uuid
from pathlib import Path

import pytest

from eventkit.access import security
from eventkit.event.demo import DEMO_FILE, DEMO_PASSCODE
from eventkit.event.file import load_event_file
from eventkit.storage import Store
from tests.app_pages import app_database, demo_in
from tests.live_server import live_server, rehearsal  # noqa: F401  one real server and rehearsal per run

TMPFS = Path("/dev/shm")
PG_URL = os.environ.get("EVENTKIT_TEST_PG", "")
PG_SKIP = (
    "PostgreSQL leg not run: set EVENTKIT_TEST_PG=postgresql://… to a database the tests may fill "
    "(.ci/run starts a throwaway cluster and sets it)"
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: checks SQLite's own files, pragmas or connections; runs on SQLite alone"
    )
    config.addinivalue_line(
        "markers",
        "postgresql_only: checks the PostgreSQL backend's own machinery (pool, "
        "lost connections); skipped, with the reason, without $EVENTKIT_TEST_PG",
    )


def pytest_report_header(config):
    return f"database engines: sqlite, postgresql ({PG_URL})" if PG_URL else f"database engines: sqlite. {PG_SKIP}"


def pytest_generate_tests(metafunc):
    """Every test that uses a database fixture runs once per engine (sqlite_only: SQLite alone)."""
    if "engine" in metafunc.fixturenames:
        postgresql = "postgresql" if PG_URL else pytest.param("postgresql", marks=pytest.mark.skip(reason=PG_SKIP))
        if metafunc.definition.get_closest_marker("postgresql_only"):
            engines = [postgresql]
        elif metafunc.definition.get_closest_marker("sqlite_only") or not PG_URL:
            engines = ["sqlite"]
        else:
            engines = ["sqlite", "postgresql"]
        metafunc.parametrize("engine", engines, indirect=True, scope="module")


def pytest_terminal_summary(terminalreporter):
    ran = {"sqlite": 0, "postgresql": 0}
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for name in ran:
            if report.when == "call" and re.search(rf"[\[-]{name}[\]-]", report.nodeid):
                ran[name] += 1
    if any(ran.values()):
        terminalreporter.write_line(
            f"tests run per database engine: sqlite {ran['sqlite']}, "
            f"postgresql {ran['postgresql']}" + ("" if PG_URL else f" ({PG_SKIP})")
        )


@pytest.fixture(scope="module")
def engine(request):
    """ "sqlite" or "postgresql": the engine this test runs on."""
    return request.param


def _pg_schema_url(schema: str) -> str:
    joiner = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{joiner}options=-c%20search_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_admin():
    """A connection to the test PostgreSQL database, for making and dropping schemas."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="module")
def new_database(request, engine, db_dirs):
    """Call it for the location of a fresh, empty database on this test's engine (dropped afterwards)."""
    made: list[str] = []

    def make(name: str = "db") -> str:
        if engine == "sqlite":
            return str(db_dirs(name) / "eventkit.db")
        admin = request.getfixturevalue("pg_admin")
        schema = f"ek_{name}_{uuid.uuid4().hex[:12]}"
        admin.execute(f"CREATE SCHEMA {schema}")
        made.append(schema)
        return _pg_schema_url(schema)

    yield make
    if made:
        from eventkit.storage.backends.postgres import PostgresEngine

        admin = request.getfixturevalue("pg_admin")
        for schema in made:
            PostgresEngine(_pg_schema_url(schema)).close()
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session", autouse=True)
def _scan_for_streamlit_components_once():
    """Every new AppTest scans the metadata of every installed package for Streamlit
    components (Streamlit 1.67, BidiComponentManager), about 0.1 s of CPU per page test;
    the installed packages do not change during a run, so the scan is done once."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests)
        )
        yield


@pytest.fixture(autouse=True)
def _organiser_password_made_quickly(monkeypatch):
    """A page test on a fresh database makes the organiser password, as a first start does,
    and would hash it with scrypt at n=2**15: 0.2 s of CPU per test. eventkit.access.staff hashes
    (and rehashes) with n=16 here (the same code path; tests of the hash call eventkit.access.security)."""
    from eventkit.access import security, staff

    quick = functools.partial(security.hash_passcode, n=16)
    monkeypatch.setattr(staff, "security", types.SimpleNamespace(**{**vars(security), "hash_passcode": quick}))


@pytest.fixture(scope="session")
def db_dirs(tmp_path_factory):
    """Call it for a fresh temporary directory for database files.

    On tmpfs when the machine has one: the store fsyncs every commit
    (synchronous=FULL), which is free there, so database-heavy tests stay
    fast however busy the disk is. Removed at the end of the run.
    """
    made: list[Path] = []
    on_tmpfs = TMPFS.is_dir() and os.access(TMPFS, os.W_OK)

    def make(name: str = "db") -> Path:
        if not on_tmpfs:
            return tmp_path_factory.mktemp(name)
        made.append(Path(tempfile.mkdtemp(prefix=f"eventkit-{name}-", dir=TMPFS)))
        return made[-1]

    yield make
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_spec():
    """The demo event file, parsed once per run, with its passcode hashed at a test cost.

    The real hash is slow on purpose (scrypt, 0.2 s or more), and a test that unlocks the demo's
    control panel checks it every time: about 250 checks in the fast tier. The same passcode at
    scrypt n=16 keeps the same code path; tests of the real hash load the file themselves
    (tests/test_eventfile.py). Shared between tests: treat it as read-only.
    """
    from eventkit.storage.editing import ready_to_save

    parsed = load_event_file(DEMO_FILE)
    assert parsed.facilitator_passcode == DEMO_PASSCODE  # plain in the file: the Store hashes it on save
    quick = security.hash_passcode(DEMO_PASSCODE, n=16)
    return ready_to_save(dataclasses.replace(parsed, facilitator_passcode="", facilitator_passcode_hash=quick))


@pytest.fixture(scope="session")
def pg_schemas(pg_admin):
    """Emptied schemas of earlier tests, ready for the next (migrating a new one costs ~0.3 s)."""
    spare: list[str] = []
    yield spare
    for schema in spare:
        pg_admin.execute(f"DROP SCHEMA {schema} CASCADE")


def _emptied(admin, schema: str) -> bool:
    """Delete every row but the migrations and restart the ids: as good as a new database."""
    try:
        tables = [
            r[0]
            for r in admin.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                "AND table_type = 'BASE TABLE' AND table_name <> 'migrations'",
                [schema],
            )
        ]
        sequences = [
            r[0]
            for r in admin.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'S'",
                [schema],
            )
        ]
        admin.execute(
            "; ".join(
                [f"DELETE FROM {schema}.{t}" for t in tables]
                + [f"SELECT setval('{schema}.{s}', 1, false)" for s in sequences]
            )
        )
        return True
    except Exception:
        return False


@pytest.fixture
def fresh_location(engine, db_dirs, request):
    """The location of a fresh, empty database for one test (a file path or a postgresql:// URL)."""
    if engine == "sqlite":
        yield str(db_dirs() / "eventkit.db")
        return
    from eventkit.storage.backends.postgres import PostgresEngine

    admin, spare = request.getfixturevalue("pg_admin"), request.getfixturevalue("pg_schemas")
    schema = spare.pop() if spare else f"ek_{uuid.uuid4().hex[:16]}"
    admin.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    yield _pg_schema_url(schema)
    PostgresEngine(_pg_schema_url(schema)).close()
    if _emptied(admin, schema):
        spare.append(schema)
    else:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def store(fresh_location):
    """An empty Store on a fresh database (a temporary file, or a fresh PostgreSQL schema)."""
    return Store(fresh_location)


@pytest.fixture
def demo(store, demo_spec):
    """(store, event): a Store with the demo event imported."""
    event_id = store.import_event(demo_spec)
    return store, store.get_event(event_id)


@pytest.fixture
def app_db(fresh_location, monkeypatch, demo_spec):
    """(store, event): the demo event in a fresh database that the app uses too."""
    with app_database(fresh_location, monkeypatch) as path:
        yield demo_in(path, demo_spec)


@pytest.fixture
def through_the_router(monkeypatch):
    """AppTest runs pages as the server does: through app.py's router (st.navigation, faults.run_page).

    AppTest forgets, before every run, that the app uses st.navigation, and a `pages/`
    folder beside app.py then makes Streamlit run a page whose address is its file name
    (pages/facilitator.py, /facilitator) straight from the folder, bypassing the router;
    the server never does (app.py's use_st_navigation_only, at import)."""
    from streamlit.runtime.pages_manager import PagesManager

    real = PagesManager.__init__

    def navigation_only(self, *args, **kwargs):
        real(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", navigation_only)
    yield
    PagesManager.uses_pages_directory = None
