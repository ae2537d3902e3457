"""Roles: who may run the day (facilitators) and set it up (organisers).

Pages call require_*() before showing anything protected, and again through
the same check inside every action handler, so hiding a link is never the
only protection. Repeated wrong passcodes pause sign-in (no IP addresses are
kept: attempts are counted per role and event).
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from .. import security
from ..models import Event
from . import store

_FACILITATOR_KEY = "ek_facilitator_events"  # set of event ids unlocked in this session
_ORGANISER_KEY = "ek_organiser"  # True once the organiser password was given

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
