"""Retention: events are kept for `retention_days` after their date (or creation), then purged."""

from __future__ import annotations

from datetime import date, timedelta

from ..models import Event
from .base import StoreBase, StoreError
from .stale import EVENT, FEEDBACK, LIVE, PEOPLE, TABLES, VOTES, WALL, changes, unshared
from .store_like import StoreLike


def expiry_date(event: Event, created_at: str) -> date:
    """The last day the event's data is kept: retention_days after its start.

    The start is the event's date, or the day the event was created in this
    database if that is later (or the date is missing or invalid): nothing
    can have been collected before then. So an event imported after the day
    (the demo, dated 2016, or last year's event loaded to write its report)
    is kept its full period instead of being purged the next night.
    """
    created = date.fromisoformat(created_at[:10])
    try:
        start = max(date.fromisoformat(event.date), created)
    except ValueError:
        start = created
    return start + timedelta(days=event.retention_days)


class RetentionMixin(StoreBase):
    @changes(EVENT)
    def set_retention_days(self, event_id: int, days: int) -> None:
        """How many days after the event its data is kept (1 or more)."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise StoreError("Keep the data for at least 1 day (a whole number of days).")
        with self.write(event_id) as db:
            if db.execute("UPDATE events SET retention_days = ? WHERE id = ?", [days, event_id]).rowcount == 0:
                raise StoreError("No such event.")

    @unshared
    def expired_events(self: StoreLike, today: date | None = None) -> list[tuple[Event, date]]:
        """Events whose retention period has passed (expiry date before `today`), with that date."""
        today = today or date.today()
        with self.read() as db:
            created = dict(db.execute("SELECT id, created_at FROM events").fetchall())
        out = []
        for event in self.list_events():
            expires = expiry_date(event, created[event.id])
            if expires < today:
                out.append((event, expires))
        return out

    @changes(EVENT, LIVE, VOTES, WALL, TABLES, FEEDBACK, PEOPLE)
    def purge_expired(self: StoreLike, today: date | None = None, *, dry_run: bool = False) -> list[Event]:
        """Delete (unless dry_run) every expired event and all its data; returns them.

        Each deletion zeroes and compacts the file (see delete_event), so no
        text of a purged event is left behind.
        """
        expired = [event for event, _ in self.expired_events(today)]
        if not dry_run:
            for event in expired:
                self.delete_event(event.id)
        return expired
