"""Organiser: thematic coding — tag notes and answers with themes; the analysis matrix."""

import pandas as pd
import streamlit as st

from eventkit import ui
from eventkit.results import analysis
from eventkit.storage import StoreError
from eventkit.storage.coding import SOURCE_LABELS, SOURCES
from eventkit.ui.coding import theme_list
from eventkit.ui.downloads import download_link
from eventkit.ui.organiser import organiser_page, require_event, show_refusal, toast_after_rerun

event = require_event(organiser_page("Thematic coding"))
store = ui.store()
themes = store.list_themes(event.id)
names = {t.id: t.name for t in themes}

with st.expander(f"Themes ({len(themes)})", expanded=not themes):
    theme_list(event.id, themes)

source = st.segmented_control("Source", SOURCES, format_func=SOURCE_LABELS.get, default="note", required=True)
items = store.codable_items(event.id, source)
uncoded_only = st.toggle("Only items without a theme")
shown = [i for i in items if not (uncoded_only and i.theme_ids)]
st.caption(f"{len(items)} items, {sum(1 for i in items if i.theme_ids)} coded.")

with st.form(f"code-{source}"):
    chosen = {}
    for number, item in enumerate(shown, 1):
        with st.container(border=True):
            st.caption(item.context)
            ui.show_literal(item.text)
            chosen[item.item_key] = st.multiselect(
                f"Themes of item {number}",
                list(names),
                default=list(item.theme_ids),
                format_func=names.get,
                key=f"c-{source}-{item.item_key}",
                label_visibility="collapsed",
                placeholder="Choose themes",
            )
    if not shown:
        st.info("Nothing to code here yet.")
    if st.form_submit_button("Save themes", type="primary", disabled=not shown):
        ui.check_organiser()  # the action checks the role again
        try:
            changed = store.set_codings(event.id, source, chosen)
        except StoreError as err:
            show_refusal(err)
        else:  # the rerun counts the coded items again
            toast_after_rerun(f"Saved. {changed} item{'s' if changed != 1 else ''} changed.")
            st.rerun()

st.header("Analysis matrix")  # h2 under the page's h1 (axe heading-order)
cells = store.analysis_matrix(event.id)
st.dataframe(analysis.matrix_frame(cells), hide_index=True)
for theme in dict.fromkeys(c.theme for c in cells):
    with st.expander(f"{theme}: the texts"):
        texts = [(SOURCE_LABELS[c.source], t) for c in cells if c.theme == theme for t in c.texts]
        st.dataframe(pd.DataFrame(texts, columns=["source", "text"]), hide_index=True)
download_link("Download the matrix (CSV)", "analysis-matrix", event, icon=":material/download:")
