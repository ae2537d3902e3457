"""The live poll on an attendee's Now screen: vote, then see how you and the room did.

While voting is open the options are buttons (or a number box). Once it has
closed they are not drawn as disabled buttons (grey on grey, unreadable):
the phone says in words what the person answered and, at the reveal,
whether that was right, and shows the room's answers whenever the
projector shows them.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from eventkit.results import charts

from ..models import Participant, Poll, PollResults
from ..storage import StoreError
from .live import reads, store
from .widgets import flash, plain, show_flash, show_prose


def show_poll(poll: Poll, me: Participant) -> None:
    """The live poll: the question, then what fits its state."""
    st.subheader(plain(poll.question), anchor=False)
    if poll.state == "draft":
        st.info("This question opens in a moment. Get ready!")
        return
    mine = store().my_vote(poll.id, me.id)
    if poll.is_open:
        if poll.kind == "estimate":
            _vote_estimate(poll, me, mine)
        else:
            _vote_choice(poll, me, _option_id(mine))
    elif poll.state == "closed":
        st.info("Voting has closed. Watch the big screen for the answer.")
        st.text(f"Your answer: {answer_text(poll, mine)}" if mine is not None else "You did not answer this one.")
    if poll.state == "revealed":
        _verdict(poll, mine)
    if poll.results_visible or poll.state == "revealed":
        _room(poll, mine)
    if poll.state == "revealed":
        if poll.fact:
            show_prose(poll.fact)
        if poll.source:
            st.caption(f"Source: {plain(poll.source)}")


def answer_text(poll: Poll, value: float | int | None, organiser: Callable[[str], str] = str) -> str:
    """An answer in words: the option's label in quotes, or the number with its unit.

    `organiser` is applied to the organiser's words (ui.plain where Markdown is rendered).
    """
    if value is None:
        return ""
    if poll.kind == "estimate":
        return f"{value:,g}{' ' + organiser(poll.unit) if poll.unit else ''}"
    return next((f"“{organiser(o.label)}”" for o in poll.options if o.id == value), "")


def verdict(poll: Poll, mine: float | int | None, organiser: Callable[[str], str] = str) -> tuple[bool | None, str]:
    """(was it right — None when there is no right answer or no answer, the sentence to show)."""
    truth = poll.true_value if poll.kind == "estimate" else (poll.correct_option.id if poll.correct_option else None)
    said = answer_text(poll, mine, organiser)
    if truth is None:
        return None, f"You answered {said}." if mine is not None else "You did not answer this one."
    answer = answer_text(poll, truth, organiser)
    if mine is None:
        return None, f"You did not answer this one. The answer is {answer}."
    if poll.kind == "estimate":
        right = abs(mine - truth) <= abs(truth) * charts.ESTIMATE_TOLERANCE
        close = "" if mine == truth else f" (within 10% of {answer})"
    else:
        right, close = mine == truth, ""
    return (
        right,
        f"You answered {said} — that's right{close}." if right else f"You answered {said} — the answer is {answer}.",
    )


def _verdict(poll: Poll, mine: float | int | None) -> None:
    right, sentence = verdict(poll, mine, plain)
    (st.success if right else st.info)(sentence)


def _room(poll: Poll, mine: float | int | None) -> None:
    """How the room answered, as the projector shows it (phones and show of hands)."""
    room = reads().results(poll.id)
    st.markdown("**How the room answered**")
    if not room.total:
        st.text("No answers yet.")
    elif poll.kind == "estimate":
        _room_estimates(poll, room)
    else:
        _room_choices(poll, room, _option_id(mine))
    if poll.is_open:
        # Not pushed to every phone on every vote (a whole room redrawing per vote);
        # the big screen shows them live, this button on demand.
        st.button("Update the results", key=f"room-{poll.id}", icon="🔄")


def _option_id(mine: float | None) -> int | None:
    """A choice poll's answer (Store.my_vote) as the option id it is."""
    return None if mine is None else int(mine)


def _room_choices(poll: Poll, room: PollResults, mine: int | None) -> None:
    revealed = poll.state == "revealed"
    for count in room.counts:
        share = round(100 * count.total / room.total)
        marks = [
            m
            for m, on in (("the answer", revealed and count.is_correct), ("your answer", count.option_id == mine))
            if on
        ]
        st.text(f"{'✓ ' if 'the answer' in marks else ''}{count.label}" + (f"  ({', '.join(marks)})" if marks else ""))
        st.progress(share / 100, text=f"{count.total} answer{'s' if count.total != 1 else ''} ({share}%)")
    hands = f", {room.manual_total} of them by show of hands" if room.manual_total else ""
    st.caption(f"{room.total} answer{'s' if room.total != 1 else ''}{hands}.")


def _room_estimates(poll: Poll, room: PollResults) -> None:
    lines = [f"{len(room.estimates)} guess{'es' if len(room.estimates) != 1 else ''}"]
    if room.estimates:
        lines.append(f"Median guess: {answer_text(poll, charts.median(room.estimates))}")
        low, high = min(room.estimates), max(room.estimates)
        lines.append(f"From {answer_text(poll, low)} to {answer_text(poll, high)}")
    if poll.state == "revealed" and room.estimates and poll.true_value is not None:
        right, total = charts.right_share(poll, room)
        lines.append(f"{round(100 * right / total)}% within 10% of the answer")
    for line in lines:
        st.text(line)


# --- Voting -------------------------------------------------------------------------


def _cast_vote(poll: Poll, me: Participant, option_id: int) -> None:
    # A callback: it runs before the live fragment redraws, so one run saves and confirms.
    try:
        store().cast_vote(poll.id, me.id, option_id)
    except StoreError as err:
        flash(str(err))


def _cast_estimate(poll: Poll, me: Participant) -> None:
    value = st.session_state.get(f"estimate-{poll.id}-value")
    try:
        if value is None:
            raise StoreError("Please type a number first.")
        store().cast_estimate(poll.id, me.id, float(value))
    except StoreError as err:
        flash(str(err))


def _vote_choice(poll: Poll, me: Participant, mine: int | None) -> None:
    for option in poll.options:
        chosen = option.id == mine
        st.button(
            f"✓ {plain(option.label)}" if chosen else plain(option.label),
            key=f"vote-{poll.id}-{option.id}",
            type="primary" if chosen else "secondary",
            width="stretch",
            on_click=_cast_vote,
            args=(poll, me, option.id),
        )
    show_flash()
    if mine is not None:
        st.success(f"Your answer {answer_text(poll, mine, plain)} is recorded. You can change it until voting closes.")


def range_text(poll: Poll, organiser: Callable[[str], str] = str) -> str:
    """The numbers an estimate may take, in words ('' when unbounded)."""
    unit = f" {organiser(poll.unit)}" if poll.unit else ""
    low, high = poll.min_value, poll.max_value
    if low is not None and high is not None:
        return f"a number from {low:,g} to {high:,g}{unit}"
    if low is not None:
        return f"a number of at least {low:,g}{unit}"
    if high is not None:
        return f"a number up to {high:,g}{unit}"
    return ""


def _vote_estimate(poll: Poll, me: Participant, mine: float | None) -> None:
    allowed = range_text(poll, plain)
    with st.form(f"estimate-{poll.id}"):
        st.number_input(
            f"Your estimate: {allowed}" if allowed else "Your estimate",
            key=f"estimate-{poll.id}-value",
            min_value=poll.min_value,
            max_value=poll.max_value,
            value=mine,
            placeholder="Type a number",
        )
        st.form_submit_button(
            "Send my estimate", type="primary", width="stretch", on_click=_cast_estimate, args=(poll, me)
        )
    show_flash()
    if mine is not None:
        st.success(
            f"Your estimate {answer_text(poll, mine, plain)} is recorded. You can change it until voting closes."
        )
