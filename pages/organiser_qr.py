"""Organiser: QR codes for the event and each table, as PNGs and a printable sheet."""

import streamlit as st

from eventkit import ui
from eventkit.event import links
from eventkit.outputs import qrsheet
from eventkit.storage import StoreError
from eventkit.ui.downloads import download_link
from eventkit.ui.organiser import organiser_page, require_event, show_refusal
from eventkit.ui.panel import label  # messages may quote the typed address: never as Markdown

event = require_event(organiser_page("QR codes"))
store = ui.store()
port = st.get_option("server.port")
suggested = links.suggest_base_url(port)

with st.form("base-url"):
    typed = st.text_input(
        "Public address phones will open",
        value=event.public_base_url or suggested,
        max_chars=links.MAX_URL_CHARS,
        help="The address of this app as seen from the venue Wi-Fi, e.g. http://192.168.1.20:8501 "
        "or https://events.example.org",
    )
    if st.form_submit_button("Save address", type="primary"):
        try:
            store.set_public_base_url(event.id, links.normalise_base_url(typed))
            event = store.get_event(event.id)
            st.success("Saved. The codes below, and the projector's, use the new address.")
        except links.AddressError as err:
            st.error(label(str(err), 600))
        except StoreError as err:
            show_refusal(err)
st.caption(
    f"Suggested for this machine: {suggested} (its address on the local network). "
    "Check on a phone on the venue Wi-Fi that it opens before printing."
)

base, note = links.public_base(event.public_base_url, port)
if note:
    (st.warning if links.is_local(base) else st.info)(label(note, 600))
cards = qrsheet.make_cards(base, event, store.list_tables(event.id))

with st.container(horizontal=True):
    download_link("Printable sheet (HTML)", "qr-sheet", event, type="primary", icon=":material/print:")
    download_link("QR images (ZIP of PNGs)", "qr-codes", event, icon=":material/qr_code_2:")
st.caption(
    "Open the sheet in a browser and print it: one A4 page per code, table number in large type. "
    "The projector shows the same join code."
)

st.header("The codes")  # the cards' h3 headings sit under an h2 (axe heading-order)
columns = st.columns(3)
for i, card in enumerate(cards):
    with columns[i % 3], st.container(border=True):
        st.subheader(card.heading)
        st.image(card.png, width="stretch", alt=f"QR code for {card.heading}: {card.url}")
        st.text(card.url)
