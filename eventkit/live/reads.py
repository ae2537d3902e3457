"""The reads every open screen shares, how long each is kept, and which writes drop it.

Hundreds of phones and a few staff screens show the same few things: what is
live, the polls, the wall, the results. Each answer below is read from the
database at most once per lifetime per server process, however many screens
redraw meanwhile. A write made through this process's Store drops, at once, the
answers it makes stale: each Store method declares what it changes or shows
(eventkit/storage/stale.py), and SharedReads subscribes to its Store's changes.
A change made by another process reaches these answers when
their lifetime ends, or when the stream hub sees the live activity change
(eventkit/live/hub.py): it then drops them all.

Plain Python, tested without Streamlit: eventkit/ui/live keeps one SharedReads
per database for the server. The whole model is in eventkit/live/README.md.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from eventkit.event.check import CODE_RE

from ..models import Event, Live, Note, Poll, PollResults, Table, WallPrompt
from ..storage import Store
from ..storage.stale import Change, reads_of, writes_of


@dataclass(frozen=True)
class Lifetime:
    """How long one answer of a read is shared, and the changes that drop it sooner."""

    seconds: float
    dropped_by: frozenset[str]


# Store read               kept for (s). What drops each sooner is declared on the read: @reads(...).
LIFETIMES: dict[str, float] = {
    "event_by_code": 2.0,
    "get_live": 1.0,
    "list_polls": 1.0,
    "poll_results": 0.5,
    "vote_count": 0.5,
    "votes_per_poll": 1.0,
    "before_after": 1.0,
    "list_notes": 2.0,
    "notes_for_moderation": 1.0,
    "list_prompts": 30.0,
    "list_tables": 30.0,
    "table_summary": 2.0,
    "response_rate": 2.0,
}


def declared_writes() -> dict[str, frozenset[str]]:
    """Each Store write declared @changes, and what it makes stale (the live-update document's table)."""
    return writes_of(Store)


def declared_reads() -> dict[str, frozenset[str]]:
    """Each Store read declared @reads, and the topics its answer shows."""
    return reads_of(Store)


_SHOWS = declared_reads()
READS: dict[str, Lifetime] = {name: Lifetime(seconds, _SHOWS[name]) for name, seconds in LIFETIMES.items()}

_MAX_ANSWERS = 4096  # e.g. codes typed at random: past this, expired answers are swept
_SWEEP_EVERY = max(life.seconds for life in READS.values())  # and this often, so none outstays long
_MISSING = object()


class SharedReads:
    """Answers of the Store reads in READS, shared by every screen of one process.

    A read that began before a change is not kept (it may hold the old state),
    so a slow screen cannot refill the shared answers with what was just
    replaced. Answers come back as new lists and dicts, never the kept ones.
    """

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self._clock = clock
        self._answers: dict[tuple, tuple[float, Any]] = {}  # (read, args) -> (kept until, answer)
        self._changes: Counter[str] = Counter()  # topic -> changes seen in this process
        self._lock = threading.Lock()
        self._next_sweep = clock() + _SWEEP_EVERY
        # One database read per answer however many screens ask at once (a lock per slot).
        self._loading = [threading.Lock() for _ in range(64)]
        store.subscribe(self._told)  # every @changes write through this Store drops what it made stale

    # --- The reads, typed -------------------------------------------------------------

    def event_by_code(self, code: str) -> Event | None:
        """The event with this code; None, without a read, for what cannot be a code
        (a crafted ?event= of any length is neither read nor kept)."""
        return self.get("event_by_code", code) if CODE_RE.fullmatch(code) else None

    def live(self, event_id: int) -> Live:
        """What is live at the event."""
        return self.get("get_live", event_id)

    def polls(self, event_id: int) -> list[Poll]:
        """The event's polls in order."""
        return self.get("list_polls", event_id)

    def poll(self, event_id: int, poll_id: int | None) -> Poll | None:
        """One poll of the event, from the shared list."""
        return next((p for p in self.polls(event_id) if p.id == poll_id), None)

    def live_poll(self, event_id: int) -> tuple[Live, Poll | None]:
        """What is live, and the live poll if it is a poll."""
        now = self.live(event_id)
        return now, self.poll(event_id, now.poll_id) if now.kind == "poll" else None

    def results(self, poll_id: int) -> PollResults:
        return self.get("poll_results", poll_id)

    def vote_count(self, poll_id: int) -> int:
        return self.get("vote_count", poll_id)

    def votes_per_poll(self, event_id: int) -> dict[int, int]:
        return self.get("votes_per_poll", event_id)

    def before_after(self, poll_id: int) -> tuple[PollResults, PollResults] | None:
        return self.get("before_after", poll_id)

    def visible_notes(self, event_id: int) -> list[Note]:
        """The notes on the wall (not pending or hidden ones)."""
        return self.get("list_notes", event_id)

    def moderation_notes(self, event_id: int) -> list[Note]:
        return self.get("notes_for_moderation", event_id)

    def prompts(self, event_id: int) -> list[WallPrompt]:
        return self.get("list_prompts", event_id)

    def tables(self, event_id: int) -> list[Table]:
        return self.get("list_tables", event_id)

    def table_summary(self, event_id: int) -> list[dict]:
        return self.get("table_summary", event_id)

    def response_rate(self, event_id: int) -> tuple[int, int]:
        """(evaluation responses, participants joined), as Store.response_rate."""
        return self.get("response_rate", event_id)

    # --- Keeping and dropping ---------------------------------------------------------

    def get(self, read: str, *args: Any) -> Any:
        """Store.<read>(*args), from the shared answer while it lasts."""
        key = (read, args)
        found = self._kept(key)
        if found is _MISSING:
            with self._loading[hash(key) % len(self._loading)]:
                found = self._kept(key)  # another screen may have read it meanwhile
                if found is _MISSING:
                    found = self._load(key)
        return _copy(found)

    def _told(self, change: Change) -> None:
        self.changed(change.topics)

    def changed(self, topics: Iterable[str]) -> None:
        """Drop every answer that the changed topics make stale (each read's @reads says which)."""
        topics = frozenset(topics)
        with self._lock:
            self._changes.update(topics)
            for key in [k for k in self._answers if READS[k[0]].dropped_by & topics]:
                del self._answers[key]

    def expire_all(self) -> None:
        """Let every answer lapse now, as if its lifetime had ended (e.g. after a change
        made behind this process's back that cannot wait for the lifetimes)."""
        self.changed(frozenset().union(*(life.dropped_by for life in READS.values())))

    def _kept(self, key: tuple) -> Any:
        with self._lock:
            until, answer = self._answers.get(key, (0.0, _MISSING))
        return answer if until > self._clock() else _MISSING

    def _load(self, key: tuple) -> Any:
        read, args = key
        life = READS[read]
        with self._lock:
            before = [self._changes[t] for t in sorted(life.dropped_by)]
        answer = getattr(self.store, read)(*args)
        with self._lock:
            if before == [self._changes[t] for t in sorted(life.dropped_by)]:
                self._sweep()
                self._answers[key] = (self._clock() + life.seconds, answer)
        return answer

    def _sweep(self) -> None:
        # Expired answers are let go now and then (not only when the cache is full):
        # a burst of unknown codes, however long, is not held for the server's life.
        now = self._clock()
        if len(self._answers) >= _MAX_ANSWERS or now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_EVERY
            self._answers = {k: v for k, v in self._answers.items() if v[0] > now}
            if len(self._answers) >= _MAX_ANSWERS:
                self._answers.clear()


def _copy(answer: Any) -> Any:
    # The kept answer is shared: a caller that sorts or appends must not change it.
    if isinstance(answer, list):
        return list(answer)
    if isinstance(answer, dict):
        return dict(answer)
    return answer
