"""The exit evaluation: items, one editable response per participant."""

from __future__ import annotations

from ..models import EVAL_TEXT_MAX_CHARS, SCORE_RANGE, EvalItem
from ..text import TextError, clean_text
from .base import StoreBase, StoreError, utc_now
from .set_aside import counted, refuse_if_set_aside
from .stale import FEEDBACK, changes, unshared


class EvaluationMixin(StoreBase):
    @unshared
    def list_eval_items(self, event_id: int) -> list[EvalItem]:
        """The evaluation form's items in order."""
        with self.read() as db:
            rows = db.query("SELECT * FROM eval_items WHERE event_id = ? ORDER BY position", [event_id])
            return [EvalItem(r["id"], r["event_id"], r["position"], r["kind"], r["text"]) for r in rows]

    @changes(FEEDBACK)
    def submit_evaluation(self, event_id: int, participant_id: int, answers: dict[int, int | str | None]) -> None:
        """Save (or replace) a participant's evaluation while it is open.

        Scores and agree-scale answers are 1-5; free text is cleaned; blank
        answers are skipped. Raises StoreError or TextError with a message.
        """
        items = {i.id: i for i in self.list_eval_items(event_id)}
        clean = {item_id: _clean_answer(items, item_id, value) for item_id, value in answers.items()}
        clean = {k: v for k, v in clean.items() if v is not None}
        if not clean:
            raise StoreError("Please answer at least one question.")
        now = utc_now()
        values = [
            (item_id, None if isinstance(v, str) else v, v if isinstance(v, str) else None)
            for item_id, v in clean.items()
        ]
        # Three statements (it was 4 + one per answer), everything worked out
        # beforehand: the write lock is held across fewer waits for Python's lock.
        with self.write(event_id) as db:
            refuse_if_set_aside(db, participant_id)
            row = db.execute(_OPEN_RESPONSE_SQL, {"event": event_id, "pid": participant_id, "now": now}).fetchone()
            if row is None:
                raise StoreError("The evaluation is closed.")
            db.execute("DELETE FROM eval_answers WHERE response_id = ?", [row[0]])
            marks = ", ".join(["(?, ?, ?, ?)"] * len(values))
            db.execute(
                f"INSERT INTO eval_answers (response_id, item_id, value_int, value_text) VALUES {marks}",
                [x for item in values for x in (row[0], *item)],
            )

    @unshared
    def my_evaluation(self, event_id: int, participant_id: int) -> dict[int, int | str]:
        """A participant's saved answers by item id ({} when none)."""
        with self.read() as db:
            rows = db.execute(
                """SELECT a.item_id, a.value_int, a.value_text FROM eval_answers a
                   JOIN eval_responses r ON r.id = a.response_id
                   WHERE r.event_id = ? AND r.participant_id = ?""",
                [event_id, participant_id],
            )
            return {r[0]: (r[2] if r[2] is not None else r[1]) for r in rows}

    @unshared
    def count_eval_responses(self, event_id: int) -> int:
        """How many participants have submitted the evaluation (none set aside)."""
        with self.read() as db:
            return db.execute(
                f"SELECT COUNT(*) FROM eval_responses r WHERE r.event_id = ? AND {counted('r')}", [event_id]
            ).fetchone()[0]


# The participant's response row, made or touched, if the evaluation is open.
_OPEN_RESPONSE_SQL = """
INSERT INTO eval_responses (event_id, participant_id, submitted_at, updated_at)
SELECT :event, :pid, :now, :now FROM events WHERE id = :event AND eval_open <> 0
ON CONFLICT (event_id, participant_id) DO UPDATE SET updated_at = excluded.updated_at
RETURNING id
"""


def _clean_answer(items: dict, item_id: int, value: int | str | None) -> int | str | None:
    item = items.get(item_id)
    if item is None:
        raise StoreError("That question is not part of this evaluation.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if item.kind == "text":
        try:
            return clean_text(str(value), EVAL_TEXT_MAX_CHARS)
        except TextError as err:
            raise TextError(f"“{item.text}”: {err}") from None
    low, high = SCORE_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise StoreError(f"“{item.text}”: choose a value from {low} to {high}.")
    return value
