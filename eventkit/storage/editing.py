"""Writing an EventSpec into the database: one algorithm for a new, a replaced and an edited event.

`write_spec` brings an event's rows in line with a spec, in the caller's
transaction. Existing rows are updated where they stand (so votes, notes and
answers stay attached to their poll, prompt or item); rows are matched to the
spec first by their text (question, label, prompt, title; table by number)
and then, among the rest, by order, so editing a question's wording keeps its
votes and moving a poll keeps its votes too. Removing something that already
holds attendee data is refused. A new event has no rows yet, so each one is
added: `import_event` (also with replace) and `update_event` differ only in
how the event's own row comes to be. Both check the spec themselves (eventkit.event.check,
the one check of the event file and the editor) and hash a plain passcode
only then, so nothing unchecked is saved whoever calls them.
"""

from __future__ import annotations

from dataclasses import replace as replaced

from eventkit.access.security import hash_passcode
from eventkit.event.check import checked
from eventkit.event.spec import EventSpec

from .base import Db, StoreBase, StoreError, utc_now
from .locks import CODES
from .spec_sync import (  # noqa: F401  (match_rows: importable from here as before)
    _add_missing_themes,
    _insert,
    _sync_evaluation,
    _sync_polls,
    _sync_tables,
    _sync_wall_prompts,
    _write_details,
    match_rows,
)
from .stale import EVENT, LIVE, changes, unshared


class EditingMixin(StoreBase):
    @changes(EVENT, LIVE)
    def import_event(self, spec: EventSpec, *, replace: bool = False) -> int:
        """Create an event and everything in it from a spec, in one transaction.

        With replace=True an existing event with the same code is deleted
        first (with all its data) and the database compacted as after
        delete_event; otherwise a clash raises StoreError. A spec that fails
        the check raises EventFileError and nothing is written.
        """
        spec = ready_to_save(spec)
        with self.write() as db:
            existing = db.execute("SELECT id FROM events WHERE code = ?", [spec.code]).fetchone()
            if existing and not replace:
                raise StoreError(f"An event with code {spec.code} already exists.")
            if existing:
                db.execute("DELETE FROM events WHERE id = ?", [existing[0]])
            event_id = _insert(
                db, "INSERT INTO events (code, title, created_at) VALUES (?, ?, ?)", [spec.code, spec.title, utc_now()]
            )
            write_spec(db, event_id, spec)
        if existing:
            self.engine.compact()  # the replaced event's rows, as delete_event leaves them
        return event_id

    @changes(EVENT, LIVE)
    def update_event(self, event_id: int, spec: EventSpec) -> EventSpec:
        """Make the event match the spec, keeping attendee data; all or nothing. Returns the spec as saved.

        A spec that fails the check raises EventFileError and nothing is written.
        """
        spec = ready_to_save(spec)
        with self.write(event_id, serialise=CODES) as db:
            if not db.execute("SELECT 1 FROM events WHERE id = ?", [event_id]).fetchone():
                raise StoreError("No such event.")
            clash = db.execute("SELECT 1 FROM events WHERE code = ? AND id <> ?", [spec.code, event_id]).fetchone()
            if clash:
                raise StoreError(f"code: another event already uses {spec.code}.")
            write_spec(db, event_id, spec)
        return spec

    @unshared
    def export_spec(self, event_id: int) -> EventSpec:
        """The event as a spec, ready to be written to an event file."""
        from .spec_export import build_spec

        with self.read() as db:
            return build_spec(db, event_id)

    @changes(EVENT)
    def duplicate_event(self, event_id: int, code: str, title: str | None = None) -> int:
        """Copy an event's set-up (no attendee data) under a new code; returns the new id."""
        spec = self.export_spec(event_id)
        # No passcode: a copy of the demo would otherwise open with the published `fife-demo`.
        return self.import_event(
            replaced(
                spec,
                code=code.strip().upper(),
                title=(title or f"{spec.title} (copy)").strip(),
                facilitator_passcode_hash="",
            )
        )


def ready_to_save(spec: EventSpec) -> EventSpec:
    """The checked, tidied spec (or EventFileError), a plain passcode replaced by its hash."""
    spec = checked(spec)
    if spec.facilitator_passcode:
        return replaced(
            spec, facilitator_passcode_hash=hash_passcode(spec.facilitator_passcode), facilitator_passcode=""
        )
    return spec


def write_spec(db: Db, event_id: int, spec: EventSpec) -> None:
    """Make the event's rows match the spec (its row must exist); refuses to drop attendee data."""
    _write_details(db, event_id, spec)
    _sync_polls(db, event_id, spec.polls)
    _sync_wall_prompts(db, event_id, spec.wall_prompts)
    _sync_evaluation(db, event_id, spec.evaluation)
    _sync_tables(db, event_id, spec.tables)
    _add_missing_themes(db, event_id, spec.themes)
