"""Participants: anonymous devices that joined an event, and the door they come through.

A new device joins only while the event's door is open and the event has
gained fewer than `join_limit` new participants in the last minute. Both are
checked inside the one INSERT that adds the participant, so concurrent joins
cannot slip past the limit between a count and an insert. The limit is
counted from participant rows (their joined_at), never from anything about
the device: no IP address or browser detail is read or stored.
"""

from __future__ import annotations

from datetime import timedelta

from eventkit.access.security import token_hash

from ..models import Participant
from .base import StoreBase, StoreError, utc_now
from .db import parse_stamp, utc_stamp
from .set_aside import COUNTED_DEVICE
from .stale import PEOPLE, TABLES, changes, unshared

# A room scanning the QR code at once must never meet the limit: the app is
# measured with 1,000 phones joining within 60 s, and a room can do that in
# a few seconds after "scan now". Without an expected attendance an event may
# gain 2,000 new devices a minute (twice that room); with one, twice the
# expected room plus 20 (re-scans, a second browser, latecomers). A script
# minting devices is held to that pace, and the facilitator can close the door.
JOIN_WINDOW_SECONDS = 60
JOINS_PER_WINDOW = 2000
JOINS_PER_EXPECTED = 2
JOINS_SLACK = 20
CLOSED_MESSAGE = (
    "Joining is closed — ask a facilitator. Already joined on this phone? "
    "Go back to the tab where you joined: you are still in."
)
BUSY_JOIN_MESSAGE = "A lot of people are joining this event right now. Please wait a few seconds and try again."


class JoinRefused(StoreError):
    """A new device may not join now: `reason` is 'closed' (the door) or 'limit' (too many this minute)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def join_limit(expected_attendance: int) -> int:
    """New participants an event may gain in any JOIN_WINDOW_SECONDS."""
    if expected_attendance > 0:
        return JOINS_PER_EXPECTED * expected_attendance + JOINS_SLACK
    return JOINS_PER_WINDOW


class ParticipantsMixin(StoreBase):
    @changes(PEOPLE)
    def join(self, event_id: int, token: str, table_no: int | None = None) -> Participant:
        """Register (or find) the participant behind a token.

        Joining again with the same token returns the same participant, so a
        reload never makes a second one; a table number moves them there,
        also while joining is closed. A new token is refused (JoinRefused)
        while the door is closed or past the join limit.
        A phone that rejoins unchanged (every reconnect does) only reads.
        """
        hashed = token_hash(event_id, token)
        found = self._participant(event_id, hashed)
        if found is not None and table_no in (None, found.table_no):
            return found
        now = utc_now()
        params = {
            "event": event_id,
            "hash": hashed,
            "table": table_no,
            "now": now,
            "since": _window_start(now),
            "flat": JOINS_PER_WINDOW,
            "per_expected": JOINS_PER_EXPECTED,
            "slack": JOINS_SLACK,
        }
        rows = self._write_one(
            _JOIN_SQL, params, event=event_id, serialise=("join", event_id)
        ).rows  # one join of the event at a time
        if not rows:
            raise self._refusal(event_id)
        pid, seq, current = rows[0]
        return Participant(id=pid, event_id=event_id, seq=seq, table_no=current)

    def _refusal(self, event_id: int) -> StoreError:
        """Why the guarded join added nobody: no event, a closed door, or the join limit."""
        with self.read() as db:
            row = db.execute("SELECT joining_closed FROM events WHERE id = ?", [event_id]).fetchone()
        if row is None:
            return StoreError("No such event.")
        if row[0] != 0:
            return JoinRefused(CLOSED_MESSAGE, "closed")
        return JoinRefused(BUSY_JOIN_MESSAGE, "limit")

    def _participant(self, event_id: int, hashed: str) -> Participant | None:
        with self.read() as db:
            row = db.execute(
                "SELECT id, seq, table_no FROM participants WHERE event_id = ? AND token_hash = ?",
                [event_id, hashed],
            ).fetchone()
        return Participant(id=row[0], event_id=event_id, seq=row[1], table_no=row[2]) if row else None

    @unshared
    def participant_by_token(self, event_id: int, token: str) -> Participant | None:
        """The participant behind a token, or None if it never joined."""
        return self._participant(event_id, token_hash(event_id, token))

    @changes(TABLES)
    def set_participant_table(self, participant_id: int, table_no: int | None) -> None:
        """Seat a participant at a table (or none)."""
        with self.write(("participant", participant_id)) as db:
            db.execute("UPDATE participants SET table_no = ? WHERE id = ?", [table_no, participant_id])

    @unshared
    def count_participants(self, event_id: int) -> int:
        """How many devices have joined the event and count (devices set aside do not)."""
        with self.read() as db:
            return db.execute(
                f"SELECT COUNT(*) FROM participants WHERE event_id = ? AND {COUNTED_DEVICE}", [event_id]
            ).fetchone()[0]

    @unshared
    def recent_joins(self, event_id: int) -> int:
        """New participants of the event in the last JOIN_WINDOW_SECONDS (what the join limit counts)."""
        with self.read() as db:
            return db.execute(
                "SELECT COUNT(*) FROM participants WHERE event_id = ? AND joined_at > ?",
                [event_id, _window_start(utc_now())],
            ).fetchone()[0]


def _window_start(now: str) -> str:
    return utc_stamp(parse_stamp(now) - timedelta(seconds=JOIN_WINDOW_SECONDS))


# A new participant gets the next number in the event (seq); joining again
# with the same token finds the same row and moves it to a newly given table.
# The WHERE is the door: a token already in the event always passes (so a
# table QR still seats them); a new one only while joining is open and the
# event gained fewer than join_limit(expected) participants since :since.
# Counted inside the INSERT, so concurrent joins are counted one after the
# other (SQLite runs one writing statement at a time; on PostgreSQL join()
# takes the event's advisory lock first, which seq needs too).
_JOIN_SQL = """
INSERT INTO participants (event_id, token_hash, seq, table_no, joined_at)
SELECT :event, :hash, COALESCE((SELECT MAX(seq) FROM participants WHERE event_id = :event), 0) + 1,
       CAST(:table AS BIGINT), :now
FROM events e
WHERE e.id = :event AND (
    EXISTS (SELECT 1 FROM participants WHERE event_id = :event AND token_hash = :hash)
    OR (e.joining_closed = 0
        AND (SELECT COUNT(*) FROM participants WHERE event_id = :event AND joined_at > :since)
            < CASE WHEN e.expected_attendance > 0
                   THEN :per_expected * e.expected_attendance + :slack ELSE :flat END))
ON CONFLICT (event_id, token_hash) DO UPDATE SET table_no = COALESCE(excluded.table_no, participants.table_no)
RETURNING id, seq, table_no
"""
