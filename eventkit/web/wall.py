"""The Wall's view-model: the prompts, this device's note form, its waiting notes, the list and +1s.

The Store calls and rules are the Streamlit Wall's: Store.add_note (text
cleaned and limited, the posting limit, pre-moderation and held words),
Store.plus_one (one per device, visible notes only). A prompt or note named
in a form must belong to this event: the Store's calls do not check that.
"""

from __future__ import annotations

from ..models import NOTE_MAX_CHARS, WallPrompt
from ..storage import StoreError
from ..text import TextError
from .device import Attendee, event_path
from .render import Problem
from .store import reads, store

PHONE_WALL_NOTES = 10  # notes listed per question unless asked for all
POSTED = {
    "visible": "Thanks! Your note is on the wall.",
    "pending": "Thanks! Your note will appear once a facilitator has approved it.",
}


def prompt_named(attendee: Attendee, prompt_id: str | None) -> WallPrompt | None:
    """The event's prompt with this id; the first prompt when none is named; None if it is not the event's."""
    prompts = reads().prompts(attendee.event.id)
    if not prompt_id:
        return prompts[0] if prompts else None
    return next((p for p in prompts if str(p.id) == prompt_id), None)


def wall_view(
    attendee: Attendee,
    prompt: WallPrompt | None,
    *,
    show_all: bool = False,
    posted: str = "",
    agreed: bool = False,
    problem: Problem | None = None,
    typed: str = "",
) -> dict:
    """Everything the Wall page shows for one prompt."""
    event, me = attendee.event, attendee.participant
    prompts = reads().prompts(event.id)
    view: dict = {
        "title": event.title,
        "page_title": "Wall",
        "errors": [problem] if problem else [],
        "prompts": [{"id": p.id, "text": p.text, "current": prompt is not None and p.id == prompt.id} for p in prompts],
        "prompt": prompt,
        "limit": f"Up to {NOTE_MAX_CHARS:,} characters.",
        "typed": typed,
        "error": problem.message if problem and problem.field == "note" else "",
        "banner": POSTED.get(posted, "") or ("Thanks: your +1 is counted." if agreed else ""),
    }
    if prompt is None:
        return view
    view["typing"] = True  # the note box
    view["follow_href"] = f"{event_path(event.code)}/wall?q={prompt.id}"  # the same question again
    view["waiting"] = [
        n.text
        for n in store().notes_by_participant(event.id, me.id)
        if n.status == "pending" and n.prompt_id == prompt.id
    ]
    notes = [n for n in reads().visible_notes(event.id) if n.prompt_id == prompt.id]
    plussed = store().my_plus_ones(event.id, me.id)
    view["count"] = f"{len(notes)} note{'s' if len(notes) != 1 else ''} so far"
    view["more"] = len(notes) if len(notes) > PHONE_WALL_NOTES and not show_all else 0
    shown = notes if show_all else notes[:PHONE_WALL_NOTES]
    view["notes"] = [{"id": n.id, "text": n.text, "plus_ones": n.plus_ones, "given": n.id in plussed} for n in shown]
    return view


def post_note(attendee: Attendee, prompt: WallPrompt, text: str) -> tuple[str, Problem | None]:
    """Post the note: (its state, None), or ("", the problem) when nothing was posted."""
    try:
        note = store().add_note(prompt.id, attendee.participant.id, text)
    except (TextError, StoreError) as err:  # blank, too long, posting too fast, a fault
        return "", Problem("note", str(err))
    return note.status, None


def agree(attendee: Attendee, note_id: str) -> Problem | None:
    """Add this device's +1 to a note on the event's wall; a Problem when it cannot."""
    visible = {n.id for n in reads().visible_notes(attendee.event.id)}
    if not note_id.isdigit() or int(note_id) not in visible:
        return Problem("notes", "That note is not on the wall.")
    try:
        store().plus_one(int(note_id), attendee.participant.id)
    except StoreError as err:
        return Problem("notes", str(err))
    return None
