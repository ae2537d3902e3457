"""Facilitator: the control panel that runs the day. Passcode protected; works on a phone."""

import streamlit as st

from eventkit import ui
from eventkit.ui import facilitator as fx
from eventkit.ui import faults, panel, panel_poll, panel_room, routes, watchdog

event = fx.event_from_url("Control panel")
if event is None:
    st.stop()
con = fx.require_facilitator(event)  # the passcode form and st.stop() until given

st.title("Control panel")
watchdog.watch_for_a_blank_page()  # a page that stopped drawing reloads itself
faults.live_page_banner()  # a database problem (disk full, read-only…), as soon as the server meets it
with st.container(horizontal=True, vertical_alignment="center", gap="small", key="ek-panel-head"):
    st.caption(ui.plain(event.title))
    routes.link(routes.PROJECTOR, label="Projector view", icon=":material/tv:", query_params={"event": event.code})
panel.run_of_the_day(event, con)  # what is live, its buttons and Next question: in view without scrolling
with st.expander(panel_room.door_label(event), icon=":material/door_front:", key="ek-door-fold"):
    panel_room.door(event, con)

show, polls, wall, tables, feedback = st.tabs(["Run of show", "Poll", "Wall", "Tables", "Evaluation"])
with show:
    st.caption("Make an activity live: attendees' phones and the projector follow within seconds.")
    panel.run_of_show(event, con)
with polls:
    current = panel_poll.poll_picker(event, con)
    if current is not None:
        with st.expander("Show of hands (if phones or Wi-Fi fail)"):
            panel_poll.manual_counts(event, con, current)
        with st.expander("Repeat of an earlier poll (before/after)"):
            panel_poll.repeat_setting(event, con, current)
        with st.expander("Joined devices vs votes"):
            panel_poll.turnout(event)
with wall:
    with st.expander("Moderation settings"):
        panel_room.moderation_settings(event, con)
    panel_room.note_queue(event, con)
with tables:
    panel_room.tables(event)
with feedback:
    panel_room.evaluation(event, con)
