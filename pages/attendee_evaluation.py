"""Attendee: the exit evaluation, one editable response per person."""

import streamlit as st

from eventkit import ui
from eventkit.models import EVAL_TEXT_MAX_CHARS, LIKERT_LABELS, EvalItem
from eventkit.storage import StoreError
from eventkit.text import TextError
from eventkit.ui import entry, routes

attendee = ui.attendee_page(routes.FEEDBACK)
event, me = attendee.event, attendee.participant
ui.live_banner(attendee, "evaluation", whole_page=True)  # the form opens when the evaluation goes live
st.title("Your feedback", anchor=False)
SENT = "eval-sent"  # set by send(): this browser has just sent the form

items = ui.store().list_eval_items(event.id)
is_open = ui.reads().event_by_code(event.code).eval_open
saved = ui.store().my_evaluation(event.id, me.id)
if not items:
    st.info("This event has no evaluation form.")
    st.stop()
if not is_open and saved:  # never "opens at the end of the day" to someone who has answered
    st.success("Thanks, your answers are in. The evaluation has now closed.")
elif not is_open:
    has_been_open = ui.store().count_eval_responses(event.id) > 0
    st.info(
        "The evaluation has closed. Thank you for taking part today."
        if has_been_open
        else "The evaluation opens at the end of the day. You will find it here."
    )
    ui.attendee_footer(attendee)
    st.stop()
elif st.session_state.get(SENT):
    # Just sent from the bottom of a long form: the thanks replaces the form, so the
    # page is one screen tall and the browser cannot leave it out of view.
    st.success("Thank you, your feedback is saved. You can change it until the evaluation closes.")
    st.button("Change my answers", on_click=st.session_state.pop, args=(SENT, None))
    ui.attendee_footer(attendee)
    st.stop()
elif saved and not ui.has_flash():  # not "saved" beside a refused edit
    st.success("Thank you, your feedback is saved. You can change it until the evaluation closes.")


def ask(item: EvalItem) -> None:
    key, old = f"eval-{item.id}", saved.get(item.id)
    if item.kind == "text":
        st.text_area(ui.plain(item.text), value=old or "", key=key, disabled=not is_open)
    elif item.kind == "likert":
        st.radio(
            ui.plain(item.text),
            range(1, 6),
            format_func=lambda v: LIKERT_LABELS[v - 1],
            key=key,
            index=None if old is None else old - 1,
            disabled=not is_open,
        )
    else:
        st.radio(
            f"{ui.plain(item.text)} (1 = poor, 5 = excellent)",
            range(1, 6),
            horizontal=True,
            key=key,
            index=None if old is None else old - 1,
            disabled=not is_open,
        )


def send() -> None:
    # A callback: it saves before the page runs, so one run both saves and thanks.
    answers = {item.id: st.session_state.get(f"eval-{item.id}") for item in items}
    try:
        ui.store().submit_evaluation(event.id, me.id, answers)
        st.session_state[SENT] = True
    except (TextError, StoreError) as err:
        ui.flash(str(err))


with st.form("evaluation"):
    for item in items:
        ask(item)
    st.caption(
        f"Every question is optional; written answers {entry.limit_note(EVAL_TEXT_MAX_CHARS).lower()} "
        "Your answers are anonymous."
    )
    st.form_submit_button("Send my feedback", type="primary", width="stretch", disabled=not is_open, on_click=send)
    ui.show_flash()

ui.attendee_footer(attendee)
