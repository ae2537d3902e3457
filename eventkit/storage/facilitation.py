"""Facilitation: the figures and queries behind the control panel and projector."""

from __future__ import annotations

from ..models import NOTE_STATES, Note, Poll, PollResults
from .base import StoreBase, StoreError

_MODERATION_ORDER = {"pending": 0, "visible": 1, "hidden": 2}


class FacilitationMixin(StoreBase):
    def response_rate(self, event_id: int) -> tuple[int, int]:
        """(evaluation responses, participants who joined) for the event."""
        with self.read() as db:
            row = db.execute(
                """SELECT (SELECT COUNT(*) FROM eval_responses WHERE event_id = ?),
                          (SELECT COUNT(*) FROM participants WHERE event_id = ?)""",
                [event_id, event_id],
            ).fetchone()
        return row[0], row[1]

    def votes_per_poll(self, event_id: int) -> dict[int, int]:
        """Phone votes per poll id (0 for polls nobody answered)."""
        with self.read() as db:
            rows = db.execute(
                """SELECT p.id, (SELECT COUNT(*) FROM votes v WHERE v.poll_id = p.id)
                   FROM polls p WHERE p.event_id = ? ORDER BY p.position""",
                [event_id],
            )
            return {r[0]: r[1] for r in rows}

    def before_after(self, poll_id: int) -> tuple[PollResults, PollResults] | None:
        """Results of the earlier poll this one repeats, and of this one; None if not a repeat."""
        poll = self.get_poll(poll_id)  # type: ignore[attr-defined]
        if poll is None or poll.repeat_of is None:
            return None
        return self.poll_results(poll.repeat_of), self.poll_results(poll_id)  # type: ignore[attr-defined]

    def next_poll(self, event_id: int, poll_id: int | None) -> Poll | None:
        """The poll after this one in running order (the first when poll_id is None)."""
        polls: list[Poll] = self.list_polls(event_id)  # type: ignore[attr-defined]
        if poll_id is None:
            return polls[0] if polls else None
        after = [p for p in polls if p.position > _position(polls, poll_id)]
        return after[0] if after else None

    def pending_notes(self, event_id: int) -> list[Note]:
        """Notes waiting for a facilitator's approval, newest first."""
        return self.list_notes(event_id, ("pending",))  # type: ignore[attr-defined]

    def notes_for_moderation(self, event_id: int) -> list[Note]:
        """Every note of the event: pending first, then visible, then hidden; newest first within each."""
        notes: list[Note] = self.list_notes(event_id, NOTE_STATES)  # type: ignore[attr-defined]
        return sorted(notes, key=lambda n: _MODERATION_ORDER[n.status])  # stable: keeps newest first

    def set_poll_repeat(self, poll_id: int, repeat_of: int | None) -> None:
        """Mark a poll as a repeat of an earlier poll of the same event (None to unmark)."""
        with self.write() as db:
            row = db.execute("SELECT event_id, position FROM polls WHERE id = ?", [poll_id]).fetchone()
            if row is None:
                raise StoreError("No such poll.")
            if repeat_of is not None:
                earlier = db.execute(
                    "SELECT event_id, position, kind FROM polls WHERE id = ?", [repeat_of]
                ).fetchone()
                kind = db.execute("SELECT kind FROM polls WHERE id = ?", [poll_id]).fetchone()[0]
                if earlier is None or earlier[0] != row[0] or earlier[1] >= row[1]:
                    raise StoreError("A poll can only repeat an earlier poll of the same event.")
                if earlier[2] != kind:
                    raise StoreError("A poll can only repeat a poll of the same kind.")
            db.execute("UPDATE polls SET repeat_of = ? WHERE id = ?", [repeat_of, poll_id])


def _position(polls: list[Poll], poll_id: int) -> int:
    found = next((p for p in polls if p.id == poll_id), None)
    if found is None:
        raise StoreError("That poll is not part of this event.")
    return found.position
