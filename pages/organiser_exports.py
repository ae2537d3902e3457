"""Organiser: download the event's data — CSV per activity, long CSV and codebook, ZIP, backup.

Every file is a link the server answers only for a browser signed in as the organiser.
"""

import streamlit as st

from eventkit import ui
from eventkit.outputs import exports
from eventkit.ui import export_downloads
from eventkit.ui.organiser import organiser_page, require_event

event = require_event(organiser_page("Exports"))
store = ui.store()
st.caption(
    "Files are made from the database as it is now, so you can download during the event and again "
    "afterwards. Participants appear only as P001, P002 …"
)

export_downloads.counts(store, event)
export_downloads.everything_at_once(event)
export_downloads.one_csv_per_activity(event)
export_downloads.preview(exports.activity_csvs(store, event.id))
export_downloads.backup_and_event_file(store, event)
