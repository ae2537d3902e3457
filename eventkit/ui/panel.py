"""The control panel's sections. Every action goes through the session's Console.

Sections that show shared state rerun on a timer (fragments), so two
facilitators at once (laptop and phone) see the same state within seconds;
forms that people type into stay outside timers so nothing is lost mid-edit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from eventkit.access.console import Console, parse_words
from eventkit.event import links
from eventkit.results import charts

from ..live import PANEL_REFRESH_SECONDS
from ..models import Event, Poll, next_question
from ..storage.participants import join_limit
from . import facilitator as fx
from . import faults, widgets
from .live import reads
from .names import STATE_NAMES, label, poll_names, poll_titles  # label: re-exported for pages

SEED_RATE = (15, 60)  # the seed event's evaluation: 15 forms from 60 people
_LAST_PRESSED = "ek-next-found-nothing"  # the live poll id when Next question had nothing left to open


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def live_status(event: Event) -> None:
    """One line of live figures: what is live, votes, devices, pending notes, feedback."""
    fx.still_signed_in(event)  # the pass again at every refresh, before any read
    now = reads().live(event.id)
    responses, joined = reads().response_rate(event.id)
    pending = sum(1 for n in reads().moderation_notes(event.id) if n.status == "pending")
    current = reads().poll(event.id, now.poll_id) if now.kind == "poll" else None
    with st.container(horizontal=True, wrap=True, gap="medium"):
        st.metric("Live now", f"Q{current.position}" if current else now.kind.title(), width="content")
        st.metric("Joined devices", joined, width="content")
        st.metric("Votes on live poll", reads().vote_count(current.id) if current else "–", width="content")
        st.metric("Notes waiting", pending, width="content")
    state = (
        f"Live poll is {current.state}; results {'shown' if current.results_visible else 'hidden'}. " if current else ""
    )
    st.caption(
        f"{state}Feedback: {fx.rate_caption(responses, joined)}. Figures refresh every {PANEL_REFRESH_SECONDS} s."
    )


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
        "Poll", ids, index=ids.index(default), format_func=names.__getitem__, key=f"poll-pick-{live_id}"
    )  # follows the live poll when it changes
    poll_controls(event, con, picked, live_id)
    return reads().poll(event.id, picked)


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def poll_controls(event: Event, con: Console, poll_id: int, drawn_live_id: int | None) -> None:
    """Open, close, show/hide results, reveal and next, for the picked poll."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    polls, now = reads().polls(event.id), reads().live(event.id)
    live_id = now.poll_id if now.kind == "poll" else None
    poll = reads().poll(event.id, poll_id)
    if live_id != drawn_live_id or poll is None:
        st.rerun()  # another panel moved on (or the poll was removed): redraw the whole tab
    with st.container(horizontal=True, wrap=True):
        if live_id != poll.id and st.button("Make live", icon=":material/cast:"):
            fx.act(event, con.set_live, "poll", poll.id)
        reopen = poll.state == "revealed"
        if st.button(
            "Re-open voting (answer already shown)" if reopen else "Open voting",
            icon=":material/play_arrow:",
            disabled=poll.is_open,
            type="primary" if poll.state in ("draft", "closed") else "secondary",
            help="Phones can vote again although the answer has been shown." if reopen else None,
        ):
            fx.act(event, con.open_poll, poll.id)
        if st.button("Close voting", icon=":material/stop:", disabled=not poll.is_open):
            fx.act(event, con.close_poll, poll.id)
        shown = poll.results_visible
        if st.button("Hide results" if shown else "Show results", icon=":material/bar_chart:"):
            fx.act(event, con.show_results, poll.id, not shown)
        if st.button("Reveal answer", icon=":material/visibility:", disabled=poll.state == "revealed"):
            fx.act(event, con.reveal, poll.id)
        if st.button("Next question", icon=":material/skip_next:"):
            fx.act(event, _next_question, con, live_id, poll.id)
    st.caption(
        f"Poll state: {STATE_NAMES[poll.state].lower()}. Results are {'shown' if shown else 'hidden'} on the projector."
    )
    _next_caption(polls, live_id, poll)
    _private_results(event, poll)


def _next_question(con: Console, live_id: int | None, picked_id: int) -> None:
    if con.next_poll(live_id, picked_id) is None:
        st.session_state[_LAST_PRESSED] = live_id  # said until something else is live
    else:
        st.session_state.pop(_LAST_PRESSED, None)


def _next_caption(polls: list[Poll], live_id: int | None, picked: Poll) -> None:
    """What Next question will do, and what it did when there was nothing left."""
    upcoming = next_question(polls, live_id, picked.id)
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
            "To show one again, pick it and press Make live."
        )
    elif pressed:
        st.warning(f"That was the last question: there is no next one.{still}", icon=":material/flag:")
    else:
        st.caption("This is the last question: Next question will not open another.")


def _private_results(event: Event, poll: Poll) -> None:
    """What the room answered, for the facilitator's eyes (shown whether or not the projector shows it)."""
    results = reads().results(poll.id)
    joined = reads().response_rate(event.id)[1]
    st.write(
        f"**{results.votes}** phone votes from **{joined}** joined devices"
        + (f", plus **{results.manual_total}** by show of hands" if results.manual_total else "")
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
            f"Median guess **{charts.median(results.estimates):g}**"
            + (f"; true value **{poll.true_value:g}**" if poll.true_value is not None else "")
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


def moderation_settings(event: Event, con: Console) -> None:
    with st.form("moderation"):
        pre = st.toggle("Pre-approval: new notes wait for a facilitator", value=event.premoderate)
        words = st.text_area(
            "Held words (one per line): notes containing them wait for review",
            value="\n".join(event.word_filter),
            height=100,
        )
        if st.form_submit_button("Save moderation settings"):
            fx.act(event, con.set_moderation, pre, parse_words(words))


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def note_queue(event: Event, con: Console) -> None:
    """Every note with its state; hide, unhide or approve. Notes are never deleted."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    notes = reads().moderation_notes(event.id)
    prompts = {p.id: p.text for p in reads().prompts(event.id)}
    states = {
        "Waiting": ("pending",),
        "On the wall": ("visible",),
        "Hidden": ("hidden",),
        "All": ("pending", "visible", "hidden"),
    }
    counts = {name: sum(1 for n in notes if n.status in wanted) for name, wanted in states.items()}
    # Opens on the notes that wait when there are any (or pre-approval will make them), else on the wall.
    first = (
        "Waiting" if counts["Waiting"] or (reads().event_by_code(event.code) or event).premoderate else "On the wall"
    )
    show = st.segmented_control(
        "Show", list(states), default=first, key="note-filter", format_func=lambda name: f"{name} ({counts[name]})"
    )
    wanted = states[show or "All"]
    chosen = [n for n in notes if n.status in wanted]
    if not chosen:
        st.caption("No notes here.")
    for note in chosen[:100]:
        with st.container(border=True):
            why = f" · held: {note.held_reason}" if note.held_reason else ""
            st.caption(f"{note.status} · {label(prompts.get(note.prompt_id, ''), 50)} · {note.created_at[11:16]}{why}")
            widgets.show_literal(note.text)
            if note.status == "visible":
                if st.button("Hide", key=f"hide-{note.id}", icon=":material/visibility_off:"):
                    fx.act(event, con.hide_note, note.id)
            elif st.button(
                "Approve" if note.status == "pending" else "Unhide", key=f"show-{note.id}", icon=":material/check:"
            ):
                fx.act(event, con.show_note, note.id)


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def evaluation(event: Event, con: Console) -> None:
    """Open or close the evaluation and watch the response rate."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    fresh = reads().event_by_code(event.code) or event
    responses, joined = reads().response_rate(event.id)
    st.metric("Feedback received", fx.rate_caption(responses, joined))
    st.progress(min(1.0, responses / joined) if joined else 0.0)
    st.caption(
        f"The seed event got {SEED_RATE[0]} of {SEED_RATE[1]} (25%): the point is to beat that. "
        "Make the evaluation live before people leave, and leave it up for a few minutes."
    )
    with st.container(horizontal=True, wrap=True):
        if st.button("Close the evaluation" if fresh.eval_open else "Open the evaluation", type="primary"):
            fx.act(event, con.set_eval_open, not fresh.eval_open)
        if st.button(
            "Open it and make it live", disabled=fresh.eval_open and reads().live(event.id).kind == "evaluation"
        ):
            fx.act(event, _open_and_show, con)


def _open_and_show(con: Console) -> None:
    con.set_eval_open(True)
    con.set_live("evaluation")


def tables(event: Event) -> None:
    rows = reads().table_summary(event.id)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Table": r["name"] or f"Table {r['number']}",
                    "Seated": r["seated"],
                    "Consents": r["consents"],
                    "Scribe notes": r["notes"],
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Discussions are recorded only with consent: a scribe's notes are saved only at a table where "
        "someone has ticked the recording consent on their phone."
    )


# --- The door: who may still join ------------------------------------------------------


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def door(event: Event, con: Console) -> None:
    """Joining: an alert once more devices joined than expected, and Close / Reopen joining."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    fresh = reads().event_by_code(event.code) or event
    joined, expected = reads().response_rate(event.id)[1], fresh.expected_attendance
    if fresh.joining_open and expected and joined > expected:
        st.warning(
            f"**{joined} devices have joined: more than the {expected} people expected.** "
            "If everyone is in, close joining: people already in carry on.",
            icon=":material/groups:",
        )
    with st.container(horizontal=True, vertical_alignment="center", key="ek-door"):
        if fresh.joining_open:
            st.caption(
                f"**Joining is open**{f' ({expected} expected)' if expected else ''}: new phones can join, "
                f"at most {join_limit(expected):,} a minute.",
                width="stretch",
            )
            if st.button("Close joining", icon=":material/door_front:", key="door-close"):
                fx.act(event, con.set_joining_open, False)
        else:
            st.caption(
                "**Joining is closed**: new phones are asked to see a facilitator. People already in carry on.",
                width="stretch",
            )
            if st.button("Reopen joining", type="primary", icon=":material/door_open:", key="door-open"):
                fx.act(event, con.set_joining_open, True)
    join_address_note(fresh)


def join_address_note(event: Event) -> None:
    """Tell staff (not the room) when the projector's QR code relies on a guess, or cannot work on phones."""
    base, note = fx.join_base(event)
    if note:
        (st.warning if links.is_local(base) else st.caption)(label(note, 600))  # it may quote a typed address
