"""Roles: who may run the day (facilitators) and set it up (organisers).

Pages call require_*() before showing anything protected, and every
organiser action handler calls check_organiser() again, so hiding a link is
never the only protection. Sign-in goes through eventkit.access.staff: wrong
attempts slow down the browser session that made them (a random id per
Streamlit session, never an address), and a storm from many sessions slows
everyone for a while. A signed-in browser gets a pass for the rest of the
day in an HttpOnly cookie that the server sets (eventkit/web/staff_routes.py;
the page hands the pass over with a one-time code, eventkit/ui/cookies.py),
so a reload or a new session after a long idle keeps staff signed in. Sign
out is the server's page too (a POST). Every staff screen checks the pass
again on every run, its timed sections included, so sign-out, a new
passcode or password and midnight end every tab within one refresh.
"""

from __future__ import annotations

import secrets
import time

import streamlit as st

from eventkit.access import staff

from ..models import Event
from ..storage import StoreError
from ..storage.attempts import ThrottledError
from . import cookies
from .live import configured_admin_password, store

_ORGANISER_KEY = "ek_organiser"  # this session's organiser pass (token), once signed in
_CLIENT_KEY = "ek_client"  # a random id for this browser session, for the guessing limits
_COOKIES_KEY = "ek_cookies"  # cookie name -> (handoff code, when made) of a pass this session was given
_EVENT_KEY = "ek_organiser_event"  # the event the organiser is working on
ORGANISER_COOKIE = staff.ORGANISER_COOKIE
# Served by the server's own routes (eventkit/web/staff_routes.py), not Streamlit pages.
SIGN_OUT_ADDRESS = "/staff/sign-out"
BACKUP_ADDRESS = "/staff/download/backup"


def client_id() -> str:
    """A random id of this browser session (Streamlit session), for the guessing limits."""
    return st.session_state.setdefault(_CLIENT_KEY, secrets.token_hex(8))


# --- Passes in the browser's cookie ----------------------------------------------------
# The server sets, clears and checks the cookie (eventkit/web/staff_routes.py); these pages
# only read it and, after a sign-in, hand the new pass over with a one-time code.


def cookie_pass(name: str) -> str | None:
    """The pass the browser brought in its cookie when this session's page opened."""
    return cookies.read(name)


def keep_pass(name: str, token: str) -> None:
    """After a sign-in: a one-minute handoff code for the pass, handed over by keep_signed_in()."""
    code = staff.hand_over(store(), name, token)
    st.session_state.setdefault(_COOKIES_KEY, {})[name] = (code, time.monotonic())


def keep_signed_in(name: str) -> None:
    """Draw (invisibly) the handoff of a pass this session was just given, while its code lasts."""
    code, made = st.session_state.get(_COOKIES_KEY, {}).get(name, ("", 0.0))
    if code and time.monotonic() - made < staff.HANDOFF_SECONDS:
        cookies.hand_over(code)


def sign_out_button(event_code: str | None = None) -> None:
    """Sign out: a link to the server's page whose button (a POST) signs this browser out."""
    st.link_button(
        "Sign out",
        SIGN_OUT_ADDRESS + (f"?event={event_code}" if event_code else ""),
        icon=":material/logout:",
        type="tertiary",
        help="You stay signed in on this browser until midnight unless you sign out (in a new tab).",
    )


# --- Organisers --------------------------------------------------------------------------


def _organiser_mark() -> str:
    return staff.organiser_mark(store(), configured_admin_password())


def organiser_unlocked() -> bool:
    """Whether this session holds a valid organiser pass (given here, or by the browser's cookie).

    Checked against the database on every call, so signing out, a new
    password or midnight ends it at once.
    """
    token = st.session_state.get(_ORGANISER_KEY) or cookie_pass(ORGANISER_COOKIE)
    if token and staff.pass_is_valid(store(), token, "organiser", None, _organiser_mark()):
        st.session_state[_ORGANISER_KEY] = token
        return True
    st.session_state.pop(_ORGANISER_KEY, None)
    return False


def check_organiser() -> None:
    """In an action handler: stop the run unless the organiser is (still) signed in."""
    if not organiser_unlocked():
        st.stop()


def unlock_organiser(password: str) -> bool:
    """Check the organiser password (an attempt under the guessing limits); sign in on success.

    Raises ThrottledError while sign-in is paused for this session or everyone.
    """
    configured = configured_admin_password()
    right = staff.organiser_sign_in(store(), password or "", configured, client_id())
    if right:
        token, _ = staff.issue_pass(store(), "organiser", None, _organiser_mark())
        st.session_state[_ORGANISER_KEY] = token
        keep_pass(ORGANISER_COOKIE, token)
    return right


def require_organiser() -> None:
    """Show the organiser sign-in and stop the page unless signed in."""
    if organiser_unlocked():
        return
    st.title("Organiser sign-in")
    try:  # on a fresh install: make (and print) the password this form asks for
        staff.ensure_admin_password(store(), configured_admin_password())
    except StoreError as err:  # the database is too busy just now
        st.error(str(err))
    with st.form("organiser-login"):
        password = st.text_input("Organiser password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                if unlock_organiser(password):
                    st.rerun()
                st.error("That password is not right.")
            except ThrottledError as err:
                st.error(str(err))
    st.caption(where_is_the_password())
    st.stop()


def where_is_the_password() -> str:
    """Where an organiser finds the password (never the password itself)."""
    stays = " You then stay signed in on this browser until midnight, or until you sign out."
    if configured_admin_password():
        return (
            "Use the organiser password chosen for this server (EVENTKIT_ADMIN_PASSWORD, or "
            "admin_password in .streamlit/secrets.toml)." + stays
        )
    return (
        "The organiser password was printed once in the terminal (or log) of the server when it "
        "first started, on a line beginning “eventkit: organiser password”. Lost it? On the server, "
        "run `python -m eventkit reset-admin-password` for a new one, or "
        "`python -m eventkit set-admin-password` to choose your own." + stays
    )


def organiser_event() -> Event | None:
    """The event the organiser has chosen to work on (None if none exist)."""
    events = store().list_events()
    if not events:
        return None
    chosen = st.session_state.get(_EVENT_KEY)
    return next((e for e in events if e.id == chosen), events[0])


def choose_organiser_event(event_id: int) -> None:
    st.session_state[_EVENT_KEY] = event_id
