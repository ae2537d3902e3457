"""Which event a write belongs to: PostgreSQL locks per event, so two events' writes never wait on each other.

SQLite has one writer at a time and ignores this. On PostgreSQL
(backends/postgres.py) a `write(event=...)` transaction holds its event's
advisory lock exclusively and one-statement writes naming their event hold
it shared, so what such a transaction reads stays true until it commits, as
with SQLite's single writer, while other events' writes carry on. A write
that is truly cross-event (creating an event with a unique code, deleting
or purging events, staff secrets) names no event and holds every writer off.

An event is named by its id, or by a row of it whose event the lock finds in
the same round trip (a vote knows its poll, not its event).
"""

from __future__ import annotations

from typing import Literal

Owner = Literal["poll", "participant", "prompt", "table", "note", "theme"]
EventOf = int | tuple[Owner, int]

# The event a row belongs to; a row's event never changes.
_EVENT_OF: dict[str, str] = {
    "poll": "SELECT event_id FROM polls WHERE id = {}",
    "participant": "SELECT event_id FROM participants WHERE id = {}",
    "prompt": "SELECT event_id FROM wall_prompts WHERE id = {}",
    "table": "SELECT event_id FROM event_tables WHERE id = {}",
    "note": "SELECT w.event_id FROM notes n JOIN wall_prompts w ON w.id = n.prompt_id WHERE n.id = {}",
    "theme": "SELECT event_id FROM themes WHERE id = {}",
}

# Every event's lock is one value of this class (the first half of a two-part advisory key).
EVENT_LOCK_CLASS = 0x6576_6E74  # "evnt"
CODES = ("event codes", 0)  # held by writes that may take a code another event could want


def event_id_sql(event: EventOf) -> str:
    """A SQL expression for the event's id (NULL for a row that is gone); integers only, never text."""
    if isinstance(event, int):
        return str(int(event))
    owner, row_id = event
    return f"({_EVENT_OF[owner].format(int(row_id))})"
