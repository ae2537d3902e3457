"""The Table page's view-model: this phone's table, recording consent, the vignettes, the scribe's notes.

The Store calls and rules (those of the retired Streamlit Table screen):
Store.set_participant_table seats the phone, Store.give_consent and
Store.withdraw_consent, Store.add_table_note (text cleaned and limited, the
posting limit, saved only where someone at the table has consented),
Store.list_table_notes. The consent count is read afresh on every page, so
what a phone sees after ticking is what was saved: no message from an earlier
attempt lingers beside it (each message belongs to the one response it was made for).
"""

from __future__ import annotations

from ..models import TABLE_NOTE_MAX_CHARS, Table, Vignette
from ..storage import StoreError
from ..storage.tables import NO_CONSENT
from ..text import TextError, reflow
from .device import Attendee
from .render import Problem
from .store import reads, store

BANNERS = {
    "seated": "You are at {table}. Your table's cases are below.",
    "given": "Thanks: you have agreed to your table's discussion being recorded.",
    "withdrawn": "Your consent is withdrawn. Notes already saved stay in the report unless a facilitator removes them.",
    "note": "Note added to your table's notes.",
}
# The Store's refusal names the Streamlit page's tick box; this page has a button.
NOT_SAVED_NO_CONSENT = (
    "Nobody at this table has agreed to recording yet, so the note was not saved. "
    "Choose “I agree to recording” at the top if you agree, or ask your table."
)


def my_table(attendee: Attendee) -> Table | None:
    """The table this phone is seated at, or None."""
    number = attendee.participant.table_no
    return next((t for t in reads().tables(attendee.event.id) if t.number == number), None)


def table_numbered(attendee: Attendee, typed: str) -> Table | None:
    """The event's table with this number (as a form sends it), or None."""
    return next((t for t in reads().tables(attendee.event.id) if str(t.number) == typed), None)


def picker_view(attendee: Attendee, problem: Problem | None = None) -> dict:
    """The page that asks which table this phone is at."""
    tables = reads().tables(attendee.event.id)
    return {
        "title": attendee.event.title,
        "page_title": "Which table are you at?" if tables else "Table",
        "errors": [problem] if problem else [],
        "error": problem.message if problem else "",
        "typing": bool(tables),  # a choice being made: not reloaded away without JavaScript
        "tables": [
            {"number": t.number, "label": t.label, "here": t.number == attendee.participant.table_no} for t in tables
        ],
    }


def consent_line(consented: int, seated: int) -> str:
    """How many at the table have agreed, in words ("1 of 1 person at this table has agreed …")."""
    people = "person" if seated == 1 else "people"
    verb = "has" if 1 in (consented, seated) else "have"
    return f"{consented} of {seated} {people} at this table {verb} agreed to recording."


def table_view(
    attendee: Attendee, table: Table, *, done: str = "", problem: Problem | None = None, **kept: str
) -> dict:
    """Everything the Table page shows; `problem` and the kept note when a note was refused."""
    me = attendee.participant
    consented, seated = store().table_consent_count(table.id)
    notes = store().list_table_notes(table.id)
    titles = {v.id: v.title for v in table.vignettes}
    return {
        "title": attendee.event.title,
        "page_title": table.label,
        "errors": [problem] if problem else [],
        "banner": BANNERS.get(done, "").format(table=table.label),
        "given": store().has_consent(table.id, me.id),
        "consent_line": consent_line(consented, seated),
        "anyone_agreed": consented > 0,
        "vignettes": [_vignette(v) for v in table.vignettes],
        "topics": _topics(table.vignettes, kept.get("about", "")),
        "typed": kept.get("note", ""),
        "error": problem.message if problem else "",
        "limit": f"Up to {TABLE_NOTE_MAX_CHARS:,} characters.",
        "typing": True,  # the scribe's box
        "notes": [
            {"about": titles.get(n.vignette_id, "") + (f" · {n.prompt}" if n.prompt else ""), "text": n.text}
            for n in reversed(notes)
        ],
    }


def _vignette(v: Vignette) -> dict:
    return {"id": v.id, "title": v.title, "story": reflow(v.story), "prompts": list(v.prompts)}


def _topics(vignettes: tuple[Vignette, ...], chosen: str) -> list[dict]:
    """The scribe's "about" choices: per case, the case in general and each of its prompts ("V-0", "V-1"…)."""
    groups = []
    for v in vignettes:
        choices = [("0", f"{v.title}: in general"), *((str(i), p) for i, p in enumerate(v.prompts, start=1))]
        options = [{"value": f"{v.id}-{i}", "label": text} for i, text in choices]
        groups.append({"title": v.title, "options": [{**o, "chosen": o["value"] == chosen} for o in options]})
    return groups


def add_note(attendee: Attendee, table: Table, about: str, text: str) -> Problem | None:
    """Save the scribe's note (for a case of this table, maybe one of its prompts); a Problem when not saved."""
    vignette_id, _, index = about.partition("-")
    vignette = next((v for v in table.vignettes if str(v.id) == vignette_id), None)
    if vignette is None or not index.isdigit() or int(index) > len(vignette.prompts):
        return Problem("about", "Choose the case the note is about.")
    prompt = vignette.prompts[int(index) - 1] if int(index) else ""
    try:
        store().add_table_note(vignette.id, attendee.participant.id, prompt, text)
    except (TextError, StoreError) as err:  # blank, too long, too fast, nobody agreed, a fault
        return Problem("note", NOT_SAVED_NO_CONSENT if str(err) == NO_CONSENT else str(err))
    return None


def set_consent(attendee: Attendee, table: Table, agree: bool) -> Problem | None:
    """Give or withdraw this phone's recording consent at its table."""
    try:
        (store().give_consent if agree else store().withdraw_consent)(table.id, attendee.participant.id)
    except StoreError as err:
        return Problem("consent", str(err))
    return None


def seat(attendee: Attendee, table: Table) -> Problem | None:
    """Seat this phone at a table (the picker's choice)."""
    try:
        store().set_participant_table(attendee.participant.id, table.number)
    except StoreError as err:
        return Problem("table", str(err))
    return None
