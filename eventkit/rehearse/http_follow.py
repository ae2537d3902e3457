"""What a simulated phone's Now page does to follow the room until the phone leaves it.

As follow.js: an event stream (http_stream.py) on a connection of its own, and
Now loaded again when a message's `live` differs from the page's; a stream
silent for 10 s, or refused, and the page asks /e/CODE/live every 4 s instead.
Without JavaScript, the page's <noscript> refresh: Now again every 10 s. A
page with neither (the estimate box, kept while it is there) just stays.
Leaving the page (another page loaded, or Now loaded anew) ends it, as a
browser closes a page's EventSource.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Protocol

from .client import ProtocolError
from .crowd import Crowd
from .http_phone import Browser, Reply, refresh_seconds, stream_path
from .http_stream import EventStream, StreamRefused
from .scenario import Settings


class Phone(Protocol):
    """What following needs of the phone (http_attendee.HttpAttendee)."""

    n: int
    s: Settings
    crowd: Crowd
    browser: Browser
    base: str
    live: str  # what the Now page on screen shows as live
    script: bool  # JavaScript on

    async def load_now(self, what: str = "follow") -> None: ...

    async def fetch(self, what: str, method: str, target: str, form: dict[str, str] | None = None) -> Reply: ...


STREAM_SILENT_S = 10.0  # follow.js: no message within this, and it asks /live instead
POLL_S = 4.0  # follow.js's interval when it asks /live


class NowFollower:
    """The following of the Now page a phone has on screen (one task per page)."""

    def __init__(self, phone: Phone) -> None:
        self.phone = phone
        self._task: asyncio.Task | None = None
        self._ending: set[asyncio.Task] = set()  # pages left, their following cancelled, not yet finished

    def start(self, page: str) -> None:
        """A Now page is on screen: the previous page's following ends and this one's starts."""
        self.stop()
        self._task = asyncio.create_task(self._follow_page(page))

    def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            self._ending.add(task)
            task.add_done_callback(self._ending.discard)

    async def close(self) -> None:
        """The phone is put away: end the page's following and wait until every one has ended (its
        stream closed), so nothing is left pending when the rehearsal's loop closes."""
        self.stop()
        ending = [t for t in self._ending if t is not asyncio.current_task()]
        if ending:
            await asyncio.wait(ending)

    async def _follow_page(self, page: str) -> None:
        """What the Now page on screen does until it is left: follow.js (the event stream, or asking
        /live every 4 s when the stream is refused or silent), or without JavaScript its <noscript>
        refresh. A page without either (the estimate box, kept while it is there) just stays."""
        try:
            if not self.phone.script:
                if refresh := refresh_seconds(page):
                    await asyncio.sleep(refresh)
                    await self.phone.load_now()
            elif stream_target := stream_path(page):
                await self._follow_stream(stream_target)
        except asyncio.CancelledError:
            raise
        except (ProtocolError, TimeoutError, OSError) as err:
            self.phone.crowd.recorder.error(f"attendee {self.phone.n}, following: {type(err).__name__}: {err}"[:200])

    async def _follow_stream(self, target: str) -> None:
        """follow.js: an EventSource on the page's stream; a message whose `live` differs from the
        page's loads Now again. No message within 10 s (or a refused stream): ask /live instead."""
        rec = self.phone.crowd.recorder
        stream = EventStream(self.phone.s.url, target, dict(self.phone.browser.cookies), self.phone.s.timeout)
        rec.count("streams_opened")
        try:
            async with asyncio.timeout(STREAM_SILENT_S) as silence, contextlib.aclosing(stream.messages()) as read:
                async for message in read:
                    if message.event != "live":
                        continue
                    silence.reschedule(None)  # heard: no fallback
                    rec.count("stream_messages")
                    if json.loads(message.data).get("live") != self.phone.live:
                        rec.count("follows")
                        await self.phone.load_now()
                        return
        except TimeoutError:
            rec.count("streams_silent")
        except StreamRefused:
            rec.count("streams_refused")
        finally:
            await stream.close()
            rec.count("bytes_follow", stream.wire_bytes)
            rec.count("stream_reconnects", max(stream.connects - 1, 0))
        await self._poll_live()

    async def _poll_live(self) -> None:
        """follow.js without a working stream: ask /live every 4 s (8 s after a failure) until it changes."""
        while True:
            try:
                reply = await self.phone.fetch("follow", "GET", f"{self.phone.base}/live")
            except (ProtocolError, TimeoutError, OSError):
                await asyncio.sleep(2 * POLL_S)
                continue
            self.phone.crowd.recorder.count("live_checks")
            if reply.status == 200 and reply.text != self.phone.live:
                self.phone.crowd.recorder.count("follows")
                await self.phone.load_now()
                return
            await asyncio.sleep(POLL_S)
