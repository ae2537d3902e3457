"""Organiser: edit the chosen event. Every save is checked as a whole and kept or refused whole."""

import streamlit as st

from eventkit import ui
from eventkit.event import editing as edit
from eventkit.event.file import EventFileError
from eventkit.storage import StoreError
from eventkit.ui import editor, sign_in_links
from eventkit.ui.organiser import organiser_page, require_event, show_errors, toast_after_rerun

event = require_event(organiser_page("Event editor"))
store = ui.store()
spec = store.export_spec(event.id)


def save(new_spec, message: str = "Saved.", show_poll: int | None = None) -> None:
    ui.check_organiser()  # the action checks the role again
    try:
        edit.save(store, event.id, new_spec)
    except EventFileError as err:
        show_errors(err.errors)
        return
    except StoreError as err:
        show_errors([err])
        return
    if show_poll is not None:  # the picker stays on the poll just saved
        editor.show_poll_after_rerun(min(show_poll, len(new_spec.polls)))
    toast_after_rerun(message)
    st.rerun()


details, polls_tab, wall_tab, tables_tab, file_tab = st.tabs(
    ["Details", "Polls", "Wall and evaluation", "Tables", "Event file"]
)
with details:
    editor.details_form(spec, save)
    sign_in_links.section(event)
with polls_tab:
    editor.poll_form(spec, save)
with wall_tab:
    editor.wall_and_evaluation_form(spec, save)
with tables_tab:
    editor.table_form(spec, save)
with file_tab:
    editor.event_file_form(event, spec, save)
