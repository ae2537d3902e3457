"""The control panel's run of the day: what is live, Next question and the live poll's buttons.

run_of_the_day sits above the tabs, so what a facilitator presses all day is in
view without opening a tab or scrolling, at 1280×800 and on a phone; the status
is one compact line and the rest is folded below. Sections that show shared
state rerun on a timer (fragments), so two facilitators at once (laptop and
phone) see the same state within seconds. The Poll tab is in panel_poll.py; the
door, the wall, the tables and the evaluation are in panel_room.py.
"""

from __future__ import annotations

import streamlit as st

from eventkit.access.console import Console

from ..live import PANEL_REFRESH_SECONDS
from ..models import Event, Live, Poll, next_question
from . import facilitator as fx
from . import faults
from .live import reads
from .names import STATE_NAMES, counted, label, poll_names, poll_titles

_LAST_PRESSED = "ek-next-found-nothing"  # the live poll id when Next question had nothing left to open
SCREEN_NAMES = {"welcome": "Welcome", "wall": "The wall", "tables": "Table discussions", "evaluation": "Evaluation"}


def picker_key(live_id: int | None) -> str:
    """The Poll tab's picker, one per live poll, so it follows the live poll when that changes."""
    return f"poll-pick-{live_id}"


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def run_of_the_day(event: Event, con: Console) -> None:
    """What is live in one line, the live poll's buttons and Next question, and what Next will open."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    polls, now = reads().polls(event.id), reads().live(event.id)
    live_id = now.poll_id if now.kind == "poll" else None
    current = next((p for p in polls if p.id == live_id), None)
    with st.container(key="ek-status"):
        st.caption(status_line(event, now, current))
    crowd_alert(event)
    picked = st.session_state.get(picker_key(live_id))
    picked = picked if picked in {p.id for p in polls} else None
    with st.container(horizontal=True, wrap=True, gap="small", key="ek-run-of-the-day"):
        if current is not None:
            poll_buttons(event, con, current, "now")
        calm = current is None or current.state in ("closed", "revealed")
        if st.button(
            "Next question", icon=":material/skip_next:", key="now-next", type="primary" if calm else "secondary"
        ):
            fx.act(event, _next_question, con, live_id, picked)
    next_caption(polls, live_id, picked)


def status_line(event: Event, now: Live, current: Poll | None) -> str:
    """'**Live: Q3 · voting open** · results hidden · 1 phone vote of 12 joined devices · 2 notes waiting · feedback 0 of 12'."""
    responses, joined = reads().response_rate(event.id)
    pending = sum(1 for n in reads().moderation_notes(event.id) if n.status == "pending")
    if current is not None:
        shown = "shown" if current.results_visible else "hidden"
        votes = reads().vote_count(current.id)
        what = (
            f"**Live: Q{current.position} · {STATE_NAMES[current.state].lower()}** · results {shown}"
            f" · {counted(votes, 'phone vote')} from {counted(joined, 'joined device')}"
        )
    else:
        what = f"**Live: {SCREEN_NAMES.get(now.kind, label(now.kind))}** · {counted(joined, 'joined device')}"
    return (
        f"{what} · {counted(pending, 'note')} waiting · feedback {fx.rate_caption(responses, joined)}"
        f" · refreshed every {PANEL_REFRESH_SECONDS} s"
    )


def crowd_alert(event: Event) -> None:
    """An alert once more devices joined than the organiser expected, while joining is open."""
    fresh = reads().event_by_code(event.code) or event
    joined, expected = reads().response_rate(event.id)[1], fresh.expected_attendance
    if fresh.joining_open and expected and joined > expected:
        st.warning(
            f"**{joined} devices have joined: more than the {expected} people expected.** "
            "If everyone is in, close joining (under *Joining*, below): people already in carry on.",
            icon=":material/groups:",
        )


def poll_buttons(event: Event, con: Console, poll: Poll, where: str) -> None:
    """Open (or re-open), close, show/hide results and reveal, for one poll; `where` keeps keys apart."""
    reopen = poll.state == "revealed"
    if st.button(
        "Re-open voting (answer already shown)" if reopen else "Open voting",
        icon=":material/play_arrow:",
        disabled=poll.is_open,
        type="primary" if poll.state == "draft" else "secondary",
        help="Phones can vote again although the answer has been shown." if reopen else None,
        key=f"{where}-open-{poll.id}",
    ):
        fx.act(event, con.open_poll, poll.id)
    if st.button("Close voting", icon=":material/stop:", disabled=not poll.is_open, key=f"{where}-close-{poll.id}"):
        fx.act(event, con.close_poll, poll.id)
    shown = poll.results_visible
    if st.button(
        "Hide results" if shown else "Show results", icon=":material/bar_chart:", key=f"{where}-results-{poll.id}"
    ):
        fx.act(event, con.show_results, poll.id, not shown)
    if st.button(
        "Reveal answer",
        icon=":material/visibility:",
        disabled=poll.state == "revealed",
        type="primary" if poll.is_open else "secondary",
        key=f"{where}-reveal-{poll.id}",
    ):
        fx.act(event, con.reveal, poll.id)


def _next_question(con: Console, live_id: int | None, picked_id: int | None) -> None:
    if con.next_poll(live_id, picked_id) is None:
        st.session_state[_LAST_PRESSED] = live_id  # said until something else is live
    else:
        st.session_state.pop(_LAST_PRESSED, None)


def next_caption(polls: list[Poll], live_id: int | None, picked_id: int | None) -> None:
    """What Next question will do, and what it did when there was nothing left."""
    upcoming = next_question(polls, live_id, picked_id)
    if upcoming is not None:
        st.caption(f"Next question opens {poll_titles(polls)[upcoming.id]}")
        return
    live = next((p for p in polls if p.id == live_id), None)
    still = (
        f" Voting on Q{live.position} is still open: press Reveal answer or Close voting."
        if live and live.is_open
        else ""
    )
    pressed = _LAST_PRESSED in st.session_state and st.session_state[_LAST_PRESSED] == live_id
    if live is None:
        (st.warning if pressed else st.caption)(
            "Every question has been asked: Next question has nothing to open. "
            "To show one again, pick it in the Poll tab and press Make live."
        )
    elif pressed:
        st.warning(f"That was the last question: there is no next one.{still}", icon=":material/flag:")
    else:
        st.caption("This is the last question: Next question will not open another.")


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def run_of_show(event: Event, con: Console) -> None:
    """Buttons that make each activity live; the live one is highlighted."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    now, polls = reads().live(event.id), reads().polls(event.id)
    names = poll_names(polls)
    steps = [
        ("welcome", None, "Welcome and join QR"),
        *[("poll", p.id, names[p.id]) for p in polls],
        ("wall", None, "The wall"),
        ("tables", None, "Table discussions"),
        ("evaluation", None, "Evaluation (feedback form)"),
    ]
    for kind, poll_id, name in steps:
        is_live = now.kind == kind and now.poll_id == poll_id
        if st.button(
            ("● " if is_live else "") + name,
            key=f"live-{kind}-{poll_id}",
            width="stretch",
            type="primary" if is_live else "secondary",
        ):
            fx.act(event, con.set_live, kind, poll_id)
