"""The Streamlit adapter of live updates (eventkit/live): the app's Store and its shared reads.

Its whole surface, which eventkit/ui/live re-exports:

- store(): the app's Store, one per database for every session; a write
  through it drops the shared reads it makes stale (declared with
  @changes in eventkit/storage: the shared reads subscribe to it);
- reads(): the shared, short-lived reads (eventkit.live.reads.READS);
- configured_admin_password(): the organiser password from secrets.toml or the environment.

Staff screens look again on timers; phones are HTML pages that follow an event
stream (eventkit/web). The sequence from a facilitator's tap to a phone's
redraw is in eventkit/live/README.md.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from eventkit.access import staff
from eventkit.event.demo import ensure_demo

from ...live.hub import wake_hubs_on_writes_of
from ...live.reads import SharedReads
from ...storage import Store, StoreError, allow_many_open_files, default_path


def configured_admin_password() -> str | None:
    """The organiser password set in secrets.toml (admin_password) or $EVENTKIT_ADMIN_PASSWORD."""
    try:
        secret = st.secrets.get(staff.SECRETS_KEY)
    except Exception:  # no secrets.toml at all
        secret = None
    return staff.configured_admin_password(secret if isinstance(secret, str) else None)


@st.cache_resource
def _reads_for(path: str) -> SharedReads:
    allow_many_open_files()  # once per server process
    plain = Store(path)
    ensure_demo(plain)
    # No organiser password configured or stored yet: make one and print it here, once.
    # Too busy just now (StoreError): the organiser sign-in page makes it (roles.py).
    with contextlib.suppress(StoreError):
        staff.start_up(plain, configured_admin_password())
    wake_hubs_on_writes_of(plain)  # the Console's changes reach the HTML phones' streams at once
    return SharedReads(plain)


def reads() -> SharedReads:
    """The reads every screen of this server shares (one query per lifetime, not per screen)."""
    return _reads_for(default_path())


def store() -> Store:
    """The app's Store; a write through it drops the shared reads it makes stale (they subscribe to it)."""
    return reads().store
