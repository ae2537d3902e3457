"""The anonymous wall: prompts, notes, +1s and moderation."""

from __future__ import annotations

from ..models import NOTE_MAX_CHARS, NOTE_STATES, Note, NoteState, WallPrompt
from ..text import clean_text
from .attempts import insert_post, posting_params, under_posting_limit
from .base import StoreBase, StoreError, utc_now
from .set_aside import counted, not_set_aside, refuse_if_set_aside
from .stale import EVENT, WALL, changes, reads, unshared

# +1s of devices set aside are not counted (set_aside.py); {where} narrows the notes.
_NOTES_SQL = f"""
SELECT n.id, n.prompt_id, n.text, n.status, n.created_at, n.held_reason,
       (SELECT COUNT(*) FROM note_plus_ones p WHERE p.note_id = n.id AND {counted("p")}) AS plus_ones
FROM notes n JOIN wall_prompts w ON w.id = n.prompt_id
WHERE w.event_id = ? {{where}}
ORDER BY n.created_at DESC, n.id DESC
"""


_INSERT_NOTE_SQL = f"""
INSERT INTO notes (prompt_id, participant_id, text, status, held_reason, created_at)
SELECT :prompt, :pid, :text, :status, :reason, :now WHERE {under_posting_limit("notes")} AND {not_set_aside()}
RETURNING id
"""


def _note(r: dict) -> Note:
    return Note(
        id=r["id"],
        prompt_id=r["prompt_id"],
        text=r["text"],
        status=r["status"],
        created_at=r["created_at"],
        plus_ones=r["plus_ones"],
        held_reason=r["held_reason"],
    )


def held_word(text: str, words: tuple[str, ...]) -> str:
    """The first filtered word found in the text (case-insensitive), or ''."""
    lowered = text.lower()
    return next((w for w in words if w and w in lowered), "")


class WallMixin(StoreBase):
    @reads(EVENT)
    def list_prompts(self, event_id: int) -> list[WallPrompt]:
        """The wall's prompts in order."""
        with self.read() as db:
            rows = db.query("SELECT * FROM wall_prompts WHERE event_id = ? ORDER BY position", [event_id])
            return [WallPrompt(r["id"], r["event_id"], r["position"], r["text"]) for r in rows]

    @changes(WALL)
    def add_note(self, prompt_id: int, participant_id: int, text: str) -> Note:
        """Post a note; it waits for approval under pre-moderation or a held word.

        Raises TextError for empty or over-long text, ThrottledError (a
        StoreError) when the participant posts too fast.
        """
        text = clean_text(text, NOTE_MAX_CHARS)
        with self.read() as db:
            row = db.execute(
                """SELECT e.premoderate, e.word_filter FROM wall_prompts w
                   JOIN events e ON e.id = w.event_id WHERE w.id = ?""",
                [prompt_id],
            ).fetchone()
        if row is None:
            raise StoreError("That wall prompt does not exist.")
        held = held_word(text, tuple(row[1].split("\n")))
        status: NoteState = "pending" if (row[0] or held) else "visible"
        reason = f"contains “{held}”" if held else ("pre-approval" if row[0] else "")
        now = utc_now()
        params = {
            "prompt": prompt_id,
            "pid": participant_id,
            "text": text,
            "status": status,
            "reason": reason,
            "now": now,
            **posting_params(now),
        }
        note_id = insert_post(self, "notes", _INSERT_NOTE_SQL, params)  # one statement: a short hold of the lock
        return Note(note_id, prompt_id, text, status, now, 0, reason)

    @reads(EVENT, WALL)
    def list_notes(self, event_id: int, statuses: tuple[NoteState, ...] = ("visible",)) -> list[Note]:
        """Notes across the event's prompts, newest first, in the given states (none of devices set aside)."""
        marks = ",".join("?" * len(statuses))
        sql = _NOTES_SQL.format(where=f"AND n.status IN ({marks}) AND {counted('n')}")
        with self.read() as db:
            return [_note(r) for r in db.query(sql, [event_id, *statuses])]

    @unshared
    def notes_by_participant(self, event_id: int, participant_id: int) -> list[Note]:
        """A participant's own notes, whatever their state."""
        sql = _NOTES_SQL.format(where="AND n.participant_id = ?")
        with self.read() as db:
            return [_note(r) for r in db.query(sql, [event_id, participant_id])]

    @changes(WALL)
    def plus_one(self, note_id: int, participant_id: int) -> bool:
        """Add a participant's +1 to a visible note; False if already given."""
        with self.write(("note", note_id)) as db:
            refuse_if_set_aside(db, participant_id)
            status = db.execute("SELECT status FROM notes WHERE id = ?", [note_id]).fetchone()
            if status is None or status[0] != "visible":
                raise StoreError("That note is not on the wall.")
            cur = db.execute(
                "INSERT INTO note_plus_ones (note_id, participant_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [note_id, participant_id, utc_now()],
            )
            return cur.rowcount == 1

    @unshared
    def my_plus_ones(self, event_id: int, participant_id: int) -> set[int]:
        """Ids of the notes this participant has +1'd."""
        with self.read() as db:
            rows = db.execute(
                """SELECT p.note_id FROM note_plus_ones p JOIN notes n ON n.id = p.note_id
                   JOIN wall_prompts w ON w.id = n.prompt_id
                   WHERE w.event_id = ? AND p.participant_id = ?""",
                [event_id, participant_id],
            )
            return {r[0] for r in rows}

    @changes(WALL)
    def set_note_status(self, note_id: int, status: NoteState) -> None:
        """Show, hide or hold a note. Notes are never deleted, only hidden."""
        if status not in NOTE_STATES:
            raise StoreError(f"Unknown note state {status!r}.")
        with self.write(("note", note_id)) as db:
            if db.execute("UPDATE notes SET status = ? WHERE id = ?", [status, note_id]).rowcount == 0:
                raise StoreError("No such note.")
