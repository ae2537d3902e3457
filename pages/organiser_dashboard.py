"""Organiser: the analysis dashboard — polls, estimates, shifts, wall, evaluation, participation."""

import streamlit as st

from eventkit import ui
from eventkit.results import analysis
from eventkit.ui import routes
from eventkit.ui.dashboard import summary_table
from eventkit.ui.organiser import organiser_page, require_event

event = require_event(organiser_page("Dashboard"))
store = ui.store()
st.button("Refresh", icon=":material/refresh:")

responses, joined, rate = analysis.response_rate(store, event.id)
with st.container(horizontal=True):
    st.metric("People joined", joined)
    st.metric("Votes cast", sum(store.votes_per_poll(event.id).values()))
    st.metric("Wall notes", len(store.list_notes(event.id, ("visible", "hidden", "pending"))))
    st.metric("Evaluations", responses)
    st.metric("Response rate", "–" if rate is None else f"{rate:.0%}")

polls = store.list_polls(event.id)
summary = analysis.poll_summary_frame(store, event.id)
tab_polls, tab_wall, tab_eval, tab_day = st.tabs(["Polls", "Wall", "Evaluation", "Over the day"])

with tab_polls:
    if summary.empty:
        st.info("This event has no polls.")
    else:
        st.dataframe(
            summary_table(summary),
            hide_index=True,
            column_config={"question": st.column_config.TextColumn(width="medium")},  # the figures in view
        )
    for poll in polls:
        if poll.kind == "choice":
            st.altair_chart(analysis.perception_chart(poll, analysis.choice_frame(store, poll)))
        else:
            st.altair_chart(analysis.estimate_chart(poll, store.poll_results(poll.id).estimates), height=200)
        if poll.repeat_of is not None:
            st.altair_chart(analysis.shift_chart(poll, analysis.shift_frame(store, poll)))

with tab_wall:
    notes = analysis.notes_frame(store, event.id)
    if notes.empty:
        st.info("This event has no wall prompts.")
    else:
        st.altair_chart(analysis.notes_chart(notes))
        st.dataframe(notes, hide_index=True)

with tab_eval:
    frame = analysis.eval_frame(store, event.id)
    if frame.empty:
        st.info("No scores or agreement answers yet.")
    for chart in (analysis.score_chart(frame), analysis.likert_chart(frame)):
        if chart is not None:
            st.altair_chart(chart)
    routes.link(routes.CODING, label="Read and code the free-text answers", icon=":material/label:")

with tab_day:
    day = analysis.participation_frame(store, event.id)
    if day.empty:
        st.info("Nobody has joined yet.")
    else:
        st.altair_chart(analysis.participation_chart(day))
