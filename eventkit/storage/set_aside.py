"""Set aside: devices that joined in a window, kept for the record but left out of every count.

Closing the door stops new devices, not links minted before it closed: a
script can mint hundreds of links in seconds and use them afterwards. A
facilitator sets aside the devices that joined in a window (one set_asides
row, which each of those participants points at). Their votes, notes,
+1s, consents and forms stay in the database, but every count, result,
wall and export leaves them out, through the one condition `counted`
(or `COUNTED_DEVICE` on participants itself), and a set-aside device can
add nothing more (SET_ASIDE_MESSAGE). Restoring a window undoes it whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from .base import Db, StoreBase, StoreError, utc_now
from .stale import FEEDBACK, PEOPLE, TABLES, VOTES, WALL, changes, unshared

SET_ASIDE_MESSAGE = (
    "A facilitator has set aside this phone: it joined during a flood of new devices, "
    "so what it sends is not counted. If you are at the event, please tell a facilitator."
)
# A participant row (of `participants`) that counts: not set aside.
COUNTED_DEVICE = "set_aside_id IS NULL"
_SET_ASIDE_IDS = "SELECT id FROM participants WHERE set_aside_id IS NOT NULL"
# What a set-aside changes: every count and result made from attendees' rows.
_RESULTS = (PEOPLE, VOTES, WALL, TABLES, FEEDBACK)


def counted(alias: str) -> str:
    """An SQL condition: the row `alias` (which has a participant_id) comes from a device not set aside."""
    return f"{alias}.participant_id NOT IN ({_SET_ASIDE_IDS})"


def not_set_aside(pid: str = ":pid") -> str:
    """An SQL condition for a guarded INSERT: the participant `pid` (a placeholder) is not set aside."""
    return f"NOT EXISTS (SELECT 1 FROM participants sa WHERE sa.id = {pid} AND sa.set_aside_id IS NOT NULL)"


def refuse_if_set_aside(db: Db, participant_id: int) -> None:
    """Raise StoreError(SET_ASIDE_MESSAGE) when the participant has been set aside."""
    row = db.execute("SELECT set_aside_id FROM participants WHERE id = ?", [participant_id]).fetchone()
    if row is not None and row[0] is not None:
        raise SetAsideError(SET_ASIDE_MESSAGE)


class SetAsideError(StoreError):
    """The device was set aside by a facilitator: it can add nothing more."""


def refuse_set_aside(db: Db, participant_id: int) -> NoReturn:
    """After a guarded write stored nothing: SET_ASIDE_MESSAGE if that is why, else try again."""
    refuse_if_set_aside(db, participant_id)
    raise StoreError("That did not save: please try again.")


@dataclass(frozen=True)
class SetAside:
    """One window of set-aside devices, with what they sent (counted from rows)."""

    id: int
    joined_from: str  # stored timestamps: joined_from <= joined_at < joined_to
    joined_to: str
    created_at: str
    devices: int
    votes: int
    notes: int


_LIST_SQL = """
SELECT s.id, s.joined_from, s.joined_to, s.created_at,
       (SELECT COUNT(*) FROM participants p WHERE p.set_aside_id = s.id) AS devices,
       (SELECT COUNT(*) FROM votes v JOIN participants p ON p.id = v.participant_id WHERE p.set_aside_id = s.id)
           AS votes,
       (SELECT COUNT(*) FROM notes n JOIN participants p ON p.id = n.participant_id WHERE p.set_aside_id = s.id)
           AS notes
FROM set_asides s WHERE s.event_id = ? ORDER BY s.joined_from, s.id
"""

# New devices per minute (stamps are ISO 8601: the first 16 characters name the minute), all of them.
_JOINS_PER_MINUTE_SQL = """
SELECT SUBSTR(joined_at, 1, 16) AS minute, COUNT(*) AS joins,
       COUNT(*) FILTER (WHERE set_aside_id IS NOT NULL) AS set_aside
FROM participants WHERE event_id = ? AND joined_at >= ?
GROUP BY SUBSTR(joined_at, 1, 16) ORDER BY minute
"""


class SetAsideMixin(StoreBase):
    @changes(*_RESULTS)
    def set_aside_joined_between(self, event_id: int, start: str, end: str) -> int:
        """Set aside the devices of the event that joined from `start` up to (not including) `end`
        (stored timestamps) and are not set aside already; how many (0: nothing is recorded)."""
        if not start < end:
            raise StoreError("The window must end after it starts.")
        with self.write(event_id) as db:
            if db.execute("SELECT 1 FROM events WHERE id = ?", [event_id]).fetchone() is None:
                raise StoreError("No such event.")
            window = db.execute(
                "INSERT INTO set_asides (event_id, joined_from, joined_to, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                [event_id, start, end, utc_now()],
            ).fetchone()[0]
            moved = db.execute(
                f"""UPDATE participants SET set_aside_id = ?
                    WHERE event_id = ? AND joined_at >= ? AND joined_at < ? AND {COUNTED_DEVICE}""",
                [window, event_id, start, end],
            ).rowcount
            if not moved:
                db.execute("DELETE FROM set_asides WHERE id = ?", [window])
        return moved

    @changes(*_RESULTS)
    def restore_set_aside(self, event_id: int, set_aside_id: int) -> int:
        """Count again the devices of one set-aside window of the event; how many."""
        with self.write(event_id) as db:
            if not db.execute(
                "SELECT 1 FROM set_asides WHERE id = ? AND event_id = ?", [set_aside_id, event_id]
            ).fetchone():
                raise StoreError("That set-aside window is not part of this event (restored already?).")
            restored = db.execute(
                "UPDATE participants SET set_aside_id = NULL WHERE set_aside_id = ? AND event_id = ?",
                [set_aside_id, event_id],
            ).rowcount
            db.execute("DELETE FROM set_asides WHERE id = ?", [set_aside_id])
        return restored

    @unshared
    def list_set_asides(self, event_id: int) -> list[SetAside]:
        """The event's set-aside windows, earliest first, with their devices, votes and notes."""
        with self.read() as db:
            return [SetAside(*r) for r in db.execute(_LIST_SQL, [event_id]).fetchall()]

    @unshared
    def joins_per_minute(self, event_id: int, since: str) -> list[tuple[str, int, int]]:
        """(minute "YYYY-MM-DDTHH:MM" in UTC, devices that joined, of which set aside) since `since`."""
        with self.read() as db:
            return [(r[0], r[1], r[2]) for r in db.execute(_JOINS_PER_MINUTE_SQL, [event_id, since]).fetchall()]
