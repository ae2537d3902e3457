"""The organiser's sign-in link for a facilitator: made on a button press, shown once.

In the Event editor's Details tab. The link (eventkit/access/sign_in_link.py)
opens the event's control panel once, within 15 minutes, whatever a guessing
storm does to the passcode form. Making one checks the organiser's pass again,
so only a signed-in organiser can; it is shown in the run that made it (a QR
code and the address with a copy button) and never again.
"""

from __future__ import annotations

import streamlit as st

from eventkit.access import sign_in_link
from eventkit.event import links

from ..models import Event
from ..storage import StoreError
from . import roles, widgets
from .live import store


def section(event: Event) -> None:
    """A heading, what a link is for, and the button that makes one (then the link, once)."""
    st.header("Sign-in link for a facilitator", anchor=False)  # an h2 under the page's h1 (axe heading-order)
    st.caption(
        "For a facilitator who cannot sign in with the passcode, for example while sign-in is paused "
        f"after many wrong attempts from elsewhere: a link that opens the control panel once, within "
        f"{sign_in_link.LINK_MINUTES} minutes, and keeps that browser signed in until midnight. It is "
        "shown once: send it to one facilitator only."
    )
    if not event.has_passcode:
        st.info("Set a facilitator passcode above first: the link gives the same pass as the passcode.")
        return
    if st.button("Make a sign-in link", icon=":material/key:", key="make-sign-in-link"):
        roles.check_organiser()  # the action checks the role again
        _make_and_show(event)


def _make_and_show(event: Event) -> None:
    base, note = links.public_base(event.public_base_url, st.get_option("server.port"))
    try:
        made = sign_in_link.issue(store(), event, base)
    except StoreError as err:
        st.error(str(err))
        return
    if note:
        st.warning(widgets.plain(note))
    until = made.expires.astimezone().strftime("%H:%M")
    with st.container(border=True, key="sign-in-link"):
        st.image(links.qr_png(made.url), width=220, caption="Scan with the facilitator's phone")
        st.code(made.url, language=None, wrap_lines=True)
        st.caption(f"Works once, until {until} (server time). It will not be shown again.")
