"""When the database cannot be used: a clear message instead of Streamlit's generic error page.

A full disk, a read-only or unopenable database file or a disk error reaches
the pages as StorageFault. The index (`/`, which anyone may open) says that
nothing was lost and to try again (phones' HTML pages do the same in
eventkit/web/frame.py, forms keeping what was typed); staff pages show a banner naming the cause and what to do; the projector, in
front of the room, says only that it is retrying. The store logs the cause
once. Three places catch it: every page run (run_page, in the router), every
fragment (shielded) and every form or action (as any StoreError). Staff
pages also show, at their top, a fault the server met in the last two minutes. Any StoreError
(a fault, or the server too busy: the pool's wait ran out) a page did not catch ends in run_page,
said with Try again; the store logs a fault once, and nothing here logs a traceback.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from ..storage import StorageFault, StoreError, current_fault

ATTENDEE = "attendee"
STAFF = "staff"
ROOM = "room"  # the projector: seen by everyone
QUIET = "quiet"  # a timer that draws nothing: the visible parts of the page say it
ATTENDEE_PATHS = {""}  # the index (ui/routes): anyone who types the bare address, attendees included
PHONE_PAGE_MESSAGE = (
    "This page cannot load just now: the server cannot reach the event's data. "
    "Nothing you sent before was lost — please try again in a moment."
)
PHONE_PART_MESSAGE = (
    "Part of this page cannot be shown just now. Nothing you sent before was lost; "
    "it comes back by itself, or try again in a moment."
)
ROOM_MESSAGE = "The live screen cannot read the event's data just now. It tries again by itself."
ROOM_RETRY_SECONDS = 5
_SHOWN_KEY = "ek_fault_banner"  # the cause the top of this staff page shows ('' = none)
_RETRY_KEY = "ek_fault_retry"  # when the projector last showed ROOM_MESSAGE


def run_page(page: Any) -> None:
    """Run the page; a StorageFault or refusal it did not handle is shown for its audience, never as a crash."""
    try:
        page.run()
    except StorageFault as fault:
        show(fault, _audience(page.url_path))
    except StoreError as refusal:  # e.g. "very busy" met while the page read: say it, offer to try again
        show_refusal(refusal, _audience(page.url_path))


def _audience(url_path: str) -> str:
    return ATTENDEE if url_path in ATTENDEE_PATHS else ROOM if url_path == "projector" else STAFF


def shielded(audience: str) -> Callable:
    """For a fragment: a StorageFault inside it is shown there (it reruns by itself or on the next tap)."""

    def decorate(draw: Callable) -> Callable:
        @functools.wraps(draw)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return draw(*args, **kwargs)
            except StorageFault as fault:
                show(fault, audience, retry=False)
                return None
            except StoreError as refusal:
                show_refusal(refusal, audience, retry=False)
                return None

        return guarded

    return decorate


def show(fault: StorageFault, audience: str, *, retry: bool = True) -> None:
    """The message for this audience (with a way to try again when the page itself could not load)."""
    if audience == QUIET:
        return
    if audience == ATTENDEE:
        st.error(PHONE_PAGE_MESSAGE if retry else PHONE_PART_MESSAGE, icon=":material/cloud_off:")
        if retry:
            st.button("Try again", type="primary", key="fault-retry")
    elif audience == ROOM:
        st.caption(ROOM_MESSAGE)
        if retry:  # nobody touches a projector: it retries by itself
            st.session_state[_RETRY_KEY] = time.monotonic()
            _retry_soon()
    else:
        staff_banner(fault.cause, "Cannot show this page" if retry else "Cannot show this part")
        if retry:  # the page itself could not load: nothing else on it to press
            st.button("Try again", type="primary", key="fault-retry")


def show_refusal(refusal: StoreError, audience: str, *, retry: bool = True) -> None:
    """A refusal nothing on the page caught (the server too busy to answer in time): its own words."""
    if audience == QUIET:
        return
    if audience == ROOM:
        show(StorageFault(""), ROOM, retry=retry)  # the projector only says that it is retrying
        return
    st.error(str(refusal), icon=":material/hourglass_top:")
    if retry:
        st.button("Try again", type="primary", key="fault-retry")


def staff_banner(cause: str, what: str = "Not saved") -> None:
    """Where a staff action (or part of a page) failed: the banner naming the cause,
    or one line when the top of the page shows the banner already."""
    if st.session_state.get(_SHOWN_KEY) == cause:
        st.error(f"{what}: {cause} (see above).")
    else:
        _banner(cause)


def page_banner() -> None:
    """At the top of a staff page: the database problem the server met in the last two minutes, if any.

    A facilitator learns the room cannot save (a full disk stops attendees'
    writes, not the panel's reads) without having to press a button first.
    """
    cause = current_fault()
    st.session_state[_SHOWN_KEY] = cause
    place = st.empty()  # always one element: a fragment run that drew nothing could leave the old banner up
    if cause:
        with place.container():
            _banner(cause)


@st.fragment(run_every=2)
def live_page_banner() -> None:
    """page_banner, kept up to date on a screen that stays open (the control panel)."""
    page_banner()


def _banner(cause: str) -> None:
    st.error(
        f"**Database problem: {cause}.** {StorageFault(cause).advice} Nothing saved before was lost.",
        icon=":material/database:",
    )


@st.fragment(run_every=ROOM_RETRY_SECONDS)
def _retry_soon() -> None:
    """The projector's page again after ROOM_RETRY_SECONDS (its first run, with the message, only waits)."""
    if time.monotonic() - st.session_state.get(_RETRY_KEY, 0.0) >= ROOM_RETRY_SECONDS - 0.5:
        st.rerun(scope="app")
