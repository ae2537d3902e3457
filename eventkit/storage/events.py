"""Events: lookup, run of show, settings (whole events are written in editing.py)."""

from __future__ import annotations

from typing import Literal

from ..models import LIVE_KINDS, Event, Live, LiveKind
from .base import StoreBase, StoreError, utc_now
from .stale import EVENT, FEEDBACK, LIVE, PEOPLE, TABLES, VOTES, WALL, changes, reads, unshared


def _event(row: dict) -> Event:
    return Event(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        subtitle=row["subtitle"],
        date=row["date"],
        venue=row["venue"],
        welcome=row["welcome"],
        status=row["status"],
        premoderate=bool(row["premoderate"]),
        word_filter=tuple(w for w in row["word_filter"].split("\n") if w),
        retention_days=row["retention_days"],
        eval_open=bool(row["eval_open"]),
        public_base_url=row["public_base_url"],
        has_passcode=bool(row["facilitator_hash"]),
        expected_attendance=row["expected_attendance"],
        joining_open=not row["joining_closed"],
    )


class EventsMixin(StoreBase):
    @unshared
    def list_events(self) -> list[Event]:
        """All events, newest first."""
        with self.read() as db:
            return [_event(r) for r in db.query("SELECT * FROM events ORDER BY id DESC")]

    @unshared
    def get_event(self, event_id: int) -> Event | None:
        """The event with this id, or None."""
        with self.read() as db:
            rows = list(db.query("SELECT * FROM events WHERE id = ?", [event_id]))
        return _event(rows[0]) if rows else None

    @reads(EVENT)
    def event_by_code(self, code: str) -> Event | None:
        """The event with this join code (case-insensitive), or None."""
        code = code.strip().upper()
        if not code.isascii() or "\x00" in code:  # codes are A-Z and 0-9; no lone surrogates or NULs to the database
            return None
        with self.read() as db:
            rows = list(db.query("SELECT * FROM events WHERE code = ?", [code]))
        return _event(rows[0]) if rows else None

    @reads(EVENT, LIVE)
    def get_live(self, event_id: int) -> Live:
        """What is live now for this event."""
        with self.read() as db:
            row = db.execute(
                "SELECT live_kind, live_poll_id, live_changed_at, eval_open FROM events WHERE id = ?", [event_id]
            ).fetchone()
        if row is None:
            raise StoreError("No such event.")
        return Live(kind=row[0], poll_id=row[1], changed_at=row[2], eval_open=bool(row[3]))

    @changes(LIVE)
    def set_live(self, event_id: int, kind: LiveKind, poll_id: int | None = None) -> Live:
        """Make an activity live (a poll needs its id); returns the new state."""
        if kind not in LIVE_KINDS:
            raise StoreError(f"Unknown activity {kind!r}.")
        if (kind == "poll") != (poll_id is not None):
            raise StoreError("A poll id goes with the poll activity, and only with it.")
        with self.write(event_id) as db:
            if (
                poll_id is not None
                and not db.execute("SELECT 1 FROM polls WHERE id = ? AND event_id = ?", [poll_id, event_id]).fetchone()
            ):
                raise StoreError("That poll is not part of this event.")
            db.execute(
                "UPDATE events SET live_kind = ?, live_poll_id = ?, live_changed_at = ? WHERE id = ?",
                [kind, poll_id, utc_now(), event_id],
            )
        return self.get_live(event_id)

    @changes(EVENT)
    def set_event_status(self, event_id: int, status: Literal["open", "closed"]) -> None:
        """Open or close an event for attendees."""
        if status not in ("open", "closed"):
            raise StoreError("Status is open or closed.")
        self._update_event(event_id, status=status)

    @changes(EVENT)
    def set_eval_open(self, event_id: int, is_open: bool) -> None:
        """Open or close the exit evaluation."""
        self._update_event(event_id, eval_open=int(is_open))

    @changes(EVENT)
    def set_joining_open(self, event_id: int, is_open: bool) -> None:
        """Open or close the door to new devices (people already in carry on)."""
        self._update_event(event_id, joining_closed=int(not is_open))

    @changes(EVENT)
    def set_facilitator_hash(self, event_id: int, passcode_hash: str) -> None:
        """Store the (already hashed) facilitator passcode; ends remembered sign-ins and
        sign-in pauses for the event."""
        from .staff import forget_facilitator_sign_ins

        with self.write(event_id) as db:
            if (
                db.execute("UPDATE events SET facilitator_hash = ? WHERE id = ?", [passcode_hash, event_id]).rowcount
                == 0
            ):
                raise StoreError("No such event.")
            forget_facilitator_sign_ins(db, event_id)

    @unshared
    def facilitator_hash(self, event_id: int) -> str:
        """The stored facilitator passcode hash ('' when none is set)."""
        with self.read() as db:
            row = db.execute("SELECT facilitator_hash FROM events WHERE id = ?", [event_id]).fetchone()
        return row[0] if row else ""

    @changes(EVENT, WALL)
    def set_moderation(self, event_id: int, *, premoderate: bool, word_filter: list[str]) -> None:
        """Set pre-approval and the held-words list for the wall."""
        words = "\n".join(w.strip().lower() for w in word_filter if w.strip())
        self._update_event(event_id, premoderate=int(premoderate), word_filter=words)

    def _update_event(self, event_id: int, **values: object) -> None:
        cols = ", ".join(f"{k} = ?" for k in values)
        with self.write(event_id) as db:
            cur = db.execute(f"UPDATE events SET {cols} WHERE id = ?", [*values.values(), event_id])
            if cur.rowcount == 0:
                raise StoreError("No such event.")

    @changes(EVENT, LIVE, VOTES, WALL, TABLES, FEEDBACK, PEOPLE)
    def delete_event(self, event_id: int) -> None:
        """Delete an event and all its data, then compact the database.

        SQLite: secure_delete zeroes the freed pages; the checkpoint and VACUUM
        make sure no copy of the text survives in the WAL or free pages either.
        PostgreSQL: VACUUM; old copies live on in WAL and backups (README).
        """
        with self.write() as db:
            db.execute("DELETE FROM events WHERE id = ?", [event_id])
        self.engine.compact()
