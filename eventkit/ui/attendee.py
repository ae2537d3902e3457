"""The frame of every attendee screen: the join form, the page links and the footer."""

from __future__ import annotations

import streamlit as st

from . import routes
from .identity import Attendee, current_attendee
from .live import reads
from .live.following import keep_in_step
from .routes import link
from .widgets import use_css

PHONE_WALL_NOTES = 10  # notes a phone lists per wall question unless asked for all (each costs every redraw)


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


ATTENDEE_PAGES = (
    (routes.NOW, "Now", "⚡"),
    (routes.WALL, "Wall", "📝"),
    (routes.TABLE, "Table", "👥"),
    (routes.FEEDBACK, "Feedback", "💬"),
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
    link(routes.PRIVACY, label="Privacy notice", icon="🔒", query_params=attendee.link_params())


def join_form() -> None:
    """Ask for an event code when the URL carries none."""
    use_css("attendee")
    st.title("Join an event")
    with st.form("join"):
        code = st.text_input(
            "Event code", max_chars=12, placeholder="e.g. FIFE16", help="Shown on the screen and on the QR posters."
        )
        if st.form_submit_button("Join", type="primary", width="stretch"):
            if code.strip():
                st.query_params["event"] = code.strip().upper()[:12]
                st.rerun()
            st.error("Please type the event code first.")
    st.caption("No account needed, nothing to install. Your answers are anonymous.")
    if reads().event_by_code("FIFE16") is not None:
        st.caption("Trying the demo? Its code is FIFE16.")
    st.divider()
    link(routes.CONTROL_PANEL, label="Facilitator control panel", icon="🎛️")
    link(routes.ORGANISER, label="Organiser area", icon="📅")
