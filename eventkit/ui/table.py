"""The attendee's table page parts: recording consent, and the scribe's form and the table's notes."""

from __future__ import annotations

import streamlit as st

from eventkit.models import TABLE_NOTE_MAX_CHARS, Participant, Table, Vignette
from eventkit.storage import StoreError
from eventkit.text import TextError

from . import entry
from .live import store
from .widgets import plain, show_literal


def consent(table: Table, me: Participant) -> None:
    given = store().has_consent(table.id, me.id)
    wants = st.checkbox(
        "I agree to our table's discussion being recorded for the event report "
        "(notes, and audio if your facilitator records). No names are kept.",
        value=given,
        key="table-consent",
    )  # a key keeps the box the same widget once consent is saved
    if wants != given:
        try:
            (store().give_consent if wants else store().withdraw_consent)(table.id, me.id)
            entry.forget_outcome()  # a refusal "nobody has agreed" must not outlive the consent
            st.rerun()
        except StoreError as err:  # the box shows what was asked; the store keeps what was saved
            st.error(str(err))


def add_note(me: Participant, vignette: Vignette | None, prompt: str | None, text: str) -> entry.Outcome:
    if vignette is None:
        raise TextError("Please choose a case first.")
    store().add_table_note(vignette.id, me.id, "" if prompt in (None, "(general)") else prompt, text)
    return "success", "Note added."


def scribe_form(table: Table, me: Participant) -> None:
    with st.expander("Scribe: add the table's notes"):
        consented, seated = store().table_consent_count(table.id)
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
                "Add note",
                lambda vignette, prompt, text: add_note(me, vignette, prompt, text),
                reads=("scribe-case", "scribe-prompt", "scribe-note"),
                empties="scribe-note",
            )
        notes = store().list_table_notes(table.id)
        st.caption(f"{len(notes)} note{'s' if len(notes) != 1 else ''} from this table")
        titles = {v.id: v.title for v in table.vignettes}
        for note in reversed(notes):
            with st.container(border=True):
                st.caption(plain(titles.get(note.vignette_id, "") + (f" · {note.prompt}" if note.prompt else "")))
                show_literal(note.text)
