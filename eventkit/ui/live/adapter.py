"""The Streamlit adapter of live updates (eventkit/live): the app's Store, its shared reads, push.

Its whole surface, which eventkit/ui/live re-exports:

- store(): the app's Store, one per database for every session; a write
  through it drops the shared reads it makes stale (declared with
  @changes in eventkit/storage: the shared reads subscribe to it);
- reads(): the shared, short-lived reads (eventkit.live.reads.READS);
- can_push(), watch(), shown(), forget(): what a phone's screen drew of the
  live activity, so the server reruns it when that changes.

following.py, beside this, holds the screen parts built on it. Private
Streamlit calls are all in runtime.py. The sequence from a facilitator's tap
to a phone's redraw is in eventkit/live/README.md.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from eventkit.access import staff
from eventkit.event.demo import ensure_demo

from ...live import LivePush, LiveSignature, live_signatures
from ...live.hub import wake_hubs_on_writes_of
from ...live.reads import SharedReads
from ...storage import Store, StoreError, allow_many_open_files, default_path
from . import runtime


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


# --- Push: rerun a phone's screen when the live activity changes -------------------------


def can_push() -> bool:
    """Whether the server can rerun screens itself (a real `streamlit run`, not AppTest)."""
    return runtime.can_rerun_sessions()


def watch(event_id: int, shown: LiveSignature) -> None:
    """Keep this session's attendee screen in step with the event's live activity.

    Called from inside a fragment, only that fragment is redrawn when the
    activity changes; otherwise the whole page is.
    """
    _pusher().watch(runtime.session_id(), event_id, shown, runtime.fragment_id())


def shown() -> LiveSignature | None:
    """What this session's screen last drew of the live activity, as push knows it."""
    return _pusher().shown(runtime.session_id())


def forget() -> None:
    """This session shows no attendee screen now (a staff page)."""
    if can_push():
        _pusher().forget(runtime.session_id())


@st.cache_resource
def _pusher() -> LivePush:
    shared = reads()

    def signatures(event_ids: set[int]) -> dict[int, LiveSignature]:
        try:
            return live_signatures(shared.store, event_ids)
        finally:
            # This thread lives as long as the server: keeping its connection
            # would keep the -wal file (and old copies of edited text) for ever.
            shared.store.release_connection()

    # A change seen here may come from another process, with other writes just before it
    # (Feedback opens the form, then makes it live): drop every shared answer, not just
    # the live ones, so the screens pushed now redraw from the database.
    pusher = LivePush(signatures, runtime.session_rerunner(), lambda event_id: shared.expire_all())
    pusher.start()
    return pusher
