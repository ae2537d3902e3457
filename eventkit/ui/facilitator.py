"""Streamlit helpers for the facilitator's control panel (and what the projector shares with it).

The control panel's actions go through an eventkit.access.console.Console, which
only Console.unlock (the passcode) hands out, Console.use_sign_in_link for a
single-use link an organiser made (?signin=TOKEN, taken out of the address bar
once read), or Console.resume for a pass
the browser got with either earlier today (kept in a cookie, see ui/roles.py);
the Console is kept in this session's state under one key, per event. The projector's own helpers are in
eventkit/ui/projector.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from eventkit.access import sign_in_link, staff
from eventkit.access.console import Console, ConsoleLocked
from eventkit.event import links

from ..models import Event
from ..storage import StorageFault, StoreError
from ..text import TextError
from . import faults, roles, widgets
from .live import reads, store

_CONSOLES_KEY = "ek_consoles"  # event id -> Console unlocked in this session
_PASSES_KEY = "ek_facilitator_passes"  # event id -> this session's pass (token) for the day
_CHECKED_KEY = "ek_facilitator_checked"  # event id -> when a timed section last checked the pass
RECHECK_SECONDS = 1.0  # the panel's sections refresh together: one check serves those in the same second


# --- Which event -----------------------------------------------------------------


def event_from_url(screen: str) -> Event | None:
    """The event named by ?event=CODE; shows a code form (and returns None) otherwise."""
    widgets.use_css()  # readable captions on the control panel and its sign-in
    code = widgets.url_code()
    event = reads().event_by_code(code) if code else None
    if event is not None:
        return event
    st.title(screen)
    if code:
        st.error(f"There is no event with the code “{widgets.shown_code(code)}”. Check the code and try again.")
    with st.form("event-code"):
        typed = st.text_input("Event code", max_chars=12, placeholder="e.g. FIFE16")
        if st.form_submit_button("Open", type="primary"):
            if typed.strip():
                st.query_params["event"] = typed.strip().upper()[:12]
                st.rerun()
            st.error("Please type the event code first.")
    return None


def join_base(event: Event) -> tuple[str, str]:
    """(the base of every QR code of the event, a note for staff or ''): the printed cards' base.

    The event's saved public address, else this machine's LAN address and
    port, never the address the projector's own browser happens to use.
    """
    return links.public_base(event.public_base_url, st.get_option("server.port"))


# --- The facilitator's capability ----------------------------------------------------


def console(event: Event) -> Console | None:
    """This session's Console for the event, if the passcode was given."""
    return st.session_state.get(_CONSOLES_KEY, {}).get(event.id)


def _forget(event: Event) -> None:
    st.session_state.get(_CONSOLES_KEY, {}).pop(event.id, None)
    st.session_state.get(_PASSES_KEY, {}).pop(event.id, None)


def _cookie_name(event: Event) -> str:
    return staff.facilitator_cookie(event.id)


def _keep(event: Event, con: Console, token: str) -> Console:
    st.session_state.setdefault(_CONSOLES_KEY, {})[event.id] = con
    st.session_state.setdefault(_PASSES_KEY, {})[event.id] = token
    return con


def _signed_in(event: Event) -> Console | None:
    """The Console of this session, or one resumed from the browser's pass; None if neither works.

    The pass is checked on every full run and at the top of every timed
    section (still_signed_in), so signing out elsewhere in this browser,
    midnight or a new passcode ends the session's Console too.
    """
    token: str | None = st.session_state.get(_PASSES_KEY, {}).get(event.id) or roles.cookie_pass(_cookie_name(event))
    if token is None:  # no pass to resume from
        _forget(event)
        return None
    try:
        return _keep(event, Console.resume(store(), event.id, token), token)
    except ConsoleLocked:
        _forget(event)
        return None


def require_facilitator(event: Event) -> Console:
    """The Console for the event, or the passcode form and st.stop().

    A sign-in link's token (?signin=) is used first, whatever else holds.
    """
    refused = _use_sign_in_link(event)
    found = _signed_in(event)
    if found is not None:
        _sign_out_bar(event)
        return found
    st.title("Facilitator sign-in")
    st.caption(widgets.plain(event.title))
    if refused:
        st.error(refused)
    if not event.has_passcode:
        st.warning("This event has no facilitator passcode yet. The organiser sets one in the organiser area.")
        st.stop()
    with st.form("facilitator-login"):
        passcode = st.text_input("Facilitator passcode", type="password")
        if st.form_submit_button("Open the control panel", type="primary"):
            try:
                _grant_pass(event, Console.unlock(store(), event.id, passcode, roles.client_id()))
                st.rerun()
            except ConsoleLocked as err:
                st.error(str(err))
    st.caption(
        "You then stay signed in on this browser until midnight, or until you sign out. "
        "Passcode forgotten, or sign-in paused? The organiser can send you a sign-in link "
        "(Event editor, Details tab): it works once, whatever the pause."
    )
    st.stop()


def still_signed_in(event: Event) -> Console:
    """At the top of every timed section of the panel: the pass again (one indexed lookup of its
    hash, and the event's passcode hash; at most once a second per tab), so a tab signed out
    elsewhere, given a new passcode or past midnight stops reading and acting within one refresh.
    Otherwise the whole page reruns, which shows the sign-in."""
    checked = st.session_state.setdefault(_CHECKED_KEY, {})
    kept = console(event)
    if kept is not None and time.monotonic() - checked.get(event.id, -RECHECK_SECONDS) < RECHECK_SECONDS:
        return kept  # the sections refreshing together share one check (actions check anyway)
    found = _signed_in(event)
    if found is None:
        st.rerun(scope="app")
    checked[event.id] = time.monotonic()
    return found


def _grant_pass(event: Event, con: Console) -> None:
    """After the passcode or a sign-in link: keep the Console, and give the browser its pass for the day."""
    token, _ = con.remember()
    _keep(event, con, token)
    roles.keep_pass(_cookie_name(event), token)


def _use_sign_in_link(event: Event) -> str:
    """Use the sign-in link's token in the address, if any (then gone from the address bar):
    '' when there was none or it let this browser in, else why it did not."""
    token = st.query_params.get(sign_in_link.PARAM)
    if token is None:
        return ""
    del st.query_params[sign_in_link.PARAM]
    try:
        _grant_pass(event, Console.use_sign_in_link(store(), event.id, token))
    except ConsoleLocked as err:
        return str(err)
    return ""


def _sign_out_bar(event: Event) -> None:
    """A small row: signed in until midnight, and Sign out (plus the pass's handoff, unseen)."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="ek-signed-in"):
        st.caption("Signed in on this browser until midnight.")
        roles.sign_out_button(event.code)
        roles.keep_signed_in(_cookie_name(event))


def act(event: Event, action: Callable[..., object], *args: object) -> None:
    """Run a facilitator action and rerun; errors are shown.

    The Console writes through ui.live.store(), so the shared reads the action
    made stale are already dropped when the panel and other screens redraw.
    """
    try:
        action(*args)
    except ConsoleLocked as err:
        _forget(event)
        st.error(str(err))
        return
    except StorageFault as fault:  # the disk is full, the file read-only…: say which
        faults.staff_banner(fault.cause)
        return
    except (StoreError, TextError, ValueError) as err:
        st.error(str(err))
        return
    st.rerun()


# --- Small widgets -------------------------------------------------------------------


def rate_caption(responses: int, joined: int) -> str:
    """'15 of 60 (25%)' style response rate."""
    share = f" ({round(100 * responses / joined)}%)" if joined else ""
    return f"{responses} of {joined}{share}"
