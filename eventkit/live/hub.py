"""The event-stream hub: tells every open stream of an event when what is live there changes.

HTML phones follow the room through a server-sent event stream
(eventkit/web/stream.py), not by asking every few seconds. Each server
process has one hub, one asyncio task on the server's event loop:

- a write through a Store the hub listens to (`listen_to`: the Store's
  `subscribe`, in the writing thread; `wake_hubs_on_writes_of` for the staff
  pages' Store of the same process) wakes the task at once, handed over with
  `loop.call_soon_threadsafe`;
- otherwise the task looks every `tick` seconds, so writes made by other
  processes and hosts reach it too;
- each look is one query (`live_signatures`) for the events that have at least
  one open stream, however many phones; none when no stream is open.

A message per changed event goes to each of its streams' queue. Queues are
bounded: a stream whose queue is full (a phone that does not read) is dropped,
its queue then holds only the end, and the phone's EventSource reconnects
later to the state of that moment. A new stream gets the current state as its
first message, so a change between its page and its stream is not missed.
Plain Python and asyncio; the database read runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from ..storage import LiveSignature, StorageFault, Store, StoreError
from ..storage.stale import EVENT, LIVE, Change

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25  # another process's change reaches this one's streams within this (plus a query)
QUEUE_SIZE = 4  # messages a stream may have unread before it is dropped
Message = LiveSignature | None  # None: the stream ends (dropped, or the server stops)
_HUBS: weakref.WeakSet[StreamHub] = weakref.WeakSet()  # every hub of this process


def wake_hubs_on_writes_of(store: Store) -> None:
    """Wake every hub of this process at once after a write through this Store that changes what is
    live: another Store of the same process (the staff pages', whose Console makes the changes)."""
    store.subscribe(_wake_every_hub)


def _wake_every_hub(change: Change) -> None:
    for hub in list(_HUBS):
        hub.heard(change)


def shown_text(live: LiveSignature) -> str:
    """A signature as the short string a Now page records of what it shows (its data-live)."""
    return "|".join(map(str, live))


@dataclass(eq=False)
class Stream:
    """One open stream: what the hub has for it to send."""

    event_id: int
    queue: asyncio.Queue[Message] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    fresh: bool = True  # still waits for its first message (the current state)


class StreamHub:
    """Per-process fan-out of live changes to open event streams (see the module docstring)."""

    def __init__(
        self,
        signatures: Callable[[set[int]], dict[int, LiveSignature]],
        on_change: Callable[[int], None] = lambda event_id: None,
        *,
        tick: float = TICK_SECONDS,
    ) -> None:
        self._signatures = signatures
        self._on_change = on_change  # e.g. drop this process's shared reads before phones reload
        self.tick = tick
        self._streams: dict[int, set[Stream]] = {}
        self._last: dict[int, LiveSignature] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.reads = 0  # signature queries made (tests count them)
        self._failing = False  # the last read was refused (too busy): its warning is logged already
        # False once the server stops listening: its shutdown waits for open responses to end, so the
        # hub ends the streams itself (the lifespan's shutdown comes only after every response ended).
        self.serving: Callable[[], bool] = lambda: True
        _HUBS.add(self)

    # --- streams (on the event loop) ------------------------------------------------------

    def open(self, event_id: int) -> Stream:
        """A new stream of this event; its first message is the current state."""
        stream = Stream(event_id)
        self._streams.setdefault(event_id, set()).add(stream)
        if self._wake is not None:
            self._wake.set()
        return stream

    def close(self, stream: Stream) -> None:
        """The stream has ended (the phone went, or it was dropped)."""
        streams = self._streams.get(stream.event_id)
        if streams is not None:
            streams.discard(stream)
            if not streams:
                del self._streams[stream.event_id]
                self._last.pop(stream.event_id, None)

    def open_streams(self) -> int:
        return sum(len(s) for s in self._streams.values())

    # --- changes ----------------------------------------------------------------------

    def listen_to(self, store: Store) -> None:
        """Wake at once after a write through this Store that changes what is live."""
        store.subscribe(self.heard)

    def heard(self, change: Change) -> None:
        """Told of a write (in the writing thread): only hand a wake-up to the event loop."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and change.topics & {LIVE, EVENT} and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    async def step(self) -> int:
        """Read the signatures of events with open streams (one query) and send what changed; returns
        how many messages were queued."""
        ids = set(self._streams)
        if not ids:
            return 0
        self.reads += 1
        try:
            found = await asyncio.to_thread(self._signatures, ids)
        except StorageFault:  # the store logged it once; the phones keep what they show
            return 0
        except (StoreError, OSError, ValueError) as err:  # said once until a read succeeds, not every tick
            if not self._failing:
                log.warning("event streams: cannot read the live state: %s", err)
            self._failing = True
            return 0
        self._failing = False
        sent = 0
        for event_id, live in found.items():
            changed = event_id in self._last and self._last[event_id] != live
            if changed:
                self._on_change(event_id)
            self._last[event_id] = live
            for stream in list(self._streams.get(event_id, ())):
                if changed or stream.fresh:
                    sent += self._send(stream, live)
        return sent

    def _send(self, stream: Stream, message: Message) -> int:
        stream.fresh = False
        try:
            stream.queue.put_nowait(message)
            return 1
        except asyncio.QueueFull:  # a phone that does not read: drop it, do not buffer for it
            log.info("event streams: dropped a slow stream of event %s", stream.event_id)
            self._end(stream)
            return 0

    def _end(self, stream: Stream) -> None:
        self.close(stream)
        while not stream.queue.empty():
            stream.queue.get_nowait()
        stream.queue.put_nowait(None)

    # --- the task -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the task on the running event loop (the server's lifespan calls this)."""
        loop = asyncio.get_running_loop()
        if self._task is not None and self._loop is loop and not self._task.done():
            return
        self._loop = loop
        self._wake = asyncio.Event()
        self._task = self._loop.create_task(self._run(), name="eventkit-event-streams")

    def end_all(self) -> None:
        """End every open stream (their phones reconnect, to this server or another)."""
        for streams in list(self._streams.values()):
            for stream in list(streams):
                self._end(stream)

    async def stop(self) -> None:
        """End every stream and the task (server shutdown)."""
        self.end_all()
        task, self._task, self._loop, self._wake = self._task, None, None, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        wake = self._wake
        assert wake is not None
        while True:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for loses a cancel (shutdown) that
            # arrives as the wake-up does.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.tick if self._streams else None):
                    await wake.wait()
            wake.clear()
            if not self.serving():
                self.end_all()
                continue
            try:
                await self.step()
            except Exception:  # never let one bad look stop every phone following
                log.exception("event streams: step failed")
