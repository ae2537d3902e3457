"""Participants: anonymous devices that joined an event."""

from __future__ import annotations

from ..models import Participant
from ..security import token_hash
from .base import StoreBase, StoreError, utc_now


class ParticipantsMixin(StoreBase):
    def join(self, event_id: int, token: str, table_no: int | None = None) -> Participant:
        """Register (or find) the participant behind a token.

        Joining again with the same token returns the same participant, so a
        reload never makes a second one; a table number moves them there.
        A phone that rejoins unchanged (every reconnect does) only reads.
        """
        hashed = token_hash(event_id, token)
        found = self._participant(event_id, hashed)
        if found is not None and table_no in (None, found.table_no):
            return found
        params = {"event": event_id, "hash": hashed, "table": table_no, "now": utc_now()}
        rows = self._write_one(_JOIN_SQL, params).rows  # one statement: a short hold of the write lock
        if not rows:
            raise StoreError("No such event.")
        pid, seq, current = rows[0]
        return Participant(id=pid, event_id=event_id, seq=seq, table_no=current)

    def _participant(self, event_id: int, hashed: str) -> Participant | None:
        with self.read() as db:
            row = db.execute(
                "SELECT id, seq, table_no FROM participants WHERE event_id = ? AND token_hash = ?",
                [event_id, hashed],
            ).fetchone()
        return Participant(id=row[0], event_id=event_id, seq=row[1], table_no=row[2]) if row else None

    def participant_by_token(self, event_id: int, token: str) -> Participant | None:
        """The participant behind a token, or None if it never joined."""
        return self._participant(event_id, token_hash(event_id, token))

    def set_participant_table(self, participant_id: int, table_no: int | None) -> None:
        """Seat a participant at a table (or none)."""
        with self.write() as db:
            db.execute("UPDATE participants SET table_no = ? WHERE id = ?", [table_no, participant_id])

    def count_participants(self, event_id: int) -> int:
        """How many devices have joined the event."""
        with self.read() as db:
            return db.execute("SELECT COUNT(*) FROM participants WHERE event_id = ?", [event_id]).fetchone()[0]


# A new participant gets the next number in the event (seq); joining again
# with the same token finds the same row and moves it to a newly given table.
_JOIN_SQL = """
INSERT INTO participants (event_id, token_hash, seq, table_no, joined_at)
SELECT :event, :hash, COALESCE((SELECT MAX(seq) FROM participants WHERE event_id = :event), 0) + 1, :table, :now
FROM events WHERE id = :event
ON CONFLICT (event_id, token_hash) DO UPDATE SET table_no = COALESCE(excluded.table_no, participants.table_no)
RETURNING id, seq, table_no
"""
