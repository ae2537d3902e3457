"""Export queries: every answer of an event as plain rows, and database backups.

Rows carry the participant's per-event sequence number (`participant_seq`),
never their token hash; eventkit.outputs.exports turns it into the pseudonym P001.
Rows of devices a facilitator set aside are left out (set_aside.py), so an
export's rows add up to the results on screen; the event's database copy
(backup_to with only_event) keeps them, with the windows, for the record.
"""

from __future__ import annotations

import os

from .base import StoreBase, StoreError
from .event_rows import count_rows
from .set_aside import COUNTED_DEVICE, counted
from .stale import EVENT, changes, unshared

_VOTES_SQL = f"""
SELECT v.id AS vote_id, p.id AS poll_id, p.position AS poll_position, p.question,
       o.id AS option_id, o.position AS option_position, o.label AS option_label,
       o.is_correct, CASE WHEN EXISTS (SELECT 1 FROM poll_options c WHERE c.poll_id = p.id AND c.is_correct <> 0)
                          THEN 1 ELSE 0 END AS has_correct,
       pa.seq AS participant_seq, pa.table_no, v.created_at, v.updated_at, v.changes
FROM votes v JOIN polls p ON p.id = v.poll_id
JOIN poll_options o ON o.id = v.option_id
JOIN participants pa ON pa.id = v.participant_id
WHERE p.event_id = ? AND p.kind = 'choice' AND {counted("v")}
ORDER BY p.position, v.created_at, v.id
"""

_MANUAL_SQL = """
SELECT p.id AS poll_id, p.position AS poll_position, p.question,
       o.id AS option_id, o.position AS option_position, o.label AS option_label,
       o.is_correct, CASE WHEN EXISTS (SELECT 1 FROM poll_options c WHERE c.poll_id = p.id AND c.is_correct <> 0)
                          THEN 1 ELSE 0 END AS has_correct,
       m.count, m.updated_at
FROM manual_counts m JOIN polls p ON p.id = m.poll_id
JOIN poll_options o ON o.id = m.option_id
WHERE p.event_id = ?
ORDER BY p.position, o.position
"""

_ESTIMATES_SQL = f"""
SELECT v.id AS vote_id, p.id AS poll_id, p.position AS poll_position, p.question,
       v.value, p.true_value, p.unit, pa.seq AS participant_seq, pa.table_no,
       v.created_at, v.updated_at, v.changes
FROM votes v JOIN polls p ON p.id = v.poll_id
JOIN participants pa ON pa.id = v.participant_id
WHERE p.event_id = ? AND p.kind = 'estimate' AND v.value IS NOT NULL AND {counted("v")}
ORDER BY p.position, v.created_at, v.id
"""

_WALL_SQL = f"""
SELECT n.id AS note_id, w.id AS prompt_id, w.position AS prompt_position, w.text AS prompt,
       pa.seq AS participant_seq, pa.table_no, n.text, n.status, n.held_reason,
       (SELECT COUNT(*) FROM note_plus_ones x WHERE x.note_id = n.id AND {counted("x")}) AS plus_ones, n.created_at
FROM notes n JOIN wall_prompts w ON w.id = n.prompt_id
JOIN participants pa ON pa.id = n.participant_id
WHERE w.event_id = ? AND pa.{COUNTED_DEVICE}
ORDER BY w.position, n.created_at, n.id
"""

_TABLE_NOTES_SQL = f"""
SELECT n.id AS note_id, t.number AS table_number, t.name AS table_name,
       v.id AS vignette_id, v.position AS vignette_position, v.title AS vignette_title,
       n.prompt, pa.seq AS participant_seq, n.text, n.created_at
FROM table_notes n JOIN event_tables t ON t.id = n.table_id
JOIN vignettes v ON v.id = n.vignette_id
JOIN participants pa ON pa.id = n.participant_id
WHERE t.event_id = ? AND pa.{COUNTED_DEVICE}
ORDER BY t.number, v.position, n.created_at, n.id
"""

_EVAL_SQL = f"""
SELECT r.id AS response_id, pa.seq AS participant_seq, pa.table_no,
       i.id AS item_id, i.position AS item_position, i.kind, i.text AS item,
       a.value_int, a.value_text, r.submitted_at, r.updated_at
FROM eval_answers a JOIN eval_responses r ON r.id = a.response_id
JOIN eval_items i ON i.id = a.item_id
JOIN participants pa ON pa.id = r.participant_id
WHERE r.event_id = ? AND pa.{COUNTED_DEVICE}
ORDER BY pa.seq, i.position
"""

_PARTICIPANTS_SQL = (
    f"SELECT seq AS participant_seq, table_no, joined_at FROM participants WHERE event_id = ? AND {COUNTED_DEVICE} "
    "ORDER BY seq"
)


class ExportsMixin(StoreBase):
    def _rows(self, sql: str, event_id: int) -> list[dict]:
        with self.read() as db:
            return [dict(r) for r in db.query(sql, [event_id])]

    @unshared
    def export_votes(self, event_id: int) -> list[dict]:
        """Phone votes on choice polls, one row per participant and poll."""
        return self._rows(_VOTES_SQL, event_id)

    @unshared
    def export_manual_counts(self, event_id: int) -> list[dict]:
        """Show-of-hands counts entered by a facilitator, one row per option."""
        return self._rows(_MANUAL_SQL, event_id)

    @unshared
    def export_estimates(self, event_id: int) -> list[dict]:
        """Numeric estimates, one row per participant and poll."""
        return self._rows(_ESTIMATES_SQL, event_id)

    @unshared
    def export_wall_notes(self, event_id: int) -> list[dict]:
        """Every wall note in every moderation state, with its +1 count."""
        return self._rows(_WALL_SQL, event_id)

    @unshared
    def export_table_notes(self, event_id: int) -> list[dict]:
        """Scribe notes from the tables."""
        return self._rows(_TABLE_NOTES_SQL, event_id)

    @unshared
    def export_eval_answers(self, event_id: int) -> list[dict]:
        """Evaluation answers, one row per participant and answered item."""
        return self._rows(_EVAL_SQL, event_id)

    @unshared
    def export_participants(self, event_id: int) -> list[dict]:
        """Participants by sequence number, with table and joining time."""
        return self._rows(_PARTICIPANTS_SQL, event_id)

    @unshared
    def event_row_counts(self, event_id: int) -> dict[str, int]:
        """How many rows of each of the event's tables it has (event_rows.EVENT_TABLES), from one snapshot."""
        with self.read_snapshot() as db:
            return count_rows(db, event_id)

    @unshared
    def table_row_counts(self) -> dict[str, int]:
        """Rows per table in the whole database."""
        with self.read() as db:
            return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in self.engine.table_names(db)}

    @changes(EVENT)
    def set_public_base_url(self, event_id: int, url: str) -> None:
        """Remember the public address the event's QR codes point at."""
        with self.write(event_id) as db:
            if db.execute("UPDATE events SET public_base_url = ? WHERE id = ?", [url, event_id]).rowcount == 0:
                raise StoreError("No such event.")

    @unshared
    def backup_to(self, path: str | os.PathLike, *, only_event: int | None = None) -> None:
        """Write a consistent copy of the data to the SQLite file `path`, while the app runs.

        Without only_event: the whole database file in one step (SQLite's
        backup API; on PostgreSQL a StoreError, as that is pg_dump's job),
        then every staff hash blanked and every sign-in dropped (backends/sqlite_backup.py's strip_staff_secrets).
        With only_event: a fresh SQLite file with just that event, copied
        row by row from one snapshot (the same on both engines), the token
        hashes replaced by the pseudonyms P001…, so the copy cannot be
        matched to any attendee's link, and no staff secret (passcode hash,
        organiser password, sign-ins, sign-in attempts).
        """
        if os.path.exists(path):
            os.remove(path)
        if only_event is None:
            from .backends.sqlite_backup import strip_staff_secrets

            self.engine.backup_whole(str(path))
            strip_staff_secrets(os.fspath(path))
            return
        from .backends.sqlite import SqliteEngine
        from .copying import copy_event

        copy = type(self)(os.fspath(path))
        try:
            copy_event(self, copy, only_event, keep_ids=True, pseudonymise=True)
        finally:
            copy.close()
        SqliteEngine(os.fspath(path)).finish_copy_file()
