"""Attendee: my table's vignettes and prompts, recording consent, scribe notes."""

import streamlit as st

from eventkit import ui
from eventkit.models import TABLE_NOTE_MAX_CHARS, Table, Vignette
from eventkit.storage import StoreError
from eventkit.text import TextError
from eventkit.ui import entry, routes

attendee = ui.attendee_page(routes.TABLE)
event, me = attendee.event, attendee.participant
ui.live_banner(attendee, "tables")

tables = ui.reads().tables(event.id)
if not tables:
    st.info("This event has no table discussions.")
    st.stop()
table = next((t for t in tables if t.number == me.table_no), None)
if table is None:
    st.title("Which table are you at?", anchor=False)
    st.write("The table number is on the card in the middle of your table.")
    choice = st.selectbox(
        "Your table", tables, index=None, format_func=lambda t: t.label, placeholder="Choose your table"
    )
    if choice is not None:
        try:
            ui.remember_participant(attendee, ui.store().join(event.id, attendee.token, choice.number))
            st.rerun()
        except StoreError as err:  # e.g. the server is too busy: choosing again retries
            st.error(str(err))
    ui.attendee_footer(attendee)
    st.stop()

st.title(ui.plain(table.label), anchor=False)


def consent(table: Table) -> None:
    given = ui.store().has_consent(table.id, me.id)
    wants = st.checkbox(
        "I agree to our table's discussion being recorded for the event report "
        "(notes, and audio if your facilitator records). No names are kept.",
        value=given,
        key="table-consent",
    )  # a key keeps the box the same widget once consent is saved
    if wants != given:
        try:
            (ui.store().give_consent if wants else ui.store().withdraw_consent)(table.id, me.id)
            entry.forget_outcome()  # a refusal "nobody has agreed" must not outlive the consent
            st.rerun()
        except StoreError as err:  # the box shows what was asked; the store keeps what was saved
            st.error(str(err))


def add_note(vignette: Vignette | None, prompt: str | None, text: str) -> entry.Outcome:
    if vignette is None:
        raise TextError("Please choose a case first.")
    ui.store().add_table_note(vignette.id, me.id, "" if prompt in (None, "(general)") else prompt, text)
    return "success", "Note added."


def scribe_form(table: Table) -> None:
    with st.expander("Scribe: add the table's notes"):
        consented, seated = ui.store().table_consent_count(table.id)
        (st.caption if consented else st.warning)(
            f"{consented} of {seated} {'person' if seated == 1 else 'people'} at this table "
            f"{'has' if 1 in (consented, seated) else 'have'} agreed to recording. "
            + (
                "Notes are recorded only with consent."
                if consented
                else "Notes are recorded only with consent: they cannot be saved until someone ticks the box at the top."
            )
        )
        with st.form("scribe"):
            vignette = st.selectbox("Case", table.vignettes, format_func=lambda v: v.title, key="scribe-case")
            prompts = ["(general)", *vignette.prompts] if vignette else ["(general)"]
            st.selectbox("Prompt", prompts, key="scribe-prompt")
            st.text_area("Note", key="scribe-note", height=120)
            st.caption(entry.limit_note(TABLE_NOTE_MAX_CHARS))
            entry.submit_button(
                "Add note", add_note, reads=("scribe-case", "scribe-prompt", "scribe-note"), empties="scribe-note"
            )
        notes = ui.store().list_table_notes(table.id)
        st.caption(f"{len(notes)} note{'s' if len(notes) != 1 else ''} from this table")
        titles = {v.id: v.title for v in table.vignettes}
        for note in reversed(notes):
            with st.container(border=True):
                st.caption(ui.plain(titles.get(note.vignette_id, "") + (f" · {note.prompt}" if note.prompt else "")))
                ui.show_literal(note.text)


consent(table)
for vignette in table.vignettes:
    with st.expander(ui.plain(vignette.title), expanded=len(table.vignettes) == 1):
        ui.show_prose(vignette.story)
        if vignette.prompts:
            st.markdown("**Discuss:**")
            for prompt in vignette.prompts:
                st.text(f"• {prompt}")
scribe_form(table)
st.caption("Wrong table? Scan the QR code on your table, or ask a facilitator.")
ui.attendee_footer(attendee)
