"""Attendee: the anonymous wall. Post short notes and +1 other people's."""

import streamlit as st

from eventkit import ui
from eventkit.models import NOTE_MAX_CHARS, WallPrompt
from eventkit.storage import StoreError
from eventkit.ui import entry, faults, routes

attendee = ui.attendee_page(routes.WALL)
event, me = attendee.event, attendee.participant
ui.live_banner(attendee, "wall")
st.title("Wall", anchor=False)

prompts = ui.reads().prompts(event.id)
if not prompts:
    st.info("There are no wall questions for this event.")
    st.stop()
prompt = st.radio("Question", prompts, format_func=lambda p: ui.plain(p.text), key="wall-prompt")


def post(prompt: WallPrompt, text: str) -> entry.Outcome:
    note = ui.store().add_note(prompt.id, me.id, text)
    if note.status == "pending":
        return "info", "Thanks! Your note will appear once a facilitator has approved it."
    return "success", "Thanks! Your note is on the wall."


def agree(note_id: int) -> None:
    try:
        ui.store().plus_one(note_id, me.id)
    except StoreError as err:
        ui.flash(str(err))


# A fragment: posting, agreeing or showing all notes redraws only this part,
# not the links, banner and footer around it (a third of the server's work
# per post when a whole room writes at once).
@st.fragment
@faults.shielded(faults.ATTENDEE)
def post_and_list(prompt: WallPrompt) -> None:
    with st.form("post-note"):
        st.text_area("Your note (anonymous)", key="wall-note", height=110, placeholder="Write a short note…")
        st.caption(entry.limit_note(NOTE_MAX_CHARS))
        entry.submit_button("Post note", lambda text: post(prompt, text), reads=("wall-note",), empties="wall-note")

    for note in ui.store().notes_by_participant(event.id, me.id):
        if note.status == "pending" and note.prompt_id == prompt.id:
            with st.container(border=True):
                st.caption("Your note, waiting for approval")
                ui.show_literal(note.text)

    notes = [n for n in ui.reads().visible_notes(event.id) if n.prompt_id == prompt.id]
    plussed = ui.store().my_plus_ones(event.id, me.id)
    st.subheader(f"{len(notes)} note{'s' if len(notes) != 1 else ''} so far", anchor=False)
    # Other people's notes are not pushed (a room redrawing on every note): fetched on a tap.
    st.button("Show new notes", key="wall-refresh", icon="🔄")
    # Newest first. A phone lists the latest few unless asked: a long wall is slow
    # to scroll, and every note listed costs the server a little on every redraw.
    if len(notes) > ui.PHONE_WALL_NOTES and not st.toggle(f"Show all {len(notes)} notes", key="wall-all"):
        notes = notes[: ui.PHONE_WALL_NOTES]
    for note in notes:
        with st.container(border=True):
            ui.show_literal(note.text)
            given = note.id in plussed
            label = f"+1 ({note.plus_ones})" + (" · you agreed" if given else "")
            st.button(
                label,
                key=f"plus-{note.id}",
                disabled=given,
                help="Agree with this note",
                on_click=agree,
                args=(note.id,),
            )
    ui.show_flash()


post_and_list(prompt)
ui.attendee_footer(attendee)
