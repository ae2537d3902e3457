"""Push changes of the live activity to attendee screens instead of polling.

Polling costs one script run per phone every few seconds: 1,000 phones at
3 s are 333 runs a second before anyone taps anything, more than one Python
process manages. Instead each attendee screen records what it showed
(`watch`), and one thread per server process reads the live state of all
the watched events a few times a second, in one query, and asks for a rerun
of only the screens that are now out of date, a few at a time so that
people who are voting are not kept waiting behind a thousand redraws. The
state is read from the database, so a change made through another process
or another host reaches these screens too.

This module is plain Python: how a rerun is requested is injected
(`eventkit.ui.live` does it with Streamlit's runtime), so it is tested
without a server. The whole sequence is in eventkit/live/README.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from ..models import Live, Poll
from ..storage import LiveSignature, StorageFault, Store, StoreError

log = logging.getLogger(__name__)


class Outcome(Enum):
    """What became of a request to rerun one screen."""

    ASKED = "asked"  # a rerun was started
    BUSY = "busy"  # the screen is running a script (e.g. a vote): try again soon
    GONE = "gone"  # the phone disconnected: stop watching it


def signature(now: Live, poll: Poll | None) -> LiveSignature:
    """What an attendee screen shows of the live activity, from what it drew; a change means redraw.

    The same type as the database's view (Store.live_signatures), field by field.
    """
    return LiveSignature(
        now.kind, now.poll_id, poll.state if poll else None, poll.results_visible if poll else None, now.eval_open
    )


def live_signatures(store: Store, event_ids: Iterable[int]) -> dict[int, LiveSignature]:
    """Each event's signature read from the database in one query (the watcher's view)."""
    return store.live_signatures(set(event_ids))


def live_signature(store: Store, event_id: int) -> LiveSignature:
    """One event's signature read from the database."""
    found = live_signatures(store, [event_id])
    if event_id not in found:
        raise StoreError("No such event.")
    return found[event_id]


@dataclass
class _Watch:
    event_id: int
    shown: LiveSignature
    part: str = ""  # the fragment that shows the live activity; "" = the whole page
    asked_at: float = 0.0  # monotonic time a rerun was requested; 0 = none pending


class LivePush:
    """Keeps attendee screens in step with the live activity of their event.

    `signatures(event_ids)` reads {event id: signature} for the watched
    events at once (an event that is gone is left out);
    `rerun(parts)` is called with a batch {screen id: part to redraw} and
    returns an Outcome for each screen; `on_change(event_id)` runs once when an
    event's live state is seen to change (to drop cached reads before the
    redraws read them).
    """

    def __init__(
        self,
        signatures: Callable[[set[int]], dict[int, LiveSignature]],
        rerun: Callable[[dict[str, str]], dict[str, Outcome]],
        on_change: Callable[[int], None] = lambda event_id: None,
        *,
        in_flight: int = 32,
        retry_after: float = 5.0,
    ) -> None:
        self._signatures = signatures
        self._rerun = rerun
        self._on_change = on_change
        self.in_flight = in_flight  # reruns pending at once: small keeps votes fast
        self.retry_after = retry_after  # a rerun not confirmed by then is asked again
        self._watches: dict[str, _Watch] = {}
        self._last_seen: dict[int, LiveSignature] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, screen_id: str, event_id: int, shown: LiveSignature, part: str = "") -> None:
        """Record what a screen has just drawn (also confirms a requested rerun).

        `part` names the fragment that draws the live activity: redrawing only
        it costs the server about half a whole page.
        """
        with self._lock:
            self._watches[screen_id] = _Watch(event_id, shown, part)

    def shown(self, screen_id: str) -> LiveSignature | None:
        """What a screen last drew of the live activity (None if not watched)."""
        with self._lock:
            watch = self._watches.get(screen_id)
            return watch.shown if watch else None

    def forget(self, screen_id: str) -> None:
        """Stop keeping a screen in step (it left the attendee pages)."""
        with self._lock:
            self._watches.pop(screen_id, None)

    def watched(self) -> int:
        """How many screens are being kept in step."""
        with self._lock:
            return len(self._watches)

    def step(self, now: float | None = None) -> int:
        """Ask for reruns of out-of-date screens; returns how many are still out of date."""
        now = time.monotonic() if now is None else now
        with self._lock:
            snapshot = list(self._watches.items())
        current = self._current({w.event_id for _, w in snapshot})
        stale = [(sid, w) for sid, w in snapshot if w.event_id in current and w.shown != current[w.event_id]]
        waiting = {sid for sid, w in stale if w.asked_at and now - w.asked_at < self.retry_after}
        due = [sid for sid, _ in stale if sid not in waiting]
        batch = due[: max(0, self.in_flight - len(waiting))]
        if batch:
            self._ask(batch, now)
        return len(stale)

    def _ask(self, batch: list[str], now: float) -> None:
        # Marked before asking: a quick rerun may confirm (watch) before rerun() returns.
        parts = {}
        with self._lock:
            for screen_id in batch:
                if screen_id in self._watches:
                    self._watches[screen_id].asked_at = now
                    parts[screen_id] = self._watches[screen_id].part
        outcomes = self._rerun(parts)
        with self._lock:
            for screen_id, outcome in outcomes.items():
                watch = self._watches.get(screen_id)
                if outcome is Outcome.GONE:
                    self._watches.pop(screen_id, None)
                elif outcome is Outcome.BUSY and watch is not None and watch.asked_at == now:
                    watch.asked_at = 0.0  # its own run will redraw it, or the next step asks

    def _current(self, event_ids: set[int]) -> dict[int, LiveSignature]:
        """Each watched event's live signature; none this tick if the database cannot be read."""
        if not event_ids:
            return {}
        try:
            found = self._signatures(event_ids)
        except StorageFault:  # a full disk, a database out of reach: the store logged it once
            return {}
        except (StoreError, OSError, ValueError) as err:  # e.g. the database is very busy
            log.warning("live push: cannot read the live state: %s", err)
            return {}
        for event_id, seen in found.items():
            # Also at the first sight of an event: another process may have changed it
            # just before, while this one's answers still hold the state before.
            if self._last_seen.get(event_id) != seen:
                self._on_change(event_id)
            self._last_seen[event_id] = seen
        return found

    def start(self, idle_tick: float = 0.25, busy_tick: float = 0.01) -> None:
        """Run `step` on a daemon thread: every idle_tick, or busy_tick while screens wait."""
        if self._thread is not None:
            return

        def loop() -> None:
            while True:
                try:
                    behind = self.step()
                except Exception:  # never let one bad tick stop every screen following
                    log.exception("live push step failed")
                    behind = 0
                time.sleep(busy_tick if behind else idle_tick)

        self._thread = threading.Thread(target=loop, name="eventkit-live-push", daemon=True)
        self._thread.start()
