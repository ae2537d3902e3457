"""The index at `/` (no ?event=): where the bare address leads, to the attendees' join and the staff areas.

Attendees never need it: printed links (`/?event=CODE`) go straight to the HTML
phone pages (eventkit/web/asgi.py). Someone who types only the address gets the
HTML join form one tap away, and staff their two areas.
"""

import streamlit as st

from eventkit import ui
from eventkit.ui import routes

ui.use_css("attendee")  # touch-sized links: this page is opened on phones too
st.title("Join an event")
st.link_button("Type the event code", "/join", type="primary", width="stretch")
st.caption("No account needed, nothing to install. Your answers are anonymous.")
if ui.reads().event_by_code("FIFE16") is not None:
    st.caption("Trying the demo? Its code is FIFE16.")
st.divider()
routes.link(routes.CONTROL_PANEL, label="Facilitator control panel", icon="🎛️")
routes.link(routes.ORGANISER, label="Organiser area", icon="📅")
