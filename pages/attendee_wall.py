"""Attendee: the anonymous wall. Post short notes and +1 other people's."""

import streamlit as st

from eventkit import ui
from eventkit.models import NOTE_MAX_CHARS
from eventkit.storage import StoreError
from eventkit.text import TextError

attendee = ui.attendee_page()
event, me = attendee.event, attendee.participant
ui.live_banner(attendee)
st.title("Wall")

prompts = ui.prompts(event.id)
if not prompts:
    st.info("There are no wall questions for this event.")
    st.stop()
prompt = st.radio("Question", prompts, format_func=lambda p: p.text, key="wall-prompt")

with st.form("post-note", clear_on_submit=True):
    text = st.text_area("Your note (anonymous)", max_chars=NOTE_MAX_CHARS, height=110,
                        placeholder="Write a short note…")
    if st.form_submit_button("Post note", type="primary", width="stretch"):
        try:
            note = ui.store().add_note(prompt.id, me.id, text)
            ui.visible_notes.clear()
            if note.status == "pending":
                st.info("Thanks! Your note will appear once a facilitator has approved it.")
            else:
                st.success("Thanks! Your note is on the wall.")
        except (TextError, StoreError) as err:
            st.error(str(err))

mine_pending = [n for n in ui.store().notes_by_participant(event.id, me.id)
                if n.status == "pending" and n.prompt_id == prompt.id]
for note in mine_pending:
    with st.container(border=True):
        st.caption("Your note, waiting for approval")
        ui.show_literal(note.text)

notes = [n for n in ui.visible_notes(event.id) if n.prompt_id == prompt.id]
plussed = ui.store().my_plus_ones(event.id, me.id)
st.subheader(f"{len(notes)} note{'s' if len(notes) != 1 else ''} so far")
for note in notes:
    with st.container(border=True):
        ui.show_literal(note.text)
        given = note.id in plussed
        label = f"+1 ({note.plus_ones})" + (" · you agreed" if given else "")
        if st.button(label, key=f"plus-{note.id}", disabled=given, help="Agree with this note"):
            try:
                ui.store().plus_one(note.id, me.id)
                ui.visible_notes.clear()
                st.rerun()
            except StoreError as err:
                st.error(str(err))

ui.attendee_footer(attendee)
