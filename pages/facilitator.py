"""Facilitator: the control panel that runs the day. Passcode protected; works on a phone."""

import streamlit as st

from eventkit import ui
from eventkit.ui import facilitator as fx
from eventkit.ui import faults, panel, routes

event = fx.event_from_url("Control panel")
if event is None:
    st.stop()
con = fx.require_facilitator(event)  # the passcode form and st.stop() until given

st.title("Control panel")
faults.live_page_banner()  # a database problem (disk full, read-only…), as soon as the server meets it
st.caption(ui.plain(event.title))
routes.link(routes.PROJECTOR, label="Open the projector view", icon=":material/tv:", query_params={"event": event.code})
panel.live_status(event)
panel.door(event, con)

show, polls, wall, tables, feedback = st.tabs(["Run of show", "Poll", "Wall", "Tables", "Evaluation"])
with show:
    st.caption("Make an activity live: attendees' phones and the projector follow within seconds.")
    panel.run_of_show(event, con)
with polls:
    current = panel.poll_picker(event, con)
    if current is not None:
        with st.expander("Show of hands (if phones or Wi-Fi fail)"):
            panel.manual_counts(event, con, current)
        with st.expander("Repeat of an earlier poll (before/after)"):
            panel.repeat_setting(event, con, current)
        with st.expander("Joined devices vs votes"):
            panel.turnout(event)
with wall:
    with st.expander("Moderation settings"):
        panel.moderation_settings(event, con)
    panel.note_queue(event, con)
with tables:
    panel.tables(event)
with feedback:
    panel.evaluation(event, con)
