"""Tables: vignettes with their prompts, recording consent, scribe notes."""

from __future__ import annotations

from ..models import TABLE_NOTE_MAX_CHARS, Table, TableNote, Vignette
from ..text import clean_text
from .attempts import posting_params, refuse_post, under_posting_limit
from .base import Db, StoreBase, StoreError, utc_now
from .set_aside import COUNTED_DEVICE, counted, not_set_aside, refuse_if_set_aside
from .stale import EVENT, PEOPLE, TABLES, changes, reads, unshared


def _vignettes(db: Db, table_id: int) -> tuple[Vignette, ...]:
    out = []
    for v in db.query("SELECT * FROM vignettes WHERE table_id = ? ORDER BY position", [table_id]):
        prompts = tuple(
            r[0]
            for r in db.execute("SELECT text FROM vignette_prompts WHERE vignette_id = ? ORDER BY position", [v["id"]])
        )
        out.append(Vignette(v["id"], table_id, v["position"], v["title"], v["story"], prompts))
    return tuple(out)


class TablesMixin(StoreBase):
    @reads(EVENT)
    def list_tables(self, event_id: int) -> list[Table]:
        """The event's tables with their vignettes, by table number."""
        with self.read() as db:
            rows = list(db.query("SELECT * FROM event_tables WHERE event_id = ? ORDER BY number", [event_id]))
            return [Table(r["id"], event_id, r["number"], r["name"], _vignettes(db, r["id"])) for r in rows]

    @unshared
    def table_by_number(self, event_id: int, number: int) -> Table | None:
        """One table by its number, or None."""
        return next((t for t in self.list_tables(event_id) if t.number == number), None)

    @changes(TABLES)
    def give_consent(self, table_id: int, participant_id: int) -> None:
        """Record that a participant consents to their table's discussion being recorded."""
        with self.write(("table", table_id)) as db:
            refuse_if_set_aside(db, participant_id)
            db.execute(
                "INSERT INTO consents (table_id, participant_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [table_id, participant_id, utc_now()],
            )

    @changes(TABLES)
    def withdraw_consent(self, table_id: int, participant_id: int) -> None:
        """Withdraw a participant's recording consent."""
        with self.write(("table", table_id)) as db:
            db.execute("DELETE FROM consents WHERE table_id = ? AND participant_id = ?", [table_id, participant_id])

    @unshared
    def has_consent(self, table_id: int, participant_id: int) -> bool:
        """Whether this participant has consented at this table."""
        with self.read() as db:
            return bool(
                db.execute(
                    "SELECT 1 FROM consents WHERE table_id = ? AND participant_id = ?", [table_id, participant_id]
                ).fetchone()
            )

    @changes(TABLES)
    def add_table_note(self, vignette_id: int, participant_id: int, prompt: str, text: str) -> TableNote:
        """The scribe adds a note for a vignette (and optionally one of its prompts).

        Refused (StoreError, NO_CONSENT) unless someone at the table has
        consented to recording: discussions are recorded only with consent.
        One guarded INSERT checks consent and the scribe's posting limit, so
        a consent withdrawn or a burst of taps cannot slip between check and write.
        """
        text = clean_text(text, TABLE_NOTE_MAX_CHARS)
        with self.read() as db:
            row = db.execute("SELECT table_id FROM vignettes WHERE id = ?", [vignette_id]).fetchone()
        if row is None:
            raise StoreError("That vignette does not exist.")
        now = utc_now()
        params = {
            "table": row[0],
            "vignette": vignette_id,
            "prompt": prompt,
            "pid": participant_id,
            "text": text,
            "now": now,
            **posting_params(now, "table_notes"),
        }
        # One statement (a short hold of the lock); on PostgreSQL the scribe's count and insert run alone.
        written = self._write_one(
            _INSERT_TABLE_NOTE_SQL, params, event=("participant", participant_id), serialise=("post", participant_id)
        )
        if not written.rows:
            with self.read() as db:
                refuse_if_set_aside(db, participant_id)
                if not db.execute(_ANY_CONSENT_SQL, [row[0]]).fetchone():
                    raise StoreError(NO_CONSENT)
                refuse_post(db, "table_notes", participant_id, now)
        return TableNote(written.rows[0][0], row[0], vignette_id, prompt, text, now)

    @unshared
    def table_consent_count(self, table_id: int) -> tuple[int, int]:
        """(people who consented to recording at this table, people seated at it)."""
        with self.read() as db:
            row = db.execute(_CONSENT_COUNT_SQL, [table_id]).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    @unshared
    def list_table_notes(self, table_id: int) -> list[TableNote]:
        """A table's scribe notes, oldest first (none of devices set aside)."""
        with self.read() as db:
            rows = db.query(_TABLE_NOTES_SQL, [table_id])
            return [
                TableNote(r["id"], r["table_id"], r["vignette_id"], r["prompt"], r["text"], r["created_at"])
                for r in rows
            ]

    @reads(EVENT, TABLES, PEOPLE)
    def table_summary(self, event_id: int) -> list[dict]:
        """Per table: number, name, people seated, consents and scribe notes."""
        with self.read() as db:
            return list(db.query(_SUMMARY_SQL, [event_id]))


# Seats, consents and notes of devices set aside are not counted (set_aside.py).
_SEATED = f"SELECT COUNT(*) FROM participants p WHERE p.event_id = t.event_id AND p.table_no = t.number AND p.{COUNTED_DEVICE}"
_CONSENTED = f"SELECT COUNT(*) FROM consents c WHERE c.table_id = t.id AND {counted('c')}"
_ANY_CONSENT_SQL = f"SELECT 1 FROM consents c WHERE c.table_id = ? AND {counted('c')}"
_TABLE_NOTES_SQL = f"SELECT * FROM table_notes n WHERE n.table_id = ? AND {counted('n')} ORDER BY n.id"

_SUMMARY_SQL = f"""
SELECT t.id, t.number, t.name,
       ({_SEATED}) AS seated,
       ({_CONSENTED}) AS consents,
       (SELECT COUNT(*) FROM table_notes n WHERE n.table_id = t.id AND {counted("n")}) AS notes
FROM event_tables t WHERE t.event_id = ? ORDER BY t.number
"""

NO_CONSENT = (
    "Nobody at this table has agreed to recording yet, so notes cannot be saved. "
    "Tick the box at the top if you agree, or ask your table."
)

_INSERT_TABLE_NOTE_SQL = f"""
INSERT INTO table_notes (table_id, vignette_id, prompt, participant_id, text, created_at)
SELECT :table, :vignette, :prompt, :pid, :text, :now
WHERE {under_posting_limit("table_notes")} AND {not_set_aside()}
  AND EXISTS (SELECT 1 FROM consents c WHERE c.table_id = :table AND {counted("c")})
RETURNING id
"""

_CONSENT_COUNT_SQL = f"""
SELECT ({_CONSENTED}), ({_SEATED})
FROM event_tables t WHERE t.id = ?
"""
