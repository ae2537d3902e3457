"""Organiser: make the event report — one self-contained HTML file, printable to PDF."""

import base64

import streamlit as st

from eventkit import ui
from eventkit.outputs import report
from eventkit.ui.downloads import download_link
from eventkit.ui.organiser import organiser_page, require_event

event = require_event(organiser_page("Event report"))
st.write(
    "One file with the poll reveals, charts, evaluation results and notes by theme. "
    "Open it in a browser and print it to PDF. It needs no internet connection."
)

if st.button("Make the report", type="primary", icon=":material/description:"):
    ui.check_organiser()  # the action checks the role again
    with st.spinner("Drawing the charts…"):
        html = report.build_report(ui.store(), event.id)
    download_link("Download the report (HTML)", "report", event, type="primary", icon=":material/download:")
    st.caption(f"{len(html) / 1024:,.0f} KB. Preview:")
    # Our own generated HTML (all attendee text escaped, no scripts), and as a data: URL it
    # also runs in an opaque origin, apart from the app.
    st.iframe("data:text/html;base64," + base64.b64encode(html.encode()).decode(), height=900)
