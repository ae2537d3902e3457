"""Organiser: the events — choose, create, duplicate, import, delete — and links to every tool."""

import streamlit as st

from eventkit import ui
from eventkit.event import editing as event_editing
from eventkit.event.file import EventFileError, parse_event_file
from eventkit.storage import StoreError
from eventkit.ui.organiser import created, organiser_page, point_to_the_editor_after_create, show_errors, show_refusal

event = organiser_page("Organiser")
store = ui.store()

if event is not None:
    st.caption(
        "Set the event up, print its QR codes and seat people before the day; "
        "export, analyse, code and report afterwards. Choose a page above."
    )
    events = store.list_events()
    st.dataframe(
        [
            {
                "code": e.code,
                "title": e.title,
                "date": e.date,
                "status": e.status,
                "people": store.count_participants(e.id),
            }
            for e in events
        ],
        hide_index=True,
    )


def start_on(event_id: int, message: str) -> None:
    ui.choose_organiser_event(event_id)
    st.toast(message)
    st.rerun()


point_to_the_editor_after_create()
with st.expander("Create a new event", expanded=event is None), st.form("create-event"):
    code = st.text_input("Code (3-12 letters or digits; attendees type it)", max_chars=12, key="new-code")
    title = st.text_input("Title", key="new-title")
    date = st.text_input("Date (YYYY-MM-DD)", key="new-date")
    if st.form_submit_button("Create event", type="primary"):
        try:
            new_id = store.import_event(event_editing.new_event_spec(code, title, date))
            created(store.get_event(new_id).code, ("new-code", "new-title", "new-date"))
            start_on(new_id, "Event created.")
        except EventFileError as err:
            show_errors(err.errors)
        except StoreError as err:
            show_refusal(err)

with st.expander("Import an event file (YAML)"):
    upload = st.file_uploader("Event file", type=["yaml", "yml"])
    replace_existing = st.checkbox("Replace an event with the same code (deletes all its data)")
    if upload is not None and st.button("Import", type="primary"):
        try:
            spec = parse_event_file(upload.getvalue().decode("utf-8", errors="replace"))
            start_on(store.import_event(spec, replace=replace_existing), f"Imported {spec.code}.")
        except EventFileError as err:
            show_errors(err.errors, in_words=False)  # a file's problems: field path and line
        except StoreError as err:
            show_refusal(err)

if event is None:
    st.stop()

with st.expander(f"Duplicate {event.code} (set-up only, no attendee data)"), st.form("duplicate-event"):
    new_code = st.text_input("New code", max_chars=12)
    new_title = st.text_input("New title", value=f"{event.title} (copy)")
    if st.form_submit_button("Duplicate"):
        try:
            start_on(store.duplicate_event(event.id, new_code, new_title), "Event duplicated.")
        except EventFileError as err:
            show_errors(err.errors)
        except StoreError as err:
            show_refusal(err)

with st.expander(f"Delete {event.code} and all its data"):
    st.warning(
        "This removes the event, its votes, notes and answers from the database file for good. "
        "Download the exports first if you need them."
    )
    with st.form("delete-event"):
        typed = st.text_input(f"Type {event.code} to confirm")
        if st.form_submit_button("Delete for good"):
            if typed.strip().upper() != event.code:
                st.error(f"Type the code {event.code} exactly to confirm. Nothing was deleted.")
            else:
                ui.check_organiser()  # the action checks the role again
                store.delete_event(event.id)
                remaining = store.list_events()
                if remaining:
                    ui.choose_organiser_event(remaining[0].id)
                st.toast(f"{event.code} deleted.")
                st.rerun()
