"""The exports page's parts: the counts, the download buttons, a CSV's preview, and the backup and event file."""

from __future__ import annotations

import io
from collections.abc import Callable

import streamlit as st

from eventkit.models import Event
from eventkit.outputs import exports
from eventkit.storage import Store

from . import roles


def counts(store: Store, event: Event) -> None:
    """How many rows of each kind of attendee data the files will hold."""
    rows = store.event_row_counts(event.id)
    with st.container(horizontal=True):
        st.metric("Participants", rows["participants"])
        st.metric("Votes and estimates", rows["votes"])
        st.metric("Wall notes", rows["notes"])
        st.metric("Table notes", rows["table_notes"])
        st.metric("Evaluations", rows["eval_responses"])


def on_click(store: Store, event: Event, name: str) -> Callable[[], bytes]:
    """A file made when its button is pressed: until then it has no download address (README)."""
    return lambda: exports.activity_csvs(store, event.id)[name]


def everything_at_once(store: Store, event: Event, stamp: str) -> None:
    st.header("Everything at once")  # sections are h2 under the page's h1 (axe heading-order)
    with st.container(horizontal=True):
        st.download_button(
            "ZIP of everything",
            data=lambda: exports.zip_bytes(store, event),
            type="primary",
            file_name=f"{event.code}-export-{stamp}.zip",
            mime="application/zip",
            icon=":material/folder_zip:",
            on_click="ignore",
        )
        st.download_button(
            "All activities (long CSV)",
            data=on_click(store, event, f"{exports.LONG_NAME}.csv"),
            mime="text/csv",
            file_name=f"{event.code}-{exports.LONG_NAME}.csv",
            icon=":material/table:",
            on_click="ignore",
        )
        st.download_button(
            "Codebook (Markdown)",
            data=on_click(store, event, "codebook.md"),
            file_name=f"{event.code}-codebook.md",
            mime="text/markdown",
            icon=":material/menu_book:",
            on_click="ignore",
        )
        st.download_button(
            "Codebook (CSV)",
            data=on_click(store, event, "codebook.csv"),
            file_name=f"{event.code}-codebook.csv",
            mime="text/csv",
            icon=":material/menu_book:",
            on_click="ignore",
        )
    st.caption(
        "The ZIP holds every CSV, both codebooks, the event file and a copy of this event's database "
        "(other events removed, attendee link hashes replaced by pseudonyms)."
    )


def one_csv_per_activity(store: Store, event: Event) -> None:
    st.header("One CSV per activity")
    with st.container(horizontal=True):
        for name in exports.FILES:
            st.download_button(
                name.replace("_", " ").capitalize(),
                data=on_click(store, event, f"{name}.csv"),
                mime="text/csv",
                file_name=f"{event.code}-{name}.csv",
                icon=":material/download:",
                on_click="ignore",
            )


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
        st.download_button(
            "Event file (YAML)",
            data=lambda: exports.event_file_bytes(store, event),
            file_name=f"{event.code}.yaml",
            mime="application/yaml",
            icon=":material/description:",
            on_click="ignore",
        )
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
            "browser signed in as the organiser, until it signs out. The event file recreates the event's set-up without any answers "
            "(and without the facilitator passcode: set one in the Event editor)."
        )
