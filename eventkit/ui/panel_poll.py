"""The control panel's Poll tab: pick a poll, its buttons and results, show of hands, repeats, turnout.

The live poll's buttons are at the top of the panel (panel.py); here the
facilitator picks another poll to make live, to prepare, or to count hands for.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from eventkit.access.console import Console
from eventkit.results import charts

from ..live import PANEL_REFRESH_SECONDS
from ..models import Event, Poll, next_question
from . import facilitator as fx
from . import faults
from .live import reads
from .names import STATE_NAMES, counted, label, poll_names, poll_titles
from .panel import picker_key, poll_buttons


def poll_picker(event: Event, con: Console) -> Poll | None:
    """The poll to work on (the live one, else the one Next question opens), and its controls.

    The picker is outside the timed fragment on purpose: choosing a poll
    reruns the whole page, so the show-of-hands form and the repeat setting
    below always belong to the poll shown here.
    """
    polls, now = reads().polls(event.id), reads().live(event.id)
    if not polls:
        st.info("This event has no polls.")
        return None
    live_id = now.poll_id if now.kind == "poll" else None
    names, ids = poll_names(polls), [p.id for p in polls]
    default = live_id or (next_question(polls, None) or polls[0]).id
    picked = st.selectbox(
        "Poll", ids, index=ids.index(default), format_func=names.__getitem__, key=picker_key(live_id)
    )  # follows the live poll when it changes
    poll_controls(event, con, picked, live_id)
    return reads().poll(event.id, picked)


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def poll_controls(event: Event, con: Console, poll_id: int, drawn_live_id: int | None) -> None:
    """Make live, open, close, show/hide results and reveal for a poll that is not live; its results."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    now = reads().live(event.id)
    live_id = now.poll_id if now.kind == "poll" else None
    poll = reads().poll(event.id, poll_id)
    if live_id != drawn_live_id or poll is None:
        st.rerun()  # another panel moved on (or the poll was removed): redraw the whole tab
    if live_id == poll.id:
        st.caption("This poll is live: its buttons and Next question are at the top of the panel.")
    else:
        with st.container(horizontal=True, wrap=True, gap="small"):
            if st.button("Make live", icon=":material/cast:", key=f"pick-live-{poll.id}"):
                fx.act(event, con.set_live, "poll", poll.id)
            poll_buttons(event, con, poll, "pick")
        st.caption(
            f"Poll state: {STATE_NAMES[poll.state].lower()}. "
            f"Results are {'shown' if poll.results_visible else 'hidden'} on the projector when it is live. "
            "Next question, at the top, opens this poll if it has not been asked."
        )
    _private_results(event, poll)


def _private_results(event: Event, poll: Poll) -> None:
    """What the room answered, for the facilitator's eyes (shown whether or not the projector shows it)."""
    results = reads().results(poll.id)
    joined = reads().response_rate(event.id)[1]
    st.write(
        f"{counted(results.votes, 'phone vote')} from {counted(joined, 'joined device')}"
        + (f", plus {results.manual_total:,} by show of hands" if results.manual_total else "")
    )
    if poll.kind == "choice":
        st.dataframe(
            pd.DataFrame(
                [
                    {"Option": c.label, "Correct": c.is_correct, "Phones": c.votes, "Show of hands": c.manual}
                    for c in results.counts
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    elif results.estimates:
        st.write(
            f"Median guess {charts.median(results.estimates):g}"
            + (f"; true value {poll.true_value:g}" if poll.true_value is not None else "")
        )


def manual_counts(event: Event, con: Console, poll: Poll) -> None:
    """Show-of-hands counts for the poll, kept apart from phone votes."""
    if poll.kind != "choice":
        st.caption("Show-of-hands counts are for multiple-choice polls.")
        return
    current = {c.option_id: c.manual for c in reads().results(poll.id).counts}
    with st.form(f"hands-{poll.id}"):  # keys per poll: the counts always go to the poll named here
        st.caption(f"Counts for {poll_titles(reads().polls(event.id)).get(poll.id, f'Q{poll.position}')}")
        st.caption("If phones or Wi-Fi fail: count hands and type the totals. Kept apart from phone votes.")
        typed = {
            o.id: st.number_input(
                label(o.label),
                min_value=0,
                max_value=100_000,
                step=1,
                value=current.get(o.id, 0),
                key=f"hands-{poll.id}-{o.id}",
            )
            for o in poll.options
        }
        if st.form_submit_button("Save show-of-hands counts"):
            fx.act(event, con.set_manual_counts, poll.id, {k: int(v) for k, v in typed.items()})


def repeat_setting(event: Event, con: Console, poll: Poll) -> None:
    """Mark the poll as a repeat of an earlier one (the projector then shows before/after)."""
    earlier = [p for p in reads().polls(event.id) if p.position < poll.position and p.kind == poll.kind]
    choices = [None, *[p.id for p in earlier]]
    names = poll_names(reads().polls(event.id))
    picked = st.selectbox(
        "Repeat of",
        choices,
        index=choices.index(poll.repeat_of) if poll.repeat_of in choices else 0,
        format_func=lambda i: "Not a repeat" if i is None else names[i],
        key=f"repeat-{poll.id}",
    )
    if picked != poll.repeat_of and st.button("Save repeat setting"):
        fx.act(event, con.set_repeat_of, poll.id, picked)


def turnout(event: Event) -> None:
    """Joined devices against votes per poll: shows token churn (re-scans count as new devices)."""
    votes, joined = reads().votes_per_poll(event.id), reads().response_rate(event.id)[1]
    st.dataframe(
        pd.DataFrame(
            [
                {"Poll": f"Q{p.position}", "State": p.state, "Votes": votes.get(p.id, 0), "Joined devices": joined}
                for p in reads().polls(event.id)
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Far more devices than people in the room means phones re-scanned the QR code "
        "(each new scan counts as a new device)."
    )
