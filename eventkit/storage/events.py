"""Events: import and export of whole events, lookup, run of show, settings."""

from __future__ import annotations

import sqlite_utils

from ..models import LIVE_KINDS, Event, EventSpec, Live
from .base import StoreBase, StoreError, utc_now


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
    def list_events(self) -> list[Event]:
        """All events, newest first."""
        with self.read() as db:
            return [_event(r) for r in db.query("SELECT * FROM events ORDER BY id DESC")]

    def get_event(self, event_id: int) -> Event | None:
        """The event with this id, or None."""
        with self.read() as db:
            rows = list(db.query("SELECT * FROM events WHERE id = ?", [event_id]))
        return _event(rows[0]) if rows else None

    def event_by_code(self, code: str) -> Event | None:
        """The event with this join code (case-insensitive), or None."""
        code = code.strip().upper()
        if not code.isascii():  # codes are A-Z and 0-9; this also keeps lone surrogates from SQLite
            return None
        with self.read() as db:
            rows = list(db.query("SELECT * FROM events WHERE code = ?", [code]))
        return _event(rows[0]) if rows else None

    def import_event(self, spec: EventSpec, *, replace: bool = False) -> int:
        """Create an event and everything in it from a spec, in one transaction.

        With replace=True an existing event with the same code is deleted
        first (with all its data); otherwise a clash raises StoreError.
        """
        with self.write() as db:
            existing = db.execute("SELECT id FROM events WHERE code = ?", [spec.code]).fetchone()
            if existing and not replace:
                raise StoreError(f"An event with code {spec.code} already exists.")
            if existing:
                db.execute("DELETE FROM events WHERE id = ?", [existing[0]])
            event_id = _insert_event(db, spec)
            _insert_polls(db, event_id, spec.polls)
            _insert_wall_prompts(db, event_id, spec.wall_prompts)
            _insert_tables(db, event_id, spec.tables)
            _insert_evaluation(db, event_id, spec.evaluation)
            _insert_themes(db, event_id, spec.themes)
        return event_id

    def export_spec(self, event_id: int) -> EventSpec:
        """The event as a spec, ready to be written to an event file."""
        from .spec_export import build_spec

        with self.read() as db:
            return build_spec(db, event_id)

    def get_live(self, event_id: int) -> Live:
        """What is live now for this event."""
        with self.read() as db:
            row = db.execute(
                "SELECT live_kind, live_poll_id, live_changed_at FROM events WHERE id = ?", [event_id]
            ).fetchone()
        if row is None:
            raise StoreError("No such event.")
        return Live(kind=row[0], poll_id=row[1], changed_at=row[2])

    def set_live(self, event_id: int, kind: str, poll_id: int | None = None) -> Live:
        """Make an activity live (a poll needs its id); returns the new state."""
        if kind not in LIVE_KINDS:
            raise StoreError(f"Unknown activity {kind!r}.")
        if (kind == "poll") != (poll_id is not None):
            raise StoreError("A poll id goes with the poll activity, and only with it.")
        with self.write() as db:
            if poll_id is not None and not db.execute(
                "SELECT 1 FROM polls WHERE id = ? AND event_id = ?", [poll_id, event_id]
            ).fetchone():
                raise StoreError("That poll is not part of this event.")
            db.execute(
                "UPDATE events SET live_kind = ?, live_poll_id = ?, live_changed_at = ? WHERE id = ?",
                [kind, poll_id, utc_now(), event_id],
            )
        return self.get_live(event_id)

    def set_event_status(self, event_id: int, status: str) -> None:
        """Open or close an event for attendees."""
        if status not in ("open", "closed"):
            raise StoreError("Status is open or closed.")
        self._update_event(event_id, status=status)

    def set_eval_open(self, event_id: int, is_open: bool) -> None:
        """Open or close the exit evaluation."""
        self._update_event(event_id, eval_open=int(is_open))

    def set_joining_open(self, event_id: int, is_open: bool) -> None:
        """Open or close the door to new devices (people already in carry on)."""
        self._update_event(event_id, joining_closed=int(not is_open))

    def set_facilitator_hash(self, event_id: int, passcode_hash: str) -> None:
        """Store the (already hashed) facilitator passcode."""
        self._update_event(event_id, facilitator_hash=passcode_hash)

    def facilitator_hash(self, event_id: int) -> str:
        """The stored facilitator passcode hash ('' when none is set)."""
        with self.read() as db:
            row = db.execute("SELECT facilitator_hash FROM events WHERE id = ?", [event_id]).fetchone()
        return row[0] if row else ""

    def set_moderation(self, event_id: int, *, premoderate: bool, word_filter: list[str]) -> None:
        """Set pre-approval and the held-words list for the wall."""
        words = "\n".join(w.strip().lower() for w in word_filter if w.strip())
        self._update_event(event_id, premoderate=int(premoderate), word_filter=words)

    def _update_event(self, event_id: int, **values: object) -> None:
        cols = ", ".join(f"{k} = ?" for k in values)
        with self.write() as db:
            cur = db.execute(f"UPDATE events SET {cols} WHERE id = ?", [*values.values(), event_id])
            if cur.rowcount == 0:
                raise StoreError("No such event.")

    def delete_event(self, event_id: int) -> None:
        """Delete an event and all its data, then compact the file.

        secure_delete zeroes the freed pages; the checkpoint and VACUUM make
        sure no copy of the text survives in the WAL or free pages either.
        """
        with self.write() as db:
            db.execute("DELETE FROM events WHERE id = ?", [event_id])
        with self.read() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _insert_event(db: sqlite_utils.Database, spec: EventSpec) -> int:
    s = spec.settings
    cur = db.execute(
        """INSERT INTO events (code, title, subtitle, date, venue, welcome, facilitator_hash,
           premoderate, word_filter, retention_days, public_base_url, expected_attendance, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            spec.code, spec.title, spec.subtitle, spec.date, spec.venue, spec.welcome,
            spec.facilitator_passcode_hash, int(bool(s.get("premoderate"))),
            "\n".join(w.lower() for w in s.get("word_filter", [])),
            int(s.get("retention_days", 180)), s.get("public_base_url", ""),
            int(s.get("expected_attendance") or 0), utc_now(),
        ],
    )
    return cur.lastrowid


def _insert_polls(db: sqlite_utils.Database, event_id: int, polls: list[dict]) -> None:
    ids: list[int] = []
    for position, p in enumerate(polls, start=1):
        repeat_of = ids[p["repeat_of"] - 1] if p.get("repeat_of") else None
        cur = db.execute(
            """INSERT INTO polls (event_id, position, kind, question, true_value, unit,
               min_value, max_value, fact, source, repeat_of)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                event_id, position, p["kind"], p["question"], p.get("true_value"),
                p.get("unit", ""), p.get("min"), p.get("max"), p.get("fact", ""),
                p.get("source", ""), repeat_of,
            ],
        )
        ids.append(cur.lastrowid)
        for opt_pos, label in enumerate(p.get("options", []), start=1):
            db.execute(
                "INSERT INTO poll_options (poll_id, position, label, is_correct) VALUES (?, ?, ?, ?)",
                [cur.lastrowid, opt_pos, label, int(label == p.get("correct"))],
            )


def _insert_wall_prompts(db: sqlite_utils.Database, event_id: int, prompts: list[str]) -> None:
    for position, text in enumerate(prompts, start=1):
        db.execute(
            "INSERT INTO wall_prompts (event_id, position, text) VALUES (?, ?, ?)",
            [event_id, position, text],
        )


def _insert_tables(db: sqlite_utils.Database, event_id: int, tables: list[dict]) -> None:
    for t in tables:
        table_id = db.execute(
            "INSERT INTO event_tables (event_id, number, name) VALUES (?, ?, ?)",
            [event_id, t["number"], t.get("name") or f"Table {t['number']}"],
        ).lastrowid
        for position, v in enumerate(t.get("vignettes", []), start=1):
            vignette_id = db.execute(
                "INSERT INTO vignettes (table_id, position, title, story) VALUES (?, ?, ?, ?)",
                [table_id, position, v["title"], v.get("story", "")],
            ).lastrowid
            for p_pos, text in enumerate(v.get("prompts", []), start=1):
                db.execute(
                    "INSERT INTO vignette_prompts (vignette_id, position, text) VALUES (?, ?, ?)",
                    [vignette_id, p_pos, text],
                )


def _insert_evaluation(db: sqlite_utils.Database, event_id: int, items: list[dict]) -> None:
    for position, item in enumerate(items, start=1):
        db.execute(
            "INSERT INTO eval_items (event_id, position, kind, text) VALUES (?, ?, ?, ?)",
            [event_id, position, item["kind"], item["text"]],
        )


def _insert_themes(db: sqlite_utils.Database, event_id: int, themes: list[str]) -> None:
    for position, name in enumerate(themes, start=1):
        db.execute(
            "INSERT INTO themes (event_id, position, name) VALUES (?, ?, ?)",
            [event_id, position, name],
        )
