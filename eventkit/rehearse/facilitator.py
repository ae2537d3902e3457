"""The facilitator's side of a rehearsal: the running order, and the projector.

The driver plays the facilitator through the Store API on the same database
file the server uses (set_live, poll open/close, evaluation open), like the
control panel does. The projector is one more Streamlit client on
/projector?event=CODE; it reads the vote count off its own screen, so a vote
counts as visible when the projector's screen shows it. If the projector
page shows no count, it falls back to polling Store.vote_count (and says so).
"""

from __future__ import annotations

import asyncio
import re
import time

from ..models import Event, Poll
from ..storage import Store
from .client import StreamlitSession
from .metrics import Recorder, ResourceLog
from .scenario import Ledger, Settings, Stage

AFTER_CLOSE_SECONDS = 4.0  # the projector keeps showing the count ("voting closed") meanwhile
COUNT = re.compile(r"(\d[\d,]*)\s+(?:votes?|answers?|responses?)\b", re.IGNORECASE)


def choice_polls(store: Store, event: Event) -> list[Poll]:
    return [p for p in store.list_polls(event.id) if p.kind == "choice" and p.options]


async def drive(settings: Settings, store: Store, event: Event, stage: Stage, resources: ResourceLog) -> None:
    """Make each activity live in turn, for as long as the running order says."""
    poll = choice_polls(store, event)[0]
    await asyncio.to_thread(store.set_eval_open, event.id, False)
    for kind, seconds in settings.phases():
        if kind == "poll":
            await asyncio.to_thread(store.set_poll_state, poll.id, "open")
            stage.set("poll", poll.id, changed_at=await _committed(store.set_live, event.id, "poll", poll.id))
        elif kind == "evaluation":
            await asyncio.to_thread(store.set_eval_open, event.id, True)
            await asyncio.sleep(2)  # the facilitator opens the form, then puts it on screens
            stage.set(kind, changed_at=await _committed(store.set_live, event.id, kind))
        else:
            stage.set(kind, changed_at=await _committed(store.set_live, event.id, kind))
        await asyncio.sleep(seconds)
        if kind == "welcome":
            resources.take("all_joined_idle")
        if kind == "poll":
            stage.set("closed", poll.id, changed_at=await _committed(store.set_poll_state, poll.id, "closed"))
            await asyncio.sleep(3)  # the room looks at the closed count before moving on
    await asyncio.to_thread(store.set_live, event.id, "welcome")
    stage.finish()


async def _committed(write, *args) -> float:
    """Run a facilitator's write off the event loop; the moment it was committed.

    Screens can follow from that moment, whereas this loop (busy with every
    simulated phone) may only get back to the facilitator later.
    """

    def write_then_clock() -> float:
        write(*args)
        return time.monotonic()

    return await asyncio.to_thread(write_then_clock)


class Projector:
    """Watches how many votes the projector shows, against the acknowledged ones."""

    def __init__(self, settings: Settings, store: Store, recorder: Recorder) -> None:
        self.settings, self.store, self.recorder = settings, store, recorder
        self.session: StreamlitSession | None = None
        self.source = "none"
        self.shown: list[tuple[float, int]] = []  # (when, votes on screen), when it changed
        self.baseline = 0

    def shown_count(self) -> int | None:
        """The largest 'N votes' figure on the projector's screen, if any."""
        numbers = (
            [int(m[1].replace(",", "")) for s in self.session.elements.values() for m in COUNT.finditer(s.text)]
            if self.session
            else []
        )
        return max(numbers) if numbers else None

    async def start(self) -> None:
        if not self.settings.projector:
            return
        self.session = StreamlitSession(self.settings.url, "projector", f"event={self.settings.event_code}")
        try:
            await self.session.open(self.settings.timeout)
            await self.session.wait_for(lambda s: s.runs_finished, self.settings.timeout)
        except Exception as err:
            self.recorder.error(f"projector: {type(err).__name__}: {err}"[:200])
            self.session = None

    async def watch(self, stage: Stage) -> None:
        """During the poll, note each moment the projector's count changes."""
        while not stage.over:
            if stage.kind != "poll":
                await asyncio.sleep(0.05)
                continue
            poll_id = stage.poll_id
            if poll_id is None:
                await asyncio.sleep(0.05)
                continue
            self.baseline = await asyncio.to_thread(self.store.vote_count, poll_id)
            from_page = await self._shows_count()
            self.source = "projector page" if from_page else "Store.vote_count (fallback: no count on the projector)"
            closed_at = None
            while closed_at is None or time.monotonic() - closed_at < AFTER_CLOSE_SECONDS:
                if closed_at is None and not (stage.kind == "poll" and stage.poll_id == poll_id):
                    closed_at = time.monotonic()  # the last votes may still be on their way
                count = self.shown_count() if from_page else await asyncio.to_thread(self.store.vote_count, poll_id)
                if count is None:
                    await asyncio.sleep(0.05)
                    continue
                if not self.shown or self.shown[-1][1] != count:
                    self.shown.append((time.monotonic(), count))
                await asyncio.sleep(0.05)

    async def _shows_count(self, wait: float = 20.0) -> bool:
        """Whether the projector's screen shows a vote count once the poll is up (a loaded
        server may take a while to redraw it; until then votes are not counted as seen)."""
        if self.session is None:
            return False
        try:
            await self.session.wait_for(lambda s: self.shown_count() is not None, wait)
            return True
        except Exception:
            return False

    def visible_latencies(self, ledger: Ledger) -> None:
        """Vote (tap) to visible: the k-th acknowledged new vote is visible once the screen shows k."""
        firsts = sorted(ledger.first_votes, key=lambda v: v[1])
        for k, (clicked, _acked) in enumerate(firsts, start=1):
            seen = next((t for t, n in self.shown if n - self.baseline >= k), None)
            if seen is None:
                self.recorder.error(f"projector never showed vote #{k}")
            else:
                self.recorder.timing("vote_visible", max(seen - clicked, 0.0))

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
