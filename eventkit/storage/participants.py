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
        """
        hashed = token_hash(event_id, token)
        with self.write() as db:
            row = db.execute(
                "SELECT id, seq, table_no FROM participants WHERE event_id = ? AND token_hash = ?",
                [event_id, hashed],
            ).fetchone()
            if row is None:
                if not db.execute("SELECT 1 FROM events WHERE id = ?", [event_id]).fetchone():
                    raise StoreError("No such event.")
                seq = db.execute(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM participants WHERE event_id = ?", [event_id]
                ).fetchone()[0]
                pid = db.execute(
                    "INSERT INTO participants (event_id, token_hash, seq, table_no, joined_at) VALUES (?, ?, ?, ?, ?)",
                    [event_id, hashed, seq, table_no, utc_now()],
                ).lastrowid
                return Participant(id=pid, event_id=event_id, seq=seq, table_no=table_no)
            pid, seq, current = row
            if table_no is not None and table_no != current:
                db.execute("UPDATE participants SET table_no = ? WHERE id = ?", [table_no, pid])
                current = table_no
            return Participant(id=pid, event_id=event_id, seq=seq, table_no=current)

    def participant_by_token(self, event_id: int, token: str) -> Participant | None:
        """The participant behind a token, or None if it never joined."""
        with self.read() as db:
            row = db.execute(
                "SELECT id, seq, table_no FROM participants WHERE event_id = ? AND token_hash = ?",
                [event_id, token_hash(event_id, token)],
            ).fetchone()
        return Participant(id=row[0], event_id=event_id, seq=row[1], table_no=row[2]) if row else None

    def set_participant_table(self, participant_id: int, table_no: int | None) -> None:
        """Seat a participant at a table (or none)."""
        with self.write() as db:
            db.execute("UPDATE participants SET table_no = ? WHERE id = ?", [table_no, participant_id])

    def count_participants(self, event_id: int) -> int:
        """How many devices have joined the event."""
        with self.read() as db:
            return db.execute("SELECT COUNT(*) FROM participants WHERE event_id = ?", [event_id]).fetchone()[0]
