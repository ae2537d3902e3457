"""The shared state of a rehearsal: its settings, what is live, and the ledger.

The ledger holds every submission the app acknowledged on a simulated
screen (and every one it did not), so the database can be checked against
it afterwards: exactly these, no more, no fewer.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    """How big and how long a rehearsal is, and how people behave."""

    url: str
    event_code: str
    attendees: int = 100
    duration: float = 60.0  # seconds, from the first join to the end
    join_window: float = 60.0  # everyone joins at a random moment within this
    db: str | None = None
    server_pid: int | None = None
    database_pid: int | None = None  # PostgreSQL's postmaster: its CPU and memory are counted with the server's
    vote_share: float = 0.95
    change_share: float = 0.2
    wall_share: float = 0.6
    scribe_share: float = 0.2
    eval_share: float = 0.9
    projector: bool = True
    seed: int = 1
    timeout: float = 30.0  # how long a person waits for a screen before calling it an error
    noscript_share: float = 0.02  # phones with JavaScript off: they follow by their page's <noscript> refresh
    wall_seconds: float = 0.0  # at least this long on the wall (a short run's phones all get their turn)

    def phases(self) -> list[tuple[str, float]]:
        """The facilitator's running order: (live activity, seconds it stays live)."""
        join = min(self.join_window, self.duration * 0.5)
        rest = max(self.duration - join, 20.0)
        return [
            ("welcome", join + 3),
            ("poll", rest * 0.35),
            ("wall", max(rest * 0.2, self.wall_seconds)),
            ("tables", rest * 0.15),
            ("evaluation", rest * 0.3),
        ]

    def effective_join_window(self) -> float:
        return min(self.join_window, self.duration * 0.5)


class Stage:
    """What the facilitator has made live, and when it changed (monotonic time)."""

    def __init__(self) -> None:
        self.kind = "welcome"
        self.poll_id: int | None = None
        self.changed_at = time.monotonic()
        self.version = 0
        self._changed = asyncio.Event()
        self.over = False

    def set(self, kind: str, poll_id: int | None = None, changed_at: float | None = None) -> None:
        self.kind, self.poll_id = kind, poll_id
        self.changed_at = time.monotonic() if changed_at is None else changed_at
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def finish(self) -> None:
        self.over = True
        self.set("over")

    async def next_change(self, seen_version: int) -> None:
        while self.version == seen_version:
            await self._changed.wait()


@dataclass
class Ledger:
    """Acknowledged (and unacknowledged) submissions, by attendee token."""

    joined: set[str] = field(default_factory=set)
    warm_up: set[str] = field(default_factory=set)  # throwaway visits before measuring
    votes: dict[tuple[str, int], int] = field(default_factory=dict)  # (token, poll) -> option
    notes: dict[str, list[str]] = field(default_factory=dict)
    table_notes: dict[str, list[str]] = field(default_factory=dict)
    evaluations: dict[str, dict[int, int | str]] = field(default_factory=dict)
    unacknowledged: list[str] = field(default_factory=list)
    first_votes: list[tuple[float, float]] = field(default_factory=list)  # (clicked, acknowledged)
    # Sent but not acknowledged since the item's last acknowledgement: item -> the values sent, in order.
    # An item: ("vote", token, poll), ("wall note", token, text), ("table note", text), ("evaluation", token).
    # A POST whose answer never reached the phone (a reset connection) may still be stored: not a loss.
    tries: dict[tuple, list] = field(default_factory=dict)
    join_tries: set[str] = field(default_factory=set)  # devices given a cookie whose join was not acknowledged

    def sent(self, item: tuple, value: object = True) -> None:
        """A submission is about to be sent: unacknowledged until `acknowledged(item)`."""
        self.tries.setdefault(item, []).append(value)

    def acknowledged(self, item: tuple) -> None:
        """The page said the item was saved: what was sent before for it is settled."""
        self.tries.pop(item, None)

    def vote(self, token: str, poll_id: int, option_id: int, clicked: float, acked: float) -> None:
        if (token, poll_id) not in self.votes:
            self.first_votes.append((clicked, acked))
        self.votes[(token, poll_id)] = option_id
