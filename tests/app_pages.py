"""For AppTest page tests: point the app at a test database, and open one of its pages.

@pytest.fixture
def db(tmp_path, monkeypatch):
    with app_database(tmp_path / "x.db", monkeypatch, admin_password=PASSWORD) as path:
        yield path

at = open_page("pages/organiser.py", password=PASSWORD)  # signed in by typing the password
at = open_signed_in("pages/organiser_qr.py")  # signed in with a pass, nothing typed
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from eventkit.models import Event
from eventkit.storage import Store
from tests.signing_in import sign_in_organiser

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@contextmanager
def app_database(location: str | Path, monkeypatch, admin_password: str | None = None) -> Iterator[str | Path]:
    """The app uses the database at `location` ($EVENTKIT_DB), and `admin_password` as the organiser
    password when given; Streamlit's caches are cleared before and after, so no test sees another's."""
    monkeypatch.setenv("EVENTKIT_DB", str(location))
    if admin_password is not None:
        monkeypatch.setenv("EVENTKIT_ADMIN_PASSWORD", admin_password)
    _clear_caches()
    try:
        yield location
    finally:
        _clear_caches()


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, *, password: str | None = None, timeout: float = 60, **params: object) -> AppTest:
    """Run the app on `page` with the query string `params`; with `password`, then sign in by typing
    it into the page's sign-in form (the organiser password, or a control panel's passcode)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = str(value)
    at.switch_page(page).run()
    if password is not None:
        at.text_input[0].input(password)
        at.button[0].click().run()
    return at


def open_signed_in(page: str, token: str | None = None) -> AppTest:
    """The organiser page, signed in with a pass put in the session, without typing (the sign-in
    itself is tested elsewhere); give the token of an earlier page to sign in without writing to
    the database."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page)
    return sign_in_organiser(at, token).run()


def shown_texts(at: AppTest) -> list[str]:
    """The values of every st.text element on the page."""
    return [t.value for t in at.text]


def demo_in(location: str | Path, demo_spec) -> tuple[Store, Event]:
    """(store, event): the demo event imported into the database at `location`
    (from the parsed demo, which skips the slow passcode hash)."""
    store = Store(location)
    event_id = store.import_event(demo_spec)
    return store, store.get_event(event_id)
