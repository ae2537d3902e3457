"""The projector's screens, drawn inside one fragment that reruns on a timer.

Everything here is view-only and public: it reads the shared reads of
eventkit.live (one query per TTL however many screens are open) and never shows
hidden or pending notes. Live results stay hidden until the facilitator
shows them, so the room is not swayed. Charts are drawn only when results
are visible, because a chart costs several times a text update.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

import streamlit as st

from eventkit.results import charts

from ..live import PROJECTOR_REFRESH_SECONDS
from ..models import Event, Poll
from . import facilitator as fx
from . import faults
from .live import reads
from .names import counted
from .projector_join import CLOSED, big_text, footer_qr, join_footer, join_url, qr_image

WALL_NOTES_PER_PROMPT = 5  # newest first; any that do not fit the screen fade out above the footer
# The wall's type by how much its fullest column shows, in lines of about 40 letters (a note
# counts 1 to 4 lines, its most on the projector; projector.css sizes each step): up to 2 lines
# 7/100 of the screen's height, 3 lines 6/100, more the floor of 5/100, where a note shows at
# most 3 lines so that two long notes leave room for a third.
WALL_DENSITY_STEPS = ((2, "few"), (3, "some"))
LETTERS_A_LINE = 40


@st.fragment(run_every=PROJECTOR_REFRESH_SECONDS)
@faults.shielded(faults.ROOM)
def live_screen(event: Event) -> None:
    """Whatever is live now; switches by itself when the facilitator changes it.

    Every screen ends with the join footer, so latecomers can always join, or,
    once a facilitator has closed joining, learn that they cannot (no QR code
    then: it would only lead to "Joining is closed").
    """
    event = reads().event_by_code(event.code) or event  # the door may have closed since the page opened
    now, current = reads().live_poll(event.id)
    if current is not None:
        poll_screen(event, current)
    elif now.kind == "wall":
        wall_screen(event)
    elif now.kind == "tables":
        tables_screen(event)
    elif now.kind == "evaluation":
        evaluation_screen(event)
    else:
        welcome_screen(event)
    on_wall = len(reads().visible_notes(event.id)) if now.kind == "wall" else 0
    join_footer(event, qr=footer_qr(now.kind, current.state if current else "", on_wall))


def welcome_screen(event: Event) -> None:
    words, code = st.columns([3, 2], vertical_alignment="center", gap="large")
    with words:
        big_text(event.title, "title", "welcome")
        if event.subtitle:
            big_text(event.subtitle, "subtitle", "welcome")
        if not event.joining_open:
            big_text(CLOSED, "label", "closed")
            return
        big_text("Join on your phone: scan the code, or go to", "label", "join")
        big_text(join_url(event), "url", "join")
        big_text(f"Event code  {event.code}", "code", "join")
        big_text("Anonymous: no name, no account, nothing to install.", "label", "anon")
    with code, st.container(key="ek-bigqr-welcome"):
        qr_image(event, width="stretch")


def poll_screen(event: Event, poll: Poll) -> None:
    """The question across the screen; at the reveal the results and the answer side by side."""
    shown = poll.results_visible or poll.state == "revealed"
    big_text(poll.question, "qresults" if shown else "question", poll.id)
    if poll.state == "draft":
        big_text("Voting opens in a moment…", "label", "draft")
    elif not shown:
        _hidden_results(poll)
    elif poll.state != "revealed":
        _results(poll)
    else:
        chart, words = st.columns([11, 9], gap="large")
        with chart:
            _results(poll)
        with words:
            _reveal(poll)


def _hidden_results(poll: Poll) -> None:
    """While results are hidden: the options and how many have voted, nothing more."""
    if poll.kind == "choice":
        for number, option in enumerate(poll.options):
            big_text(f"{option_letter(number)}.  {option.label}", "option", option.id)
    else:
        low, high = poll.min_value, poll.max_value
        if low is not None and high is not None:
            big_text(f"Type a number from {low:g} to {high:g}{' ' + poll.unit if poll.unit else ''}", "option", "range")
    n = reads().vote_count(poll.id)
    status = "so far" if poll.is_open else "· voting closed"
    big_text(f"{n} vote{'s' if n != 1 else ''} {status}", "count", poll.id)


def option_letter(number: int) -> str:
    """A, B … Z for the options from the first (0); an event has at most 20 (A–T), and any
    more would get their numbers (27, 28 …) rather than be left off."""
    return string.ascii_uppercase[number] if number < len(string.ascii_uppercase) else str(number + 1)


def _results(poll: Poll) -> None:
    revealed = poll.state == "revealed"
    results = reads().results(poll.id)
    paired = reads().before_after(poll.id) if poll.repeat_of else None
    if paired is not None:
        before, after = paired
        big_text(
            f"Before: {counted(before.total, 'answer')}   ·   Now: {counted(after.total, 'answer')}", "count", "repeat"
        )
        st.altair_chart(charts.before_after_chart(poll, before, after, reveal=revealed), width="stretch")
        return
    hands = f" (including {results.manual_total} by show of hands)" if results.manual_total else ""
    big_text(f"{results.total} answer{'s' if results.total != 1 else ''}{hands}", "count", poll.id)
    if poll.kind == "estimate":
        if results.estimates:
            st.altair_chart(charts.estimate_chart(poll, results, reveal=revealed), width="stretch")
    elif results.total:
        st.altair_chart(charts.poll_chart(poll, results, reveal=revealed), width="stretch")


def _reveal(poll: Poll) -> None:
    """The answer, the share of the room that got it right, the fact and its source."""
    results = reads().results(poll.id)
    right, total = charts.right_share(poll, results)
    if poll.kind == "estimate" and poll.true_value is not None:
        answer = f"The answer: {poll.true_value:g}{' ' + poll.unit if poll.unit else ''}"
        within = " (within 10%)"
    else:
        answer = f"The answer: {poll.correct_option.label}" if poll.correct_option else ""
        within = ""
    if answer:
        big_text(answer, "answer", poll.id)
        if total:
            big_text(f"{round(100 * right / total)}% of the room got it right{within}", "label", "right")
    if poll.fact:
        big_text(" ".join(poll.fact.split()), "fact", poll.id)
    if poll.source:
        big_text(f"Source: {poll.source}", "source", poll.id)


def wall_screen(event: Event) -> None:
    prompts = reads().prompts(event.id)
    notes = reads().visible_notes(event.id)  # visible only: hidden and pending never reach here
    big_text("The wall: add your note on your phone", "heading", "wall")
    if not prompts:
        return
    # In a box that ends above the footer (projector.css): notes that do not fit fade
    # out there instead of running under it.
    shown = {p.id: [n for n in notes if n.prompt_id == p.id] for p in prompts}  # newest first already
    with st.container(key=f"ek-density-{wall_density(shown.values())}"), st.container(key="ek-wall-columns"):
        _wall_columns(prompts, shown)


def wall_density(columns: Iterable[list]) -> str:
    """few / some / many: how full the wall's fullest column is, which sets the notes' type size."""
    fullest = max((sum(_lines(n.text) for n in notes[:WALL_NOTES_PER_PROMPT]) for notes in columns), default=0)
    return next((name for most, name in WALL_DENSITY_STEPS if fullest <= most), "many")


def _lines(text: str) -> int:
    """About how many lines a note takes on the projector: 1 to 4 (longer ones end in an ellipsis)."""
    return min(4, max(1, -(-len(text) // LETTERS_A_LINE)))


def _wall_columns(prompts: list, shown: dict[int, list]) -> None:
    # A column's width follows its notes: a prompt with none keeps a narrow column for its heading.
    widths = [2 + min(len(shown[p.id]), WALL_NOTES_PER_PROMPT) for p in prompts]
    for prompt, column in zip(prompts, st.columns(widths, gap="medium"), strict=True):
        mine = shown[prompt.id]
        with column:
            big_text(prompt.text, "prompt", prompt.id)
            if len(mine) > WALL_NOTES_PER_PROMPT:  # said above the notes: below, the footer may cover it
                st.caption(f"Newest {WALL_NOTES_PER_PROMPT} of {len(mine)} (all on your phones)")
            for note in mine[:WALL_NOTES_PER_PROMPT]:
                with st.container(border=True, key=f"ek-note-{note.id}"):
                    st.text(note.text)
                    if note.plus_ones:
                        st.caption(f"+{note.plus_ones}")


def tables_screen(event: Event) -> None:
    """The tables and their case stories two by two; beside them what to discuss, in body type."""
    tables = reads().tables(event.id)
    if not tables:
        big_text("Table discussions", "heading", "tables")
        return
    prompts = list(dict.fromkeys(p for t in tables for v in t.vignettes for p in v.prompts))
    boxes, discuss = st.columns(2, gap="large") if prompts else (st.container(), None)
    with boxes:
        for row in range(0, len(tables), 2):
            pair = tables[row : row + 2]
            for table, column in zip(pair, st.columns(2, gap="medium")[: len(pair)], strict=True):
                with column, st.container(border=True, key=f"ek-table-{table.id}", gap="small"):
                    big_text(table.label, "prompt", f"t{table.id}")
                    big_text("\n".join(v.title for v in table.vignettes), "vignette", f"t{table.id}")
    if discuss is not None:
        with discuss:
            big_text("Table discussions", "heading", "tables")
            big_text("\n".join(f"{i}. {text}" for i, text in enumerate(prompts, start=1)), "discuss", "prompts")


def evaluation_screen(event: Event) -> None:
    responses, joined = reads().response_rate(event.id)
    words, code = st.columns([3, 2], vertical_alignment="center", gap="large")
    with words:
        big_text("Before you go: tell us how the day went", "title", "eval")
        big_text(
            "About two minutes, anonymous. Your phone shows the form already"
            + (", or scan the code." if event.joining_open else ": tap Feedback."),
            "label",
            "eval",
        )
        big_text(f"{fx.rate_caption(responses, joined)} have answered", "count", "eval")
        if joined:
            st.progress(min(1.0, responses / joined))
    if event.joining_open:  # closed: a scan opens a new tab, a new device, and is refused
        with code, st.container(key="ek-bigqr-eval"):
            qr_image(event, "feedback", width="stretch")
