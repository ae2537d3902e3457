"""Organiser: download the event's data — CSV per activity, long CSV and codebook, ZIP, backup."""

import io

import streamlit as st

from eventkit import ui
from eventkit.outputs import exports
from eventkit.ui import roles
from eventkit.ui.downloads import download_link
from eventkit.ui.organiser import organiser_page, require_event

event = require_event(organiser_page("Exports"))
store = ui.store()
st.caption(
    "Files are made from the database as it is now, so you can download during the event and again "
    "afterwards. Participants appear only as P001, P002 …"
)

counts = store.event_row_counts(event.id)
with st.container(horizontal=True):
    st.metric("Participants", counts["participants"])
    st.metric("Votes and estimates", counts["votes"])
    st.metric("Wall notes", counts["notes"])
    st.metric("Table notes", counts["table_notes"])
    st.metric("Evaluations", counts["eval_responses"])

files = exports.activity_csvs(store, event.id)

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

st.header("One CSV per activity")
with st.container(horizontal=True):
    for name in exports.FILES:
        download_link(name.replace("_", " ").capitalize(), name, event, icon=":material/download:")

st.header("Preview")
choice = st.selectbox(
    "File", [*exports.FILES, exports.LONG_NAME], format_func=lambda n: f"{n}.csv", key="export-preview"
)
preview = exports.read_csv(io.BytesIO(files[f"{choice}.csv"]), choice)
st.caption(f"{len(preview):,} rows. Text that a spreadsheet would run as a formula starts with an apostrophe.")
st.dataframe(preview, hide_index=True, height=320)

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
        "browser signed in as the organiser, until it signs out. The event file recreates the event's set-up without any answers "
        "(and without the facilitator passcode: set one in the Event editor)."
    )
