"""Streamlit helpers: the only module of eventkit that imports streamlit.

It holds the shared Store, short-lived cached reads that many open screens
share (so a hundred phones polling cost one query, not a hundred), the
attendee's identity from the page URL, role checks, and small widgets.
Session state is kept to a few named keys, reached only through functions
here.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import security
from ..demo import ensure_demo
from ..models import Event, Live, Note, Participant, Poll, PollResults, Table, WallPrompt
from ..storage import Store, default_path
from ..text import reflow

STATIC = Path(__file__).parents[1] / "static"
ATTENDEE_REFRESH_SECONDS = 3
PROJECTOR_REFRESH_SECONDS = 1
_PARTICIPANT_KEY = "ek_participant"  # (event_id, token) -> Participant for this browser tab
_FACILITATOR_KEY = "ek_facilitator_events"  # set of event ids unlocked in this session
_ORGANISER_KEY = "ek_organiser"  # True once the organiser password was given


@st.cache_resource
def _store_for(path: str) -> Store:
    store = Store(path)
    ensure_demo(store)
    return store


def store() -> Store:
    """The app's Store (one per database path, shared by every session)."""
    return _store_for(default_path())


# --- Cached shared reads (many screens, one query per TTL) -------------------


@st.cache_data(ttl=2, show_spinner=False)
def event_by_code(code: str) -> Event | None:
    return store().event_by_code(code)


@st.cache_data(ttl=1, show_spinner=False)
def live(event_id: int) -> Live:
    return store().get_live(event_id)


@st.cache_data(ttl=1, show_spinner=False)
def polls(event_id: int) -> list[Poll]:
    return store().list_polls(event_id)


def poll(event_id: int, poll_id: int | None) -> Poll | None:
    """One poll of the event from the shared cached list."""
    return next((p for p in polls(event_id) if p.id == poll_id), None)


@st.cache_data(ttl=1, show_spinner=False)
def results(poll_id: int) -> PollResults:
    return store().poll_results(poll_id)


@st.cache_data(ttl=1, show_spinner=False)
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
    for fn in (event_by_code, live, polls, results, vote_count, visible_notes, prompts, tables):
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
        st.error(f"There is no event with the code “{code[:20]}”. Check the code on the screen or poster.")
        return None
    if event.status != "open":
        st.info(f"{event.title} has closed. Thank you for taking part.")
        return None
    token = st.query_params.get("p")
    if not security.looks_like_token(token):
        token = security.new_token()
        st.query_params["p"] = token
    table_no = _int_param("table")
    cache = st.session_state.setdefault(_PARTICIPANT_KEY, {})
    participant = cache.get((event.id, token))
    if participant is None or (table_no is not None and participant.table_no != table_no):
        participant = store().join(event.id, token, table_no)
        cache[(event.id, token)] = participant
    return Attendee(event, token, participant)


def attendee_page() -> Attendee:
    """Start an attendee screen: the join form (and stop) without an event,
    else the attendee stylesheet and page links; returns the attendee."""
    attendee = current_attendee()
    if attendee is None:
        join_form()
        st.stop()
    use_css("attendee")
    attendee_nav(attendee)
    return attendee


def remember_participant(attendee: Attendee, participant: Participant) -> None:
    """Update the session's copy of the participant (e.g. after choosing a table)."""
    st.session_state.setdefault(_PARTICIPANT_KEY, {})[(attendee.event.id, attendee.token)] = participant


def _int_param(name: str) -> int | None:
    value = st.query_params.get(name, "")
    # isascii: "²" and "١" are digits to str.isdigit but not to int() (or people)
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


ATTENDEE_PAGES = (
    ("pages/attendee_now.py", "Now", ":material/bolt:"),
    ("pages/attendee_wall.py", "Wall", ":material/sticky_note_2:"),
    ("pages/attendee_table.py", "Table", ":material/groups:"),
    ("pages/attendee_evaluation.py", "Feedback", ":material/rate_review:"),
)


def attendee_nav(attendee: Attendee) -> None:
    """The attendee's page links, carrying their identity in the URL."""
    # wrap=True: at 200% zoom (about 195 CSS px) four links no longer fit on one row.
    with st.container(horizontal=True, wrap=True, gap="small", horizontal_alignment="distribute"):
        for page, label, icon in ATTENDEE_PAGES:
            st.page_link(page, label=label, icon=icon, query_params=attendee.link_params())


def attendee_footer(attendee: Attendee) -> None:
    """The anonymity promise and the privacy link, on every attendee screen."""
    st.divider()
    st.caption(
        "Your answers are anonymous: no name, IP address or device details are stored. "
        "One vote per device is best effort: it relies on this page's link, so keep this tab "
        "open; scanning the QR code again counts as a new device."
    )
    st.page_link("pages/privacy.py", label="Privacy notice", icon=":material/shield:",
                 query_params=attendee.link_params())


def use_css(name: str) -> None:
    """Load one of the app's stylesheets from eventkit/static."""
    st.html(STATIC / f"{name}.css")


# --- Roles --------------------------------------------------------------------
# Pages call require_*() before showing anything protected, and again through
# the same check inside every action handler, so hiding a link is never the
# only protection.

DEFAULT_ADMIN_PASSWORD = "eventkit-admin"
_EVENT_KEY = "ek_organiser_event"  # the event the organiser is working on


def facilitator_unlocked(event_id: int) -> bool:
    """Whether this session has given the event's facilitator passcode."""
    return event_id in st.session_state.get(_FACILITATOR_KEY, set())


def unlock_facilitator(event_id: int, passcode: str) -> bool:
    """Check a facilitator passcode against the stored hash; unlock on success.

    Repeated wrong passcodes pause sign-in for the event (shown as an error).
    """
    if _sign_in_paused("facilitator", event_id):
        return False
    stored = store().facilitator_hash(event_id)
    ok = bool(stored) and security.verify_passcode(passcode, stored)
    _record_sign_in("facilitator", event_id, ok)
    if ok:
        st.session_state.setdefault(_FACILITATOR_KEY, set()).add(event_id)
    return ok


def _sign_in_paused(role: str, event_id: int | None) -> bool:
    """Show why sign-in is paused after repeated wrong attempts; True while it is."""
    wait = store().login_wait_seconds(role, event_id)
    if wait:
        st.error(security.login_wait_message(wait))
    return bool(wait)


def _record_sign_in(role: str, event_id: int | None, ok: bool) -> None:
    if ok:
        store().clear_login_failures(role, event_id)
    else:
        store().record_login_failure(role, event_id)


def admin_password() -> tuple[str, bool]:
    """The organiser password and whether it is the built-in default.

    Taken from Streamlit secrets (admin_password) or $EVENTKIT_ADMIN_PASSWORD.
    """
    try:
        secret = st.secrets.get("admin_password")
    except Exception:  # no secrets.toml at all
        secret = None
    chosen = secret or os.environ.get("EVENTKIT_ADMIN_PASSWORD")
    return (chosen, False) if chosen else (DEFAULT_ADMIN_PASSWORD, True)


def organiser_unlocked() -> bool:
    """Whether this session has given the organiser password."""
    return bool(st.session_state.get(_ORGANISER_KEY))


def unlock_organiser(password: str) -> bool:
    """Check the organiser password (constant time); unlock on success."""
    if _sign_in_paused("organiser", None):
        return False
    expected, _ = admin_password()
    ok = hmac.compare_digest(password.encode(), expected.encode())
    _record_sign_in("organiser", None, ok)
    st.session_state[_ORGANISER_KEY] = ok
    return ok


def require_organiser() -> None:
    """Show the organiser sign-in and stop the page unless signed in."""
    _, is_default = admin_password()
    if is_default:
        st.warning(
            f"The organiser password is the built-in default ({DEFAULT_ADMIN_PASSWORD}). "
            "Set EVENTKIT_ADMIN_PASSWORD or admin_password in .streamlit/secrets.toml before a real event."
        )
    if organiser_unlocked():
        return
    st.title("Organiser sign-in")
    with st.form("organiser-login"):
        password = st.text_input("Organiser password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            if unlock_organiser(password):
                st.rerun()
            st.error("That password is not right.")
    st.stop()


def organiser_event() -> Event | None:
    """The event the organiser has chosen to work on (None if none exist)."""
    events = store().list_events()
    if not events:
        return None
    chosen = st.session_state.get(_EVENT_KEY)
    return next((e for e in events if e.id == chosen), events[0])


def choose_organiser_event(event_id: int) -> None:
    st.session_state[_EVENT_KEY] = event_id


def show_literal(text: str) -> None:
    """Show attendee text exactly as typed: never as Markdown or HTML."""
    st.text(text)


def show_prose(text: str) -> None:
    """Show organiser prose (welcome, facts, stories) as plain reflowed paragraphs."""
    for paragraph in reflow(text):
        st.text(paragraph)


# --- Following what is live ----------------------------------------------------


def live_signature(event_id: int) -> tuple:
    """What an attendee screen shows for the live activity; a change means re-render."""
    now = live(event_id)
    current = poll(event_id, now.poll_id) if now.kind == "poll" else None
    return (now.kind, now.poll_id, current.state if current else None)


@st.fragment(run_every=ATTENDEE_REFRESH_SECONDS)
def follow_live(event_id: int, seen: tuple) -> None:
    """Rerun the page when the facilitator changes what is live (polled, cheap)."""
    if live_signature(event_id) != seen:
        st.rerun(scope="app")


@st.fragment(run_every=ATTENDEE_REFRESH_SECONDS)
def live_banner(attendee: Attendee) -> None:
    """On pages other than Now: a link to the live poll when one is open."""
    now = live(attendee.event.id)
    current = poll(attendee.event.id, now.poll_id) if now.kind == "poll" else None
    if current is not None and current.state == "open":
        st.page_link("pages/attendee_now.py", label="A question is open now: tap to vote",
                     icon=":material/how_to_vote:", query_params=attendee.link_params())


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
    st.page_link("pages/facilitator.py", label="Facilitator control panel", icon=":material/tune:")
    st.page_link("pages/organiser.py", label="Organiser area", icon=":material/event:")
