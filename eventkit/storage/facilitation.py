"""Facilitation: the figures and queries behind the control panel and projector."""

from __future__ import annotations

from typing import NamedTuple

from ..models import NOTE_STATES, Note, Poll, PollResults, next_question
from .base import StoreBase, StoreError, utc_now
from .set_aside import COUNTED_DEVICE, counted
from .stale import EVENT, FEEDBACK, LIVE, PEOPLE, VOTES, WALL, changes, reads, unshared
from .store_like import StoreLike

_MODERATION_ORDER = {"pending": 0, "visible": 1, "hidden": 2}


class LiveSignature(NamedTuple):
    """What an attendee screen shows of the live activity: when it changes, the screen is redrawn.

    Read for many events at once by `live_signatures` (the stream hub's view, from the
    database) and made from the shared reads by eventkit.live.signature (what a
    screen drew): both build this one type.
    """

    kind: str  # what is live: welcome, poll, wall, ...
    poll_id: int | None  # the live poll, when a poll is live
    poll_state: str | None  # that poll's state
    results_visible: bool | None  # whether that poll's results show (phones show them when the projector does)
    eval_open: bool  # whether the feedback form is open (an open Feedback page shows it, even when not live)


class FacilitationMixin(StoreBase):
    @reads(EVENT, FEEDBACK, PEOPLE)
    def response_rate(self, event_id: int) -> tuple[int, int]:
        """(evaluation responses, participants who joined) for the event, leaving out devices set aside."""
        with self.read() as db:
            row = db.execute(
                f"""SELECT (SELECT COUNT(*) FROM eval_responses r WHERE r.event_id = ? AND {counted("r")}),
                          (SELECT COUNT(*) FROM participants WHERE event_id = ? AND {COUNTED_DEVICE})""",
                [event_id, event_id],
            ).fetchone()
        return row[0], row[1]

    @unshared
    def live_signatures(self, event_ids: list[int] | set[int]) -> dict[int, LiveSignature]:
        """Each event's LiveSignature, in one query; events that do not exist are left out."""
        ids = sorted(event_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self.read() as db:
            rows = db.execute(
                f"""SELECT e.id, e.live_kind, e.live_poll_id, p.state, p.results_visible, e.eval_open FROM events e
                    LEFT JOIN polls p ON p.id = e.live_poll_id AND e.live_kind = 'poll'
                    WHERE e.id IN ({marks})""",
                ids,
            ).fetchall()
        return {r[0]: LiveSignature(r[1], r[2], r[3], None if r[4] is None else bool(r[4]), bool(r[5])) for r in rows}

    @reads(LIVE, VOTES)
    def votes_per_poll(self, event_id: int) -> dict[int, int]:
        """Phone votes per poll id (0 for polls nobody answered)."""
        with self.read() as db:
            rows = db.execute(
                f"""SELECT p.id, (SELECT COUNT(*) FROM votes v WHERE v.poll_id = p.id AND {counted("v")})
                   FROM polls p WHERE p.event_id = ? ORDER BY p.position""",
                [event_id],
            )
            return {r[0]: r[1] for r in rows}

    @reads(LIVE, VOTES)
    def before_after(self: StoreLike, poll_id: int) -> tuple[PollResults, PollResults] | None:
        """Results of the earlier poll this one repeats, and of this one; None if not a repeat."""
        poll = self.get_poll(poll_id)
        if poll is None or poll.repeat_of is None:
            return None
        return self.poll_results(poll.repeat_of), self.poll_results(poll_id)

    @changes(LIVE)
    def advance_poll(
        self: StoreLike, event_id: int, seen_poll_id: int | None, picked_id: int | None = None
    ) -> Poll | None:
        """*Next question*, in one transaction: close the live poll if open, make the next one live, open it.

        The next one is models.next_question's choice. `seen_poll_id` is the poll
        the facilitator saw live (None: no poll was live); if what is live has
        changed since (another panel, a double tap), nothing happens and
        StoreError says so, so a question is never skipped. Returns the poll
        made live, or None (and changes nothing) when none is left to ask.
        """
        with self.write(event_id) as db:
            kind, live_id = db.execute("SELECT live_kind, live_poll_id FROM events WHERE id = ?", [event_id]).fetchone()
            if (live_id if kind == "poll" else None) != seen_poll_id:
                raise StoreError(
                    "What is live has just changed (another panel?): look again, then press Next question."
                )
            polls = [
                Poll(id=r[0], event_id=event_id, position=r[1], kind=r[2], question="", state=r[3])
                for r in db.execute("SELECT id, position, kind, state FROM polls WHERE event_id = ?", [event_id])
            ]
            upcoming = next_question(polls, seen_poll_id, picked_id)
            if upcoming is None:
                return None
            db.execute("UPDATE polls SET state = 'closed' WHERE id = ? AND state = 'open'", [seen_poll_id])
            db.execute("UPDATE polls SET state = 'open' WHERE id = ? AND state = 'draft'", [upcoming.id])
            db.execute(
                "UPDATE events SET live_kind = 'poll', live_poll_id = ?, live_changed_at = ? WHERE id = ?",
                [upcoming.id, utc_now(), event_id],
            )
        return self.get_poll(upcoming.id)

    @unshared
    def pending_notes(self: StoreLike, event_id: int) -> list[Note]:
        """Notes waiting for a facilitator's approval, newest first."""
        return self.list_notes(event_id, ("pending",))

    @reads(EVENT, WALL)
    def notes_for_moderation(self: StoreLike, event_id: int) -> list[Note]:
        """Every note of the event: pending first, then visible, then hidden; newest first within each."""
        notes = self.list_notes(event_id, NOTE_STATES)
        return sorted(notes, key=lambda n: _MODERATION_ORDER[n.status])  # stable: keeps newest first

    @changes(LIVE, VOTES)
    def set_poll_repeat(self, poll_id: int, repeat_of: int | None) -> None:
        """Mark a poll as a repeat of an earlier poll of the same event (None to unmark)."""
        with self.write(("poll", poll_id)) as db:
            row = db.execute("SELECT event_id, position FROM polls WHERE id = ?", [poll_id]).fetchone()
            if row is None:
                raise StoreError("No such poll.")
            if repeat_of is not None:
                earlier = db.execute("SELECT event_id, position, kind FROM polls WHERE id = ?", [repeat_of]).fetchone()
                kind = db.execute("SELECT kind FROM polls WHERE id = ?", [poll_id]).fetchone()[0]
                if earlier is None or earlier[0] != row[0] or earlier[1] >= row[1]:
                    raise StoreError("A poll can only repeat an earlier poll of the same event.")
                if earlier[2] != kind:
                    raise StoreError("A poll can only repeat a poll of the same kind.")
            db.execute("UPDATE polls SET repeat_of = ? WHERE id = ?", [repeat_of, poll_id])
