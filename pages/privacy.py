"""Privacy notice: what is stored, what is not, who sees it, how long it is kept."""

import streamlit as st

from eventkit import ui
from eventkit.ui import routes

code = (st.query_params.get("event") or "").strip().upper()
event = ui.reads().event_by_code(code) if code else None
days = event.retention_days if event else 180

ui.use_css("attendee")
st.title("Privacy notice")
st.markdown(f"""
**What we store.** Your votes, estimates, wall notes, +1s, your table's notes, your recording
consent and your feedback, each with the time it was given. They are linked to a random
number for this device, not to you.

**What we never store.** Your name, email, phone number, IP address, browser or device details.
The random link in your address bar is kept only as a one-way fingerprint, so nobody can match
your answers back to your link.

**Who sees it.** Everyone sees poll totals and the notes on the wall (facilitators can hide a note).
The organisers see all answers, without anything that identifies you, and use them for the event report.

**How long.** The organisers keep the data for {days} days after the event, then delete it.

**One vote per device is best effort.** It relies on the link in this tab; anyone could vote again
from another device. Totals are a picture of the room, not a ballot.
""")
if event is not None:
    routes.link(
        routes.NOW,
        label="Back to the event",
        icon="⬅️",
        query_params={k: v for k, v in st.query_params.items() if k in ("event", "p")},
    )
