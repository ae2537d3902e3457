"""Attendee: my table's vignettes and prompts, recording consent, scribe notes."""

import streamlit as st

from eventkit import ui
from eventkit.storage import StoreError
from eventkit.ui import routes
from eventkit.ui import table as table_page

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
table_page.consent(table, me)
for vignette in table.vignettes:
    with st.expander(ui.plain(vignette.title), expanded=len(table.vignettes) == 1):
        ui.show_prose(vignette.story)
        if vignette.prompts:
            st.markdown("**Discuss:**")
            for prompt in vignette.prompts:
                st.text(f"• {prompt}")
table_page.scribe_form(table, me)
st.caption("Wrong table? Scan the QR code on your table, or ask a facilitator.")
ui.attendee_footer(attendee)
