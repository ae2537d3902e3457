"""The Now page's view-model: what a phone shows of what the facilitator made live, and its vote.

Functions here return plain dicts for templates/now.html; the handlers in
pages.py only parse the request and pick the response. The Store calls and
their rules are the Streamlit Now screen's: Store.cast_vote and
Store.cast_estimate decide what is saved (open poll, an option of it, the
estimate's range, one answer per participant, changed until voting closes).
"""

from __future__ import annotations

import math
import re

from ..live import signature
from ..models import Participant, Poll
from ..storage import StoreError
from ..text import reflow
from . import answers
from .device import Attendee
from .render import Problem
from .store import reads, store

REFRESH_SECONDS = 10  # without JavaScript, a page with nothing to type in reloads this often

# What to do when the facilitator opens an activity other than a poll: (heading, text, link label, page).
INVITES = {
    "wall": (
        "The wall is open",
        "Add your thoughts to the questions on the wall. Notes are anonymous.",
        "Go to the wall",
        "/wall",
    ),
    "tables": (
        "Table discussions",
        "Read your table's case stories and discuss them together.",
        "Open my table",
        "/table",
    ),
    "evaluation": (
        "Before you go: your feedback",
        "Please tell us how the day went. It takes about two minutes.",
        "Give feedback",
        "/feedback",
    ),
}
# Away from Now, the banner for a live poll that asks for something: (what it says, its link to Now).
# A closed or revealed one asks nothing: no banner (it would stand before the page's own first control).
POLL_BANNERS = {
    "draft": ("A question is about to open.", "Get ready on Now"),
    "open": ("A question is open now.", "Vote on Now"),
}
PAGES = (("Wall", "/wall"), ("Table", "/table"), ("Feedback", "/feedback"))


def page_href(attendee: Attendee, page: str) -> str:
    """An HTML page of the event ("/wall", "/table", "/feedback")."""
    return f"/e/{attendee.event.code}{page}"


def page_links(attendee: Attendee) -> list[dict]:
    """The footer's links to the event's other pages (Now is the footer's own)."""
    pages = PAGES
    return [{"label": label, "href": page_href(attendee, page)} for label, page in pages]


def now_view(
    attendee: Attendee, *, saved: bool = False, change: bool = False, problem: Problem | None = None, typed: str = ""
) -> dict:
    """Everything the Now page shows; `problem` and `typed` when a vote was refused; `change`
    to show the estimate box again for an estimate already saved."""
    event = attendee.event
    live, poll = reads().live_poll(event.id)
    view: dict = {"title": event.title, "errors": [problem] if problem else []}
    if poll is not None:
        view["poll"] = poll_view(poll, attendee.participant, saved=saved, change=change, problem=problem, typed=typed)
        view["page_title"] = poll.question
    elif live.kind in INVITES:
        heading, text, label, page = INVITES[live.kind]
        view["invite"] = {"heading": heading, "text": text, "label": label, "href": page_href(attendee, page)}
        view["page_title"] = heading
    else:
        view["welcome"] = {
            "subtitle": event.subtitle,
            "paragraphs": reflow(event.welcome or "Welcome! This screen changes as the day goes on."),
        }
        view["page_title"] = event.title
    view["typing"] = bool(view.get("poll", {}).get("estimate_form"))
    return view


def following(event_id: int, *, typing: bool) -> dict:
    """What a page needs to follow the room: what is live as it shows it (follow.js compares it with the
    event stream's) and, without JavaScript, how often it reloads: never while it has a box to fill in."""
    return {"live": live_now(event_id), "refresh": 0 if typing else REFRESH_SECONDS}


def live_banner(attendee: Attendee, here: str) -> dict | None:
    """On a page other than Now, what the facilitator has made live that asks for something (a question
    open or about to open, an activity other than this page's own), with its link."""
    live, poll = reads().live_poll(attendee.event.id)
    if poll is not None:
        text, label = POLL_BANNERS.get(poll.state, ("", ""))
        return {"text": text, "label": label, "href": page_href(attendee, "")} if text else None
    if live.kind in INVITES and INVITES[live.kind][3] != f"/{here}":
        heading, _text, label, page = INVITES[live.kind]
        return {"text": f"{heading}.", "label": label, "href": page_href(attendee, page)}
    return None


def live_now(event_id: int) -> str:
    """What a Now page shows of the live activity, as a short string: a change means load Now again
    (eventkit/live/signature.py; the stream hub reads the same from the database)."""
    return "|".join(map(str, signature(*reads().live_poll(event_id))))


def poll_view(
    poll: Poll, me: Participant, *, saved: bool, problem: Problem | None, typed: str, change: bool = False
) -> dict:
    """The live poll: its question, the form while open, the verdict and the room's answers."""
    mine = store().my_vote(poll.id, me.id)
    view: dict = {"id": poll.id, "question": poll.question, "state": poll.state, "kind": poll.kind}
    if poll.state == "draft":
        view["note"] = "This question opens in a moment. Get ready!"
        return view
    mine_text = answers.answer_text(poll, mine)
    if poll.is_open:
        word = "estimate" if poll.kind == "estimate" else "answer"
        if problem is not None:
            view["kept"] = (
                f"Not saved. Your earlier {word} {mine_text} is still the one recorded."
                if mine is not None
                else f"Not saved. You have no {word} recorded yet."
            )
        elif mine is not None:
            view["recorded"] = f"Your {word} {mine_text} is recorded. You can change it until voting closes."
            if saved:
                view["saved"] = f"Saved: your {word} {mine_text}."
        if poll.kind == "estimate" and mine is not None and not change and problem is None:
            view["change_estimate"] = True  # saved: shown as text, the box only on asking (nothing typed to lose)
        elif poll.kind == "estimate":
            view["estimate_form"] = {
                "hint": f"Your estimate: {answers.range_text(poll)}" if answers.range_text(poll) else "Your estimate",
                "value": typed if problem is not None else (f"{mine:g}" if mine is not None else ""),
                "error": problem.message if problem else "",
            }
        else:
            view["options"] = [{"id": o.id, "label": o.label, "chosen": o.id == mine} for o in poll.options]
            view["choice_error"] = problem.message if problem else ""
    elif poll.state == "closed":
        view["note"] = "Voting has closed. Watch the big screen for the answer."
        view["yours"] = f"Your answer: {mine_text}" if mine is not None else "You did not answer this one."
    if poll.state == "revealed":
        right, sentence = answers.verdict(poll, mine)
        view["verdict"] = {"right": right, "text": sentence}
        view["fact"] = reflow(poll.fact) if poll.fact else []
        view["source"] = poll.source
    if poll.results_visible or poll.state == "revealed":
        room = reads().results(poll.id)
        view["room"] = {"rows": answers.room_lines(poll, room, mine) if room.total else [], "total": room.total}
        hands = f", {room.manual_total} of them by show of hands" if room.manual_total else ""
        view["room"]["summary"] = f"{room.total} answer{'s' if room.total != 1 else ''}{hands}."
    return view


# --- Votes ----------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_estimate(typed: str) -> float:
    """The number typed, allowing thousands separators and spaces; ValueError with a message."""
    text = typed.strip().replace(",", "").replace(" ", "").replace("\u00a0", "").replace("_", "")
    if not text:
        raise ValueError("Type a number first, for example 42.")
    if not _NUMBER.match(text) or not math.isfinite(float(text)):
        raise ValueError("Your estimate must be a number, for example 42 or 3.5.")
    return float(text)


def vote(attendee: Attendee, poll_id: str, option: str | None, estimate: str | None) -> Problem | None:
    """Save the device's answer to the poll; a Problem to show when nothing was saved."""
    poll = reads().poll(attendee.event.id, int(poll_id)) if poll_id.isdigit() else None
    if poll is None:
        return Problem("answer", "That question is no longer on. Here is what is on now.")
    me = attendee.participant
    try:
        if poll.kind == "estimate":
            try:
                value = parse_estimate(estimate or "")
            except ValueError as err:
                return Problem("estimate", str(err))
            store().cast_estimate(poll.id, me.id, value)
        else:
            if not (option or "").isdigit():
                return Problem("answer", "Choose one of the answers.")
            store().cast_vote(poll.id, me.id, int(option or "0"))
    except StoreError as err:
        field = "estimate" if poll.kind == "estimate" else "answer"
        message = str(err)
        if poll.kind == "estimate" and "between" in message and answers.range_text(poll):
            message = f"Your estimate must be {answers.range_text(poll)}. It was not saved."
        return Problem(field, message)
    return None
