"""The attendee behind a page's URL: ?event=CODE and ?p=TOKEN (a random token, no name).

The first visit joins the event (at ?table=N if the QR code said so); the
session keeps its copy of the participant under one key.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from eventkit.access import security

from ..models import Event, Participant
from ..storage import StorageFault, StoreError
from ..storage.participants import JoinRefused
from .live import reads, store
from .widgets import plain, shown_code, url_code, use_css

_PARTICIPANT_KEY = "ek_participant"  # (event_id, token) -> Participant for this browser tab


@dataclass(frozen=True)
class Attendee:
    event: Event
    token: str
    participant: Participant

    def link_params(self) -> dict[str, str]:
        """Query parameters that carry this attendee to another page."""
        return {"event": self.event.code, "p": self.token}


def current_attendee() -> Attendee | None:
    """The attendee behind this page's URL, joining them on first visit.

    Shows the join form or a clear message and returns None when the URL
    names no event, an unknown event or a closed one.
    """
    code = url_code()
    if not code:
        return None
    event = reads().event_by_code(code)
    if event is None:
        st.error(f"There is no event with the code “{shown_code(code)}”. Check the code on the screen or poster.")
        return None
    if event.status != "open":
        st.info(f"{plain(event.title)} has closed. Thank you for taking part.")
        return None
    token = st.query_params.get("p")
    if not security.looks_like_token(token):
        token = security.new_token()
        st.query_params["p"] = token
    table_no = _int_param("table")
    cache = st.session_state.setdefault(_PARTICIPANT_KEY, {})
    participant = cache.get((event.id, token))
    if participant is None or (table_no is not None and participant.table_no != table_no):
        try:
            participant = store().join(event.id, token, table_no)
        except JoinRefused as err:  # the door is closed, or far more joins this minute than a room makes
            use_css("attendee")
            st.info(str(err), icon=":material/door_front:" if err.reason == "closed" else ":material/hourglass_top:")
            st.button("Try again", type="primary")
            st.stop()
        except StorageFault:
            raise  # the router says it for this page's audience
        except StoreError as err:  # the server is too busy to take a write just now
            st.error(str(err))
            st.button("Try again", type="primary")
            st.stop()
        cache[(event.id, token)] = participant
    return Attendee(event, token, participant)


def remember_participant(attendee: Attendee, participant: Participant) -> None:
    """Update the session's copy of the participant (e.g. after choosing a table)."""
    st.session_state.setdefault(_PARTICIPANT_KEY, {})[(attendee.event.id, attendee.token)] = participant


def _int_param(name: str) -> int | None:
    value = st.query_params.get(name, "")
    # isascii: "²" and "١" are digits to str.isdigit but not to int() (or people)
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None
