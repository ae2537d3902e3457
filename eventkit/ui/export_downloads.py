"""The exports page's parts: the counts, the download links, a CSV's preview, and the backup and event file.

Every file is a link to the server's download route (eventkit/outputs/downloads.py,
eventkit/web/staff_routes.py), which checks this browser's organiser pass at every fetch.
"""

from __future__ import annotations

import io

import streamlit as st

from eventkit.models import Event
from eventkit.outputs import exports
from eventkit.storage import Store

from . import roles
from .downloads import download_link


def counts(store: Store, event: Event) -> None:
    """How many rows of each kind of attendee data the files will hold."""
    rows = store.event_row_counts(event.id)
    with st.container(horizontal=True):
        st.metric("Participants", rows["participants"])
        st.metric("Votes and estimates", rows["votes"])
        st.metric("Wall notes", rows["notes"])
        st.metric("Table notes", rows["table_notes"])
        st.metric("Evaluations", rows["eval_responses"])


def everything_at_once(event: Event) -> None:
    st.header("Everything at once")  # sections are h2 under the page's h1 (axe heading-order)
    with st.container(horizontal=True):
        download_link("ZIP of everything", "zip", event, type="primary", icon=":material/folder_zip:")
        download_link("All activities (long CSV)", exports.LONG_NAME, event, icon=":material/table:")
        download_link("Codebook (Markdown)", "codebook-md", event, icon=":material/menu_book:")
        download_link("Codebook (CSV)", "codebook-csv", event, icon=":material/menu_book:")
    st.caption(
        "The ZIP holds every CSV, both codebooks, the event file and a copy of this event's database "
        "(other events removed, attendee link hashes replaced by pseudonyms)."
    )


def one_csv_per_activity(event: Event) -> None:
    st.header("One CSV per activity")
    with st.container(horizontal=True):
        for name in exports.FILES:
            download_link(name.replace("_", " ").capitalize(), name, event, icon=":material/download:")


def preview(files: dict[str, bytes]) -> None:
    st.header("Preview")
    choice = st.selectbox(
        "File", [*exports.FILES, exports.LONG_NAME], format_func=lambda n: f"{n}.csv", key="export-preview"
    )
    shown = exports.read_csv(io.BytesIO(files[f"{choice}.csv"]), choice)
    st.caption(f"{len(shown):,} rows. Text that a spreadsheet would run as a formula starts with an apostrophe.")
    st.dataframe(shown, hide_index=True, height=320)


def backup_and_event_file(store: Store, event: Event) -> None:
    st.header("Backup and event file")
    with st.container(horizontal=True):
        if not store.is_postgres:  # the server checks this browser's organiser pass at every fetch
            st.link_button("Database backup (all events)", roles.BACKUP_ADDRESS, icon=":material/backup:")
        download_link("Event file (YAML)", "event-file", event, icon=":material/description:")
    if store.is_postgres:
        st.caption(
            "This server keeps every event in a PostgreSQL database: its administrator backs up the whole "
            "database with pg_dump (see the README, “More than one machine”). The ZIP above holds a copy "
            "of this event. The event file recreates the event's set-up without any answers (and without "
            "the facilitator passcode: set one in the Event editor)."
        )
    else:
        st.caption(
            "The backup is a consistent copy taken while the app runs; keep it somewhere safe, as it holds "
            "every event's answers. It holds no staff secret: the organiser password and every facilitator "
            "passcode are blanked in it (a restored copy asks for new ones), and its link works only in a "
            "browser signed in as the organiser, until it signs out. The event file recreates the event's "
            "set-up without any answers (and without the facilitator passcode: set one in the Event editor)."
        )
