"""Attendee: the Now screen follows whatever the facilitator has made live."""

import streamlit as st

from eventkit import ui
from eventkit.ui import faults
from eventkit.models import Poll
from eventkit.storage import StoreError

attendee = ui.attendee_page()
event, me = attendee.event, attendee.participant
st.caption(ui.plain(event.title))  # organiser text: shown as typed, never as Markdown (ui.plain)
ui.follow_live(event.id)


def cast_vote(poll: Poll, option_id: int) -> None:
    # A callback: it runs before the live fragment redraws, so one run saves and confirms.
    try:
        ui.store().cast_vote(poll.id, me.id, option_id)
    except StoreError as err:
        ui.flash(str(err))


def cast_estimate(poll: Poll) -> None:
    value = st.session_state.get(f"estimate-{poll.id}-value")
    try:
        if value is None:
            raise StoreError("Please type a number first.")
        ui.store().cast_estimate(poll.id, me.id, float(value))
    except StoreError as err:
        ui.flash(str(err))


def vote_choice(poll: Poll) -> None:
    mine = ui.store().my_vote(poll.id, me.id)
    for option in poll.options:
        chosen = option.id == mine
        st.button(f"✓ {ui.plain(option.label)}" if chosen else ui.plain(option.label), key=f"vote-{poll.id}-{option.id}",
                  type="primary" if chosen else "secondary", width="stretch", disabled=not poll.is_open,
                  on_click=cast_vote, args=(poll, option.id))
    ui.show_flash()
    if mine is not None and poll.is_open:
        picked = next(o.label for o in poll.options if o.id == mine)
        st.success(f"Your answer “{ui.plain(picked)}” is recorded. You can change it until voting closes.")


def vote_estimate(poll: Poll) -> None:
    mine = ui.store().my_vote(poll.id, me.id)
    with st.form(f"estimate-{poll.id}"):
        st.number_input(f"Your estimate{f' ({ui.plain(poll.unit)})' if poll.unit else ''}", key=f"estimate-{poll.id}-value",
                        min_value=poll.min_value, max_value=poll.max_value, value=mine,
                        placeholder="Type a number", disabled=not poll.is_open)
        st.form_submit_button("Send my estimate", type="primary", width="stretch", disabled=not poll.is_open,
                              on_click=cast_estimate, args=(poll,))
    ui.show_flash()
    if mine is not None and poll.is_open:
        st.success(f"Your estimate {mine:g}{poll.unit and ' ' + ui.plain(poll.unit)} is recorded. You can change it until voting closes.")


def show_poll(poll: Poll) -> None:
    st.subheader(ui.plain(poll.question))
    if poll.state == "draft":
        st.info("This question opens in a moment. Get ready!")
        return
    if poll.state == "closed":
        st.info("Voting has closed. Watch the big screen for the answer.")
    (vote_estimate if poll.kind == "estimate" else vote_choice)(poll)
    if poll.state == "revealed":
        answer = f"{poll.true_value:g} {poll.unit}" if poll.kind == "estimate" else (
            poll.correct_option.label if poll.correct_option else None)
        if answer:
            st.success(f"The answer: {ui.plain(answer)}")
        if poll.fact:
            ui.show_prose(poll.fact)
        if poll.source:
            st.caption(f"Source: {ui.plain(poll.source)}")


# What to do when the facilitator opens an activity other than a poll.
INVITES = {
    "wall": ("The wall is open", "Add your thoughts to the questions on the wall. Notes are anonymous.",
             "pages/attendee_wall.py", "Go to the wall", "📝"),
    "tables": ("Table discussions", "Read your table's case stories and discuss them together.",
               "pages/attendee_table.py", "Open my table", "👥"),
    "evaluation": ("Before you go: your feedback", "Please tell us how the day went. It takes about two minutes.",
                   "pages/attendee_evaluation.py", "Give feedback", "💬"),
}


@st.fragment
@faults.shielded(faults.ATTENDEE)
def show_live() -> None:
    # A fragment: when a vote is tapped, or (with push) the facilitator changes
    # activity, only this part is redrawn, not the page links and footer.
    now, current = ui.live_part(event.id)
    if current is not None:
        show_poll(current)
    elif now.kind in INVITES:
        heading, text, page, label, icon = INVITES[now.kind]
        st.subheader(heading)
        st.write(text)
        ui.link(page, label=label, icon=icon, query_params=attendee.link_params(), width="stretch")
    else:
        st.title(ui.plain(event.title))
        if event.subtitle:
            st.subheader(ui.plain(event.subtitle))
        ui.show_prose(event.welcome or "Welcome! This screen changes as the day goes on.")
        st.info("Keep this page open: questions appear here as soon as they open.")


show_live()
ui.attendee_footer(attendee)
