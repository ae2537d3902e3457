"""The app's Store and the short-lived cached reads that many open screens share.

One Store per database path serves every session of the server. A hundred
phones polling the same event cost one query per TTL, not a hundred: the
reads below are cached for everyone, and clear_shared_reads() drops them
after a write every screen should see at once.
"""

from __future__ import annotations

import streamlit as st

from .. import staff
from ..demo import ensure_demo
from ..models import Event, Live, Note, Poll, PollResults, Table, WallPrompt
from ..storage import Store, StoreError, allow_many_open_files, default_path


def configured_admin_password() -> str | None:
    """The organiser password set in secrets.toml (admin_password) or $EVENTKIT_ADMIN_PASSWORD."""
    try:
        secret = st.secrets.get(staff.SECRETS_KEY)
    except Exception:  # no secrets.toml at all
        secret = None
    return staff.configured_admin_password(secret if isinstance(secret, str) else None)


@st.cache_resource
def _store_for(path: str) -> Store:
    allow_many_open_files()  # once per server process
    store = Store(path)
    ensure_demo(store)
    try:  # no organiser password configured or stored yet: make one and print it here, once
        staff.start_up(store, configured_admin_password())
    except StoreError:  # too busy just now: the organiser sign-in page makes it (roles.py)
        pass
    return store


def store() -> Store:
    """The app's Store (one per database path, shared by every session)."""
    return _store_for(default_path())


# --- Cached shared reads (many screens, one query per TTL) -------------------


@st.cache_data(ttl=2, show_spinner=False)
def event_by_code(code: str) -> Event | None:
    return store().event_by_code(code)


# Bumped whenever shared reads are dropped. It is part of the cache key of the
# live reads: a run that began reading just before a change stores what it
# read under the old key, where no later run looks, instead of refilling the
# cache with the old activity for a second.
_generation = 0


def live(event_id: int) -> Live:
    """What is live at the event (shared, at most a second old)."""
    return _live(event_id, _generation)


def polls(event_id: int) -> list[Poll]:
    """The event's polls in order (shared, at most a second old)."""
    return _polls(event_id, _generation)


@st.cache_data(ttl=1, show_spinner=False)
def _live(event_id: int, generation: int) -> Live:
    return store().get_live(event_id)


@st.cache_data(ttl=1, show_spinner=False)
def _polls(event_id: int, generation: int) -> list[Poll]:
    return store().list_polls(event_id)


def poll(event_id: int, poll_id: int | None) -> Poll | None:
    """One poll of the event from the shared cached list."""
    return next((p for p in polls(event_id) if p.id == poll_id), None)


@st.cache_data(ttl=0.5, show_spinner=False)
def results(poll_id: int) -> PollResults:
    return store().poll_results(poll_id)


@st.cache_data(ttl=0.5, show_spinner=False)
def vote_count(poll_id: int) -> int:
    return store().vote_count(poll_id)


@st.cache_data(ttl=2, show_spinner=False)
def visible_notes(event_id: int) -> list[Note]:
    return store().list_notes(event_id)


@st.cache_data(ttl=30, show_spinner=False)
def prompts(event_id: int) -> list[WallPrompt]:
    return store().list_prompts(event_id)


@st.cache_data(ttl=30, show_spinner=False)
def tables(event_id: int) -> list[Table]:
    return store().list_tables(event_id)


def clear_shared_reads() -> None:
    """Drop cached reads after a write that every screen should see at once."""
    global _generation
    _generation += 1
    for fn in (event_by_code, _live, _polls, results, vote_count, visible_notes, prompts, tables):
        fn.clear()
