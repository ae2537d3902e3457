"""Shared fixtures: a Store on a temporary database file, with or without the demo event."""

from __future__ import annotations

import pytest

from eventkit.demo import DEMO_FILE
from eventkit.eventfile import load_event_file
from eventkit.storage import Store


@pytest.fixture(scope="session")
def demo_spec():
    """The demo event file, parsed once per run (its passcode hash is slow on purpose).

    Shared between tests: treat it as read-only.
    """
    return load_event_file(DEMO_FILE)


@pytest.fixture
def store(tmp_path):
    """An empty Store on a fresh database file."""
    return Store(tmp_path / "eventkit.db")


@pytest.fixture
def demo(store, demo_spec):
    """(store, event): a Store with the demo event imported."""
    event_id = store.import_event(demo_spec)
    return store, store.get_event(event_id)
