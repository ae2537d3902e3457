"""Aggregate reads for the analysis dashboard and the event report.

Counts come from COUNT(*) over rows; no attendee identity leaves here.
"""

from __future__ import annotations

from .base import StoreBase
from .set_aside import COUNTED_DEVICE, counted
from .stale import unshared

# Every timestamped action of an event, none of devices set aside: (kind, ISO timestamp). Parameters: event id x5.
_ACTIVITY_SQL = f"""
SELECT 'join' AS kind, joined_at AS at FROM participants WHERE event_id = ? AND {COUNTED_DEVICE}
UNION ALL
SELECT 'vote', v.created_at FROM votes v JOIN polls p ON p.id = v.poll_id WHERE p.event_id = ? AND {counted("v")}
UNION ALL
SELECT 'note', n.created_at FROM notes n JOIN wall_prompts w ON w.id = n.prompt_id
WHERE w.event_id = ? AND {counted("n")}
UNION ALL
SELECT 'table note', tn.created_at FROM table_notes tn JOIN event_tables t ON t.id = tn.table_id
WHERE t.event_id = ? AND {counted("tn")}
UNION ALL
SELECT 'evaluation', r.submitted_at FROM eval_responses r WHERE r.event_id = ? AND {counted("r")}
"""


class InsightsMixin(StoreBase):
    @unshared
    def activity_times(self, event_id: int) -> list[tuple[str, str]]:
        """(kind, timestamp) for every join, vote, wall note, table note and evaluation, oldest first."""
        with self.read() as db:
            return [
                tuple(r)
                for r in db.execute(f"SELECT kind, at FROM ({_ACTIVITY_SQL}) AS activity ORDER BY at", [event_id] * 5)
            ]

    @unshared
    def notes_per_prompt(self, event_id: int) -> list[dict]:
        """Per wall prompt: position, text, and counts of visible, hidden and pending notes."""
        with self.read() as db:
            return list(
                db.query(
                    f"""SELECT w.position, w.text,
                          COUNT(*) FILTER (WHERE n.status = 'visible') AS visible,
                          COUNT(*) FILTER (WHERE n.status = 'hidden') AS hidden,
                          COUNT(*) FILTER (WHERE n.status = 'pending') AS pending
                   FROM wall_prompts w LEFT JOIN notes n ON n.prompt_id = w.id AND {counted("n")}
                   WHERE w.event_id = ? GROUP BY w.id ORDER BY w.position""",
                    [event_id],
                )
            )

    @unshared
    def eval_value_counts(self, event_id: int) -> list[dict]:
        """Per score or agree-scale item and value: how many answered it so."""
        with self.read() as db:
            return list(
                db.query(
                    f"""SELECT i.id AS item_id, i.position, i.kind, i.text, a.value_int AS value, COUNT(*) AS n
                   FROM eval_answers a JOIN eval_items i ON i.id = a.item_id
                   JOIN eval_responses r ON r.id = a.response_id
                   WHERE i.event_id = ? AND a.value_int IS NOT NULL AND {counted("r")}
                   GROUP BY i.id, a.value_int ORDER BY i.position, a.value_int""",
                    [event_id],
                )
            )
