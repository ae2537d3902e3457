"""Shared fixtures: a Store on a temporary database file, with or without the demo event."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import types
from pathlib import Path

import pytest
import streamlit as st

from eventkit.demo import DEMO_FILE
from eventkit.eventfile import load_event_file
from eventkit.storage import Store
from tests.live_server import live_server, rehearsal  # noqa: F401  one real server and rehearsal per run

TMPFS = Path("/dev/shm")


@pytest.fixture(scope="session", autouse=True)
def _scan_for_streamlit_components_once():
    """Every new AppTest scans the metadata of every installed package for Streamlit
    components (Streamlit 1.67, BidiComponentManager), about 0.1 s of CPU per page test;
    the installed packages do not change during a run, so the scan is done once."""
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests",
                      functools.cache(manifest_scanner.scan_component_manifests))
        yield


@pytest.fixture(autouse=True)
def _organiser_password_made_quickly(monkeypatch):
    """A page test on a fresh database makes the organiser password, as a first start does,
    and would hash it with 200,000 PBKDF2 iterations: 70 ms of CPU per test. eventkit.staff
    hashes it with 1,000 here (the same code path; tests of the hash call eventkit.security)."""
    from eventkit import security, staff

    quick = functools.partial(security.hash_passcode, iterations=1_000)
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
    """The demo event file, parsed once per run (its passcode hash is slow on purpose).

    Shared between tests: treat it as read-only.
    """
    return load_event_file(DEMO_FILE)


@pytest.fixture
def store(db_dirs):
    """An empty Store on a fresh temporary database file."""
    return Store(db_dirs() / "eventkit.db")


@pytest.fixture
def demo(store, demo_spec):
    """(store, event): a Store with the demo event imported."""
    event_id = store.import_event(demo_spec)
    return store, store.get_event(event_id)


@pytest.fixture
def app_db(tmp_path, monkeypatch, demo_spec):
    """(store, event): the demo event in a fresh database that the app uses too."""
    path = tmp_path / "eventkit.db"
    monkeypatch.setenv("EVENTKIT_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    store = Store(path)
    event_id = store.import_event(demo_spec)  # the parsed demo: skips the slow passcode hash
    yield store, store.get_event(event_id)
    st.cache_data.clear()
    st.cache_resource.clear()
