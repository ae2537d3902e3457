"""Streamlit helpers: the only module of eventkit that imports streamlit.

It holds the shared Store, short-lived cached reads that many open screens
share (so a hundred phones polling cost one query, not a hundred), the
attendee's identity from the page URL, role checks, and small widgets.
Session state is kept to a few named keys, reached only through functions
here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import security, staff
from ..demo import ensure_demo
from ..models import Event, Live, Note, Participant, Poll, PollResults, Table, WallPrompt
from ..storage import StorageFault, Store, StoreError, allow_many_open_files, default_path
from ..storage.participants import JoinRefused
from ..text import plain_markdown as plain  # noqa: F401  (pages call ui.plain)
from ..text import reflow
from .routes import link

STATIC = Path(__file__).parents[1] / "static"
# The projector should show a vote within 2 s: a 0.75 s timer plus results at
# most 0.5 s old. Only the projector and the control panel read results.
PROJECTOR_REFRESH_SECONDS = 0.75
_PARTICIPANT_KEY = "ek_participant"  # (event_id, token) -> Participant for this browser tab
_FLASH_KEY = "ek_flash"  # an error from a button's callback, for the run it triggers
PHONE_WALL_NOTES = 10  # notes a phone lists per wall question unless asked for all (each costs every redraw)


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


# --- Attendee identity --------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    event: Event
    token: str
    participant: Participant

    def link_params(self) -> dict[str, str]:
        """Query parameters that carry this attendee to another page."""
        return {"event": self.event.code, "p": self.token}


def current_attendee() -> Attendee | None:
    """The attendee behind this page's URL, joining them on first visit.

    Shows the join form or a clear message and returns None when the URL
    names no event, an unknown event or a closed one.
    """
    code = (st.query_params.get("event") or "").strip().upper()
    if not code:
        return None
    event = event_by_code(code)
    if event is None:
        st.error(f"There is no event with the code “{plain(code[:20])}”. Check the code on the screen or poster.")
        return None
    if event.status != "open":
        st.info(f"{plain(event.title)} has closed. Thank you for taking part.")
        return None
    token = st.query_params.get("p")
    if not security.looks_like_token(token):
        token = security.new_token()
        st.query_params["p"] = token
    table_no = _int_param("table")
    cache = st.session_state.setdefault(_PARTICIPANT_KEY, {})
    participant = cache.get((event.id, token))
    if participant is None or (table_no is not None and participant.table_no != table_no):
        try:
            participant = store().join(event.id, token, table_no)
        except JoinRefused as err:  # the door is closed, or far more joins this minute than a room makes
            use_css("attendee")
            st.info(str(err), icon=":material/door_front:" if err.reason == "closed" else ":material/hourglass_top:")
            st.button("Try again", type="primary")
            st.stop()
        except StorageFault:
            raise  # the router says it for this page's audience
        except StoreError as err:  # the server is too busy to take a write just now
            st.error(str(err))
            st.button("Try again", type="primary")
            st.stop()
        cache[(event.id, token)] = participant
    return Attendee(event, token, participant)


def attendee_page(here: str) -> Attendee:
    """Start the attendee screen `here` (its page file): the join form (and stop)
    without an event, else the attendee stylesheet and page links; returns the attendee."""
    attendee = current_attendee()
    if attendee is None:
        join_form()
        st.stop()
    use_css("attendee")
    attendee_nav(attendee, here)
    keep_in_step(attendee.event.id)
    return attendee


def remember_participant(attendee: Attendee, participant: Participant) -> None:
    """Update the session's copy of the participant (e.g. after choosing a table)."""
    st.session_state.setdefault(_PARTICIPANT_KEY, {})[(attendee.event.id, attendee.token)] = participant


def _int_param(name: str) -> int | None:
    value = st.query_params.get(name, "")
    # isascii: "²" and "١" are digits to str.isdigit but not to int() (or people)
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


ATTENDEE_PAGES = (
    ("pages/attendee_now.py", "Now", "⚡"),
    ("pages/attendee_wall.py", "Wall", "📝"),
    ("pages/attendee_table.py", "Table", "👥"),
    ("pages/attendee_evaluation.py", "Feedback", "💬"),
)


def attendee_nav(attendee: Attendee, here: str) -> None:
    """The attendee's page links, carrying their identity in the URL; the page shown
    is a marked label (one Tab stop fewer, never confused with a focused link)."""
    # wrap=True: at 200% zoom (about 195 CSS px) four links no longer fit on one row.
    with st.container(horizontal=True, wrap=True, gap="xsmall", horizontal_alignment="distribute"):
        for page, label, icon in ATTENDEE_PAGES:
            if page == here:
                with st.container(key="ek-nav-here", width="content"):
                    st.text(f"{icon} {label}")
            else:
                link(page, label=label, icon=icon, query_params=attendee.link_params())


def attendee_footer(attendee: Attendee) -> None:
    """The anonymity promise and the privacy link, on every attendee screen."""
    st.divider()
    st.caption(
        "Your answers are anonymous: no name, IP address or device details are stored. "
        "One vote per device is best effort: it relies on this page's link, so keep this tab "
        "open; scanning the QR code again counts as a new device."
    )
    link("pages/privacy.py", label="Privacy notice", icon="🔒",
                 query_params=attendee.link_params())


def use_css(name: str = "base") -> None:
    """Load a stylesheet from eventkit/static after base.css. Pages call it, not the router:
    Streamlit drops what the router draws before any page but the first."""
    st.html(_stylesheet(name))


class _Styles:
    """A stylesheet for st.html, read from disk once per process.

    Given a path, st.html reads the file on every run; given a string, it
    checks whether the string names a file. This object skips both.
    """

    def __init__(self, css: str) -> None:
        self._html = f"<style>{css}</style>"

    def _repr_html_(self) -> str:
        return self._html


@functools.cache
def _stylesheet(name: str) -> _Styles:
    names = dict.fromkeys(("base", name))
    return _Styles("\n".join((STATIC / f"{n}.css").read_text(encoding="utf-8") for n in names))


def flash(message: str) -> None:
    """From a button's callback: show this error in the run the tap triggers."""
    st.session_state[_FLASH_KEY] = message


def has_flash() -> bool:
    """Whether a callback left an error for this run to show."""
    return bool(st.session_state.get(_FLASH_KEY))


def show_flash() -> None:
    """Show (once) the error a callback left, if any."""
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.error(message)


def show_literal(text: str) -> None:
    """Show attendee text exactly as typed: never as Markdown or HTML."""
    st.text(text)


def show_prose(text: str) -> None:
    """Show organiser prose (welcome, facts, stories) as plain reflowed paragraphs."""
    for paragraph in reflow(text):
        st.text(paragraph)


def join_form() -> None:
    """Ask for an event code when the URL carries none."""
    use_css("attendee")
    st.title("Join an event")
    with st.form("join"):
        code = st.text_input("Event code", max_chars=12, placeholder="e.g. FIFE16",
                             help="Shown on the screen and on the QR posters.")
        if st.form_submit_button("Join", type="primary", width="stretch"):
            if code.strip():
                st.query_params["event"] = code.strip().upper()[:12]
                st.rerun()
            st.error("Please type the event code first.")
    st.caption("No account needed, nothing to install. Your answers are anonymous.")
    if event_by_code("FIFE16") is not None:
        st.caption("Trying the demo? Its code is FIFE16.")
    st.divider()
    link("pages/facilitator.py", label="Facilitator control panel", icon="🎛️")
    link("pages/organiser.py", label="Organiser area", icon="📅")


# Role checks live in their own module; re-exported so pages call ui.require_organiser().
from .roles import (  # noqa: E402  (roles uses store(), defined above)
    check_organiser,
    choose_organiser_event,
    configured_admin_password,
    organiser_event,
    organiser_unlocked,
    require_organiser,
    sign_out_organiser,
    unlock_organiser,
)

# Keeping attendee screens in step with what is live; re-exported for pages.
from .following import (  # noqa: E402  (following uses the shared reads above)
    follow_live,
    keep_in_step,
    live_banner,
    live_part,
    stop_following_live,
)
