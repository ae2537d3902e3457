"""GET /e/CODE/events: the server-sent event stream a Now page follows the room by (follow.js).

One message per change of what is live at the event, from the process's
hub (eventkit/live/hub.py), and a first one with the current state:

    event: live
    data: {"live": "poll|3|open|False|False", "kind": "poll", "poll_id": 3, ...}

`live` is the string the page recorded of what it shows (data-live): a page
that already shows that state does nothing; the others load Now again. A
comment line every HEARTBEAT_SECONDS keeps nginx (60 s read timeout) and the
venue's proxies from closing a quiet stream. A stream holds no database
connection: the hub reads for every stream at once. It ends when the phone
goes, when the hub drops it (a phone that does not read) and when the server stops
(it closes its listening socket first, then waits for open responses to end).
"""

from __future__ import annotations

import asyncio
import functools
import json
import socket
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from ..live import live_signatures
from ..live.hub import StreamHub, shown_text
from ..live.reads import SharedReads
from ..models import Event
from ..storage import LiveSignature, StoreError
from .frame import event_or_response
from .store import reads

HEARTBEAT_SECONDS = 20  # under nginx's default proxy_read_timeout of 60 s
RETRY_MS = 3000  # how long a phone's EventSource waits before reconnecting
_STARTED: set[StreamHub] = set()
_LISTENERS: list[socket.socket] = []
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@functools.cache
def _hub_for(shared: SharedReads) -> StreamHub:
    made = StreamHub(lambda ids: live_signatures(shared.store, ids), lambda _event_id: shared.expire_all())
    made.listen_to(shared.store)
    made.serving = still_listening
    return made


def follow_listeners(listeners: list[socket.socket]) -> None:
    """The server's listening sockets (found at start-up): when they close, the server is stopping."""
    _LISTENERS[:] = listeners


def still_listening() -> bool:
    """False once the server has closed its listening sockets (the start of its shutdown)."""
    return all(sock.fileno() >= 0 for sock in _LISTENERS)


def hub() -> StreamHub:
    """This process's hub: it reads through the HTML pages' Store and listens to its writes
    (and to the staff pages' Store's: eventkit/ui/live/adapter.py calls wake_hubs_on_writes_of)."""
    return _hub_for(reads())


async def stop_streams() -> None:
    """End every open stream and the hub's task (the server's lifespan, at shutdown)."""
    for made in list(_STARTED):
        await made.stop()
    _STARTED.clear()


def message(live: LiveSignature) -> str:
    """One event-stream message carrying what is live."""
    data = {"live": shown_text(live), **live._asdict()}
    return f"event: live\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def events(request: Request) -> Response:
    """GET /e/CODE/events (text/event-stream)."""
    try:
        found = await run_in_threadpool(event_or_response, request)
    except StoreError:  # the database cannot answer now (logged once by the store): EventSource tries
        return StreamingResponse(_try_again_soon(), media_type="text/event-stream", headers=HEADERS)
    if not isinstance(found, Event):  # no such event, closed, or a redirect to the code's spelling
        return found if found.status_code == 303 else PlainTextResponse("", status_code=204, headers=HEADERS)
    # 204 tells EventSource to stop reconnecting: the page's own reload says why.
    return StreamingResponse(follow(found.id), media_type="text/event-stream", headers=HEADERS)


async def _try_again_soon() -> AsyncIterator[str]:
    """A stream that ends at once, saying when to reconnect: a 503 would make EventSource give up
    (only a dropped connection is retried), leaving the page on its slower polling."""
    yield f"retry: {RETRY_MS}\n\n"


async def follow(event_id: int) -> AsyncIterator[str]:
    """The stream's text: the retry hint, then messages and heartbeats until it ends."""
    current = hub()
    current.start()  # on the server's loop (idempotent)
    _STARTED.add(current)
    stream = current.open(event_id)
    try:
        yield f"retry: {RETRY_MS}\n\n"
        while True:
            try:
                async with asyncio.timeout(HEARTBEAT_SECONDS):  # not wait_for: 3.11's can lose a cancel
                    live = await stream.queue.get()
            except TimeoutError:
                yield ": still here\n\n"
                continue
            if live is None:  # dropped, or the server stops
                return
            yield message(live)
    finally:  # the phone went (the response was cancelled) or the stream ended
        current.close(stream)
