"""Organiser: a seating plan that spreads organisations and sectors across the tables."""

import streamlit as st

from eventkit import ui
from eventkit.event import seating
from eventkit.ui.organiser import organiser_page

event = organiser_page("Seating plan")
st.caption(
    "Upload the attendee list and choose how many tables. Names stay in this browser tab and in "
    "the file you download: they are never saved in eventkit nor linked to anyone's answers."
)

upload = st.file_uploader("Attendee list (CSV with columns name, organisation, sector)", type=["csv", "txt"])
use_sample = st.toggle("Try it with a made-up list", value=False, disabled=upload is not None)
st.download_button(
    "Blank template (CSV)",
    data=seating.TEMPLATE_CSV,
    file_name="attendees.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    type="tertiary",
)

default_tables = len(ui.store().list_tables(event.id)) if event else 0
with st.container(horizontal=True):
    tables = st.number_input("Tables", min_value=1, max_value=100, value=default_tables or 4, step=1)
    seed = st.number_input(
        "Shuffle number",
        min_value=0,
        max_value=9999,
        value=1,
        step=1,
        help="The same list, tables and number always give the same plan; "
        "change the number for another plan that follows the same rules.",
    )

if upload is None and not use_sample:
    st.info("Upload a CSV to make a plan. Header names are flexible (Organization, ORG, Sector …).")
    st.stop()

try:
    people = seating.parse_attendees(upload.getvalue() if upload is not None else seating.sample_csv())
    plan = seating.seating_plan(people, int(tables), int(seed))
except seating.SeatingError as err:
    st.error(str(err))
    st.stop()

summary = seating.plan_summary(plan)
sizes = plan.groupby("table").size()
crowded = seating.crowded_organisations(people, int(tables))
apart = summary["most from one organisation"].max() <= 1
seats = f"{sizes.min()}" if sizes.min() == sizes.max() else f"{sizes.min()}–{sizes.max()}"
st.success(
    f"{len(people)} people at {int(tables)} tables of {seats}. "
    + (
        "No table has two people from one organisation."
        if apart
        else "Colleagues share a table only where unavoidable: "
        + ", ".join(f"{org} has {n} people for {int(tables)} tables" for org, n in crowded)
        + "."
    )
)
st.download_button(
    "Download the plan (CSV)",
    data=seating.plan_csv(plan),
    type="primary",
    file_name=f"{event.code if event else 'event'}-seating-plan.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
st.dataframe(summary, hide_index=True)
st.dataframe(plan, hide_index=True, height=420)
