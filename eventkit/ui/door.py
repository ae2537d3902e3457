"""Set aside a flood of devices: the control panel's form beside the joined-devices warning.

Closing joining stops new devices, not links a script minted before the
close. Here the facilitator sees how many devices joined in each of the last
30 minutes, picks the minutes of a flood and sets those devices aside: their
votes and notes stay in the database but count nowhere, and they can send
nothing more. Each window is listed with a Restore button that undoes it.
Times show in the server's time zone (the panel's clock).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from eventkit.access.console import Console
from eventkit.storage import utc_now, utc_stamp
from eventkit.storage.db import parse_stamp

from ..models import Event
from . import facilitator as fx

LOOK_BACK_MINUTES = 30


def set_aside(event: Event, con: Console) -> None:
    """The set-aside windows with Restore, and the joins-per-minute chart with the window form."""
    for window in con.set_asides():
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(
                f"**{window.devices} devices set aside** (joined {_clock(window.joined_from)}–"
                f"{_clock(window.joined_to)}): their {window.votes} votes and {window.notes} notes are kept "
                "but counted nowhere, and they cannot send more.",
                width="stretch",
            )
            if st.button("Restore", icon=":material/undo:", key=f"set-aside-restore-{window.id}"):
                fx.act(event, con.restore_set_aside, window.id)
    since = utc_stamp(parse_stamp(utc_now()) - timedelta(minutes=LOOK_BACK_MINUTES))
    minutes = {minute: (joins, aside) for minute, joins, aside in con.joins_per_minute(since)}
    with st.expander("Set aside a flood of new devices"):
        _window_form(event, con, minutes)


def _window_form(event: Event, con: Console, minutes: dict[str, tuple[int, int]]) -> None:
    st.caption(
        "Closing joining stops new phones, but links made before it keep working. If a script joined "
        "many devices at once, set aside the devices that joined in those minutes: their votes and notes "
        "are kept for the record but left out of every result and export, and they cannot send more. "
        "Restore undoes it."
    )
    if not minutes:
        st.caption(f"No device joined in the last {LOOK_BACK_MINUTES} minutes.")
        return
    frame = pd.DataFrame(
        {"Joined": [j - a for j, a in minutes.values()], "Set aside": [a for _, a in minutes.values()]},
        index=pd.Index([_clock(m) for m in minutes], name="Minute"),
    )
    st.bar_chart(frame, height=160, stack=True)
    options = list(minutes)
    busiest = options.index(max(options, key=lambda m: minutes[m][0]))

    def named(minute: str) -> str:
        joins, aside = minutes[minute]
        return f"{_clock(minute)} — {joins} joined" + (f", {aside} set aside" if aside else "")

    with st.container(horizontal=True, vertical_alignment="bottom"):
        first = st.selectbox("From the minute", options, index=busiest, format_func=named, key="set-aside-from")
        last = st.selectbox("to the minute", options, index=busiest, format_func=named, key="set-aside-to")
    start, end = _window(first, last)
    label = f"Set aside joins from {_clock(start)} to {_clock(end)}"
    if st.button(label, icon=":material/block:", key="set-aside-go"):
        fx.act(event, con.set_aside_joined_between, start, end)


def _window(first: str, last: str) -> tuple[str, str]:
    """The stored-timestamp window from the start of one minute to the end of another (either order)."""
    low, high = sorted((first, last))
    start = datetime.fromisoformat(low).replace(tzinfo=UTC)
    end = datetime.fromisoformat(high).replace(tzinfo=UTC) + timedelta(minutes=1)
    return utc_stamp(start), utc_stamp(end)


def _clock(moment: str) -> str:
    """A stored timestamp or a UTC minute ("YYYY-MM-DDTHH:MM") as HH:MM on the server's clock."""
    parsed = parse_stamp(moment) if moment.endswith("Z") else datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return parsed.astimezone().strftime("%H:%M")
