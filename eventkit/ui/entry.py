"""Attendee forms that never lose what was typed.

A form's text box is emptied only once its text is saved. When the text is
refused (too long, blank, posting too fast…) it stays in the box and the
reason is shown, so the attendee can shorten it rather than type it again.

The save runs in the submit button's callback, before the page script: that
is the one moment Streamlit lets a widget's value be changed, and it keeps
a post to a single script run.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from eventkit.storage import StoreError
from eventkit.text import TextError

_OUTCOME_KEY = "entry-outcome"
# What a save returns: ("success" or "info", the thank-you message).
Outcome = tuple[str, str]


def limit_note(max_chars: int) -> str:
    """The length limit as attendees read it."""
    return f"Up to {max_chars:,} characters."


def submit_button(label: str, save: Callable[..., Outcome], *, reads: tuple[str, ...], empties: str) -> None:
    """A form's submit button that saves on click and then says how it went.

    save gets the submitted values of the widgets keyed `reads`, in order.
    On success the text box keyed `empties` is emptied; on TextError or
    StoreError nothing is changed and the message is shown in red.
    """
    st.form_submit_button(label, type="primary", width="stretch", on_click=_save, args=(label, save, reads, empties))
    # Kept (not popped) until the next save: under load the run that follows a
    # tap can be cut short and replaced by another, and the "Thanks!" must be
    # drawn by whichever run completes.
    outcome = st.session_state.get(_OUTCOME_KEY)
    if outcome and outcome[0] == label:
        _, kind, message = outcome
        {"success": st.success, "info": st.info}.get(kind, st.error)(message)


def forget_outcome() -> None:
    """Drop what the last save said: the state it spoke of has changed (e.g. consent given after
    a note was refused for want of it), so it would contradict what the page now shows."""
    st.session_state.pop(_OUTCOME_KEY, None)


def _save(label: str, save: Callable[..., Outcome], reads: tuple[str, ...], empties: str) -> None:
    try:
        kind, message = save(*(st.session_state.get(key) for key in reads))
    except (TextError, StoreError) as err:
        st.session_state[_OUTCOME_KEY] = (label, "error", str(err))
        return
    st.session_state[empties] = ""
    st.session_state[_OUTCOME_KEY] = (label, kind, message)
