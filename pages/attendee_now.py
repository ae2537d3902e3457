"""Attendee: the Now screen follows whatever the facilitator has made live."""

import streamlit as st

from eventkit import ui
from eventkit.ui import faults, routes, voting

attendee = ui.attendee_page(routes.NOW)
event, me = attendee.event, attendee.participant
st.caption(ui.plain(event.title))  # organiser text: shown as typed, never as Markdown (ui.plain)
ui.follow_live(event.id)


# What to do when the facilitator opens an activity other than a poll.
INVITES = {
    "wall": (
        "The wall is open",
        "Add your thoughts to the questions on the wall. Notes are anonymous.",
        routes.WALL,
        "Go to the wall",
        "📝",
    ),
    "tables": (
        "Table discussions",
        "Read your table's case stories and discuss them together.",
        routes.TABLE,
        "Open my table",
        "👥",
    ),
    "evaluation": (
        "Before you go: your feedback",
        "Please tell us how the day went. It takes about two minutes.",
        routes.FEEDBACK,
        "Give feedback",
        "💬",
    ),
}


@st.fragment
@faults.shielded(faults.ATTENDEE)
def show_live() -> None:
    # A fragment: when a vote is tapped, or (with push) the facilitator changes
    # activity, only this part is redrawn, not the page links and footer.
    now, current = ui.live_part(event.id)
    if current is not None:
        voting.show_poll(current, me)
    elif now.kind in INVITES:
        heading, text, page, label, icon = INVITES[now.kind]
        st.subheader(heading, anchor=False)
        st.write(text)
        routes.link(page, label=label, icon=icon, query_params=attendee.link_params(), width="stretch")
    else:
        st.title(ui.plain(event.title), anchor=False)
        if event.subtitle:
            st.subheader(ui.plain(event.subtitle), anchor=False)
        ui.show_prose(event.welcome or "Welcome! This screen changes as the day goes on.")
        st.info("Keep this page open: questions appear here as soon as they open.")


show_live()
ui.attendee_footer(attendee)
