"""Polls: states, votes, estimates, show-of-hands counts and results."""

from __future__ import annotations

import math
from typing import NoReturn

from ..models import POLL_STATES, OptionCount, Poll, PollOption, PollResults, PollState
from .base import Db, StoreBase, StoreError, utc_now
from .set_aside import SET_ASIDE_MESSAGE, SetAsideError, counted
from .stale import EVENT, LIVE, VOTES, changes, left_to_lifetime, reads, unshared


def _options(db: Db, poll_ids: list[int]) -> dict[int, list[PollOption]]:
    by_poll: dict[int, list[PollOption]] = {pid: [] for pid in poll_ids}
    if not poll_ids:
        return by_poll
    marks = ",".join("?" * len(poll_ids))
    for r in db.query(f"SELECT * FROM poll_options WHERE poll_id IN ({marks}) ORDER BY poll_id, position", poll_ids):
        by_poll[r["poll_id"]].append(PollOption(id=r["id"], label=r["label"], is_correct=bool(r["is_correct"])))
    return by_poll


def _poll(row: dict, options: list[PollOption]) -> Poll:
    return Poll(
        id=row["id"],
        event_id=row["event_id"],
        position=row["position"],
        kind=row["kind"],
        question=row["question"],
        options=tuple(options),
        true_value=row["true_value"],
        unit=row["unit"],
        min_value=row["min_value"],
        max_value=row["max_value"],
        fact=row["fact"],
        source=row["source"],
        state=row["state"],
        results_visible=bool(row["results_visible"]),
        repeat_of=row["repeat_of"],
    )


class PollsMixin(StoreBase):
    @reads(EVENT, LIVE)
    def list_polls(self, event_id: int) -> list[Poll]:
        """The event's polls in running order."""
        with self.read() as db:
            rows = list(db.query("SELECT * FROM polls WHERE event_id = ? ORDER BY position", [event_id]))
            options = _options(db, [r["id"] for r in rows])
        return [_poll(r, options[r["id"]]) for r in rows]

    @unshared
    def get_poll(self, poll_id: int) -> Poll | None:
        """One poll, or None."""
        with self.read() as db:
            rows = list(db.query("SELECT * FROM polls WHERE id = ?", [poll_id]))
            if not rows:
                return None
            return _poll(rows[0], _options(db, [poll_id])[poll_id])

    @changes(LIVE)
    def set_poll_state(self, poll_id: int, state: PollState) -> None:
        """Move a poll to draft, open, closed or revealed."""
        if state not in POLL_STATES:
            raise StoreError(f"Unknown poll state {state!r}.")
        self._update_poll(poll_id, state=state)

    @changes(LIVE)
    def set_results_visible(self, poll_id: int, visible: bool) -> None:
        """Show or hide live results on the projector."""
        self._update_poll(poll_id, results_visible=int(visible))

    def _update_poll(self, poll_id: int, **values: object) -> None:
        cols = ", ".join(f"{k} = ?" for k in values)
        with self.write(("poll", poll_id)) as db:
            if db.execute(f"UPDATE polls SET {cols} WHERE id = ?", [*values.values(), poll_id]).rowcount == 0:
                raise StoreError("No such poll.")

    @left_to_lifetime(VOTES)
    def cast_vote(self, poll_id: int, participant_id: int, option_id: int) -> None:
        """Record (or change) a participant's choice while the poll is open."""
        if not self._upsert_vote(poll_id, participant_id, option_id, None):
            self._why_not_saved(poll_id, "choice", participant_id, option_id, None)

    @left_to_lifetime(VOTES)
    def cast_estimate(self, poll_id: int, participant_id: int, value: float) -> None:
        """Record (or change) a participant's numeric estimate while the poll is open."""
        if not math.isfinite(value):
            raise StoreError("Please enter a number.")
        if not self._upsert_vote(poll_id, participant_id, None, float(value)):
            self._why_not_saved(poll_id, "estimate", participant_id, None, float(value))

    def _upsert_vote(self, poll_id: int, pid: int, option_id: int | None, value: float | None) -> bool:
        """Save the answer if the poll is open and takes it; False if nothing was saved.

        One statement, so the database's write lock is held only while SQLite
        runs it, never while this thread waits for Python's lock on a loaded
        server (a transaction of several statements did, and others timed out).
        """
        now = utc_now()
        params = {
            "poll": poll_id,
            "pid": pid,
            "option": option_id,
            "value": value,
            "now": now,
            "kind": "choice" if value is None else "estimate",
        }
        return self._write_one(_UPSERT_VOTE_SQL, params, event=("poll", poll_id)).rowcount == 1

    def _why_not_saved(self, poll_id: int, kind: str, pid: int, option_id: int | None, value: float | None) -> NoReturn:
        """Raise the reason _upsert_vote saved nothing, in words for the participant."""
        with self.read() as db:
            row = db.execute(
                """SELECT p.state, p.kind, p.min_value, p.max_value, t.id, t.set_aside_id,
                          EXISTS (SELECT 1 FROM poll_options o WHERE o.id = ? AND o.poll_id = p.id)
                   FROM polls p LEFT JOIN participants t ON t.event_id = p.event_id AND t.id = ?
                   WHERE p.id = ?""",
                [option_id, pid, poll_id],
            ).fetchone()
        if row is None:
            raise StoreError("No such poll.")
        state, poll_kind, low, high, member, set_aside, option_fits = row
        if member is None:
            raise StoreError("Please rejoin the event from its link or QR code.")
        if set_aside is not None:
            raise SetAsideError(SET_ASIDE_MESSAGE)
        if poll_kind != kind:
            raise StoreError("That answer does not fit this poll.")
        if state != "open":
            raise StoreError("Voting on this question is closed.")
        if kind == "choice" and not option_fits:
            raise StoreError("That option is not part of this poll.")
        if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
            raise StoreError(f"Please enter a number between {_fmt(low)} and {_fmt(high)}.")
        # The poll was closed and reopened between the two: nothing is wrong with the answer.
        raise StoreError("That did not save: please try again.")

    @unshared
    def my_vote(self, poll_id: int, participant_id: int) -> int | float | None:
        """A participant's current answer: option id, estimate, or None."""
        with self.read() as db:
            row = db.execute(
                "SELECT option_id, value FROM votes WHERE poll_id = ? AND participant_id = ?",
                [poll_id, participant_id],
            ).fetchone()
        if row is None:
            return None
        return row[0] if row[0] is not None else row[1]

    @reads(LIVE, VOTES)
    def vote_count(self, poll_id: int) -> int:
        """How many participants have answered (phones only)."""
        with self.read() as db:
            return db.execute(_VOTE_COUNT_SQL, [poll_id]).fetchone()[0]

    @reads(LIVE, VOTES)
    def poll_results(self, poll_id: int) -> PollResults:
        """Counts per option (phones and show of hands) or the list of estimates."""
        with self.read() as db:
            votes = db.execute(_VOTE_COUNT_SQL, [poll_id]).fetchone()[0]
            counts = tuple(
                OptionCount(r["id"], r["label"], bool(r["is_correct"]), r["votes"], r["manual"])
                for r in db.query(_COUNTS_SQL, [poll_id])
            )
            estimates = tuple(r[0] for r in db.execute(_ESTIMATES_SQL, [poll_id]))
        return PollResults(poll_id, votes, counts, estimates, sum(c.manual for c in counts))

    @changes(VOTES)
    def set_manual_counts(self, poll_id: int, counts: dict[int, int]) -> None:
        """Replace the show-of-hands counts for a poll (kept apart from phone votes)."""
        if any(int(n) < 0 for n in counts.values()):
            raise StoreError("Counts cannot be negative.")
        with self.write(("poll", poll_id)) as db:
            valid = {r[0] for r in db.execute("SELECT id FROM poll_options WHERE poll_id = ?", [poll_id])}
            if not set(counts) <= valid:
                raise StoreError("Those options are not part of this poll.")
            db.execute("DELETE FROM manual_counts WHERE poll_id = ?", [poll_id])
            for option_id, n in counts.items():
                if int(n):
                    db.execute(
                        "INSERT INTO manual_counts (poll_id, option_id, count, updated_at) VALUES (?, ?, ?, ?)",
                        [poll_id, option_id, int(n), utc_now()],
                    )


# Results count the votes of devices not set aside (set_aside.py).
_VOTE_COUNT_SQL = f"SELECT COUNT(*) FROM votes v WHERE v.poll_id = ? AND {counted('v')}"
_ESTIMATES_SQL = (
    f"SELECT value FROM votes v WHERE v.poll_id = ? AND v.value IS NOT NULL AND {counted('v')} ORDER BY value"
)
_COUNTS_SQL = f"""
SELECT o.id, o.label, o.is_correct,
       (SELECT COUNT(*) FROM votes v WHERE v.option_id = o.id AND {counted("v")}) AS votes,
       COALESCE((SELECT m.count FROM manual_counts m WHERE m.option_id = o.id), 0) AS manual
FROM poll_options o WHERE o.poll_id = ? ORDER BY o.position
"""


_UPSERT_VOTE_SQL = """
INSERT INTO votes (poll_id, participant_id, option_id, value, created_at, updated_at)
SELECT :poll, :pid, CAST(:option AS BIGINT), CAST(:value AS DOUBLE PRECISION), :now, :now
FROM polls p JOIN participants t ON t.event_id = p.event_id AND t.id = :pid AND t.set_aside_id IS NULL
WHERE p.id = :poll AND p.state = 'open' AND p.kind = :kind
  AND (:kind = 'estimate' OR EXISTS (SELECT 1 FROM poll_options o WHERE o.id = :option AND o.poll_id = p.id))
  AND (CAST(:value AS DOUBLE PRECISION) IS NULL OR ((p.min_value IS NULL OR :value >= p.min_value)
                                                    AND (p.max_value IS NULL OR :value <= p.max_value)))
ON CONFLICT (poll_id, participant_id) DO UPDATE SET
  changes = votes.changes + CASE WHEN votes.option_id IS DISTINCT FROM excluded.option_id
                                   OR votes.value IS DISTINCT FROM excluded.value THEN 1 ELSE 0 END,
  option_id = excluded.option_id, value = excluded.value, updated_at = excluded.updated_at
"""


def _fmt(value: float | None) -> str:
    if value is None:
        return "any"
    return f"{value:g}"
