"""The control panel's room: the door (who may still join), the wall's moderation, the tables, the evaluation.

Timed sections are fragments, so two panels agree within seconds; the
moderation form stays outside a timer so nothing typed is lost.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from eventkit.access.console import Console, parse_words
from eventkit.event import links

from ..live import PANEL_REFRESH_SECONDS
from ..models import Event, table_label
from ..storage.participants import join_limit
from . import facilitator as fx
from . import faults, widgets
from .door import set_aside
from .live import reads
from .names import counted, label

_MODERATION_SAVED = "ek-moderation-saved"  # the confirmation shown once after saving the settings
EVALUATION_TARGET = 4  # aim for more than one answer in this many joined devices (the seed event got 15 of 60)


# --- The door: who may still join ------------------------------------------------------


def door_label(event: Event) -> str:
    """The folded door's heading: its state, and a flag when the QR code's address needs a look."""
    fresh = reads().event_by_code(event.code) or event
    base, note = fx.join_base(fresh)
    state = "open" if fresh.joining_open else "closed"
    flag = " · check the join address" if note and links.is_local(base) else ""
    return f"Joining: {state}{flag}"


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def door(event: Event, con: Console) -> None:
    """Close / Reopen joining (the alert when more joined than expected is at the top of the panel)."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    fresh = reads().event_by_code(event.code) or event
    expected = fresh.expected_attendance
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
    set_aside(event, con)


def join_address_note(event: Event) -> None:
    """Tell staff (not the room) when the projector's QR code relies on a guess, or cannot work on phones."""
    base, note = fx.join_base(event)
    if note:
        (st.warning if links.is_local(base) else st.caption)(label(note, 600))  # it may quote a typed address


# --- The wall -------------------------------------------------------------------------------


def moderation_settings(event: Event, con: Console) -> None:
    """Pre-approval and held words; saving says what is now in force."""
    with st.form("moderation"):
        pre = st.toggle("Pre-approval: new notes wait for a facilitator", value=event.premoderate)
        words = st.text_area(
            "Held words (one per line): notes containing them wait for review",
            value="\n".join(event.word_filter),
            height=100,
        )
        if st.form_submit_button("Save moderation settings"):
            fx.act(event, _save_moderation, con, pre, parse_words(words))
    saved = st.session_state.pop(_MODERATION_SAVED, None)
    if saved:
        st.success(saved, icon=":material/check:")


def _save_moderation(con: Console, premoderate: bool, words: list[str]) -> None:
    con.set_moderation(premoderate, words)
    st.session_state[_MODERATION_SAVED] = (
        f"Moderation settings saved: pre-approval {'on' if premoderate else 'off'}, {counted(len(words), 'held word')}."
    )


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


# --- Tables and the evaluation ----------------------------------------------------------------


def tables(event: Event) -> None:
    rows = reads().table_summary(event.id)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Table": table_label(r["number"], r["name"]),
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


@st.fragment(run_every=PANEL_REFRESH_SECONDS)
@faults.shielded(faults.STAFF)
def evaluation(event: Event, con: Console) -> None:
    """Open or close the evaluation and watch the response rate against a target."""
    con = fx.still_signed_in(event)  # the pass again at every refresh, before any read
    fresh = reads().event_by_code(event.code) or event
    responses, joined = reads().response_rate(event.id)
    st.metric("Feedback received", fx.rate_caption(responses, joined))
    st.progress(min(1.0, responses / joined) if joined else 0.0)
    st.caption(evaluation_target(joined))
    with st.container(horizontal=True, wrap=True):
        if st.button("Close the evaluation" if fresh.eval_open else "Open the evaluation", type="primary"):
            fx.act(event, con.set_eval_open, not fresh.eval_open)
        if st.button(
            "Open it and make it live", disabled=fresh.eval_open and reads().live(event.id).kind == "evaluation"
        ):
            fx.act(event, _open_and_show, con)


def evaluation_target(joined: int) -> str:
    """The aim, in this event's own numbers: more than a quarter of the joined devices."""
    target = f" ({counted(joined // EVALUATION_TARGET + 1, 'form')} here)" if joined else ""
    return (
        f"Aim for more than one form for every {EVALUATION_TARGET} joined devices{target}. "
        "Make the evaluation live before people leave, and leave it up for a few minutes."
    )


def _open_and_show(con: Console) -> None:
    con.set_eval_open(True)
    con.set_live("evaluation")
