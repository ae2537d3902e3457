"""The event stream HTML phones follow the room by (issue 20): the hub, and GET /e/CODE/events over HTTP.

The hub (eventkit/live/hub.py) is tested on its own event loop; the route on
a real uvicorn server in a thread (a stream never ends by itself, which
Starlette's TestClient cannot read), with the app's lifespan, so its
shutdown is tested too.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import socket
import threading
import time

import pytest
import uvicorn
from starlette.applications import Starlette

from eventkit.access.console import Console
from eventkit.live import hub as hub_module
from eventkit.live import live_signatures
from eventkit.live.hub import StreamHub
from eventkit.storage import LiveSignature, Store, default_path
from eventkit.web import asgi, stream
from eventkit.web import store as web_store

PASSCODE = "fife-demo"


def _run(coro):
    return asyncio.run(coro)


async def _next(queue: asyncio.Queue, timeout: float = 3.0):
    return await asyncio.wait_for(queue.get(), timeout)


def test_a_write_through_the_store_reaches_a_stream_at_once(app_db):
    store, event = app_db
    poll = store.list_polls(event.id)[0]
    console = Console.unlock(store, event.id, PASSCODE)

    async def scenario():
        hub = StreamHub(lambda ids: live_signatures(store, ids), tick=60)  # no tick: only the wake-up
        hub.listen_to(store)
        hub.start()
        s = hub.open(event.id)
        first = await _next(s.queue)
        await asyncio.to_thread(console.open_poll, poll.id)
        await asyncio.to_thread(store.set_live, event.id, "poll", poll.id)
        started = time.monotonic()
        seen = await _next(s.queue, 30)
        while seen.poll_state != "open" or seen.kind != "poll":
            seen = await _next(s.queue)
        waited = time.monotonic() - started
        await hub.stop()
        return first, seen, waited

    first, seen, waited = _run(scenario())
    assert first.kind == "welcome"
    assert (seen.kind, seen.poll_id, seen.poll_state) == ("poll", poll.id, "open")
    assert waited < 1


def test_a_write_from_another_process_reaches_a_stream_through_the_signature_poll(app_db):
    store, event = app_db
    poll = store.list_polls(event.id)[1]
    other = Store(str(default_path()))  # another process's Store on the same database: the hub hears nothing from it

    async def scenario():
        hub = StreamHub(lambda ids: live_signatures(store, ids), tick=0.1)
        hub.listen_to(store)
        hub.start()
        s = hub.open(event.id)
        await _next(s.queue)
        await asyncio.to_thread(other.set_poll_state, poll.id, "open")
        await asyncio.to_thread(other.set_live, event.id, "poll", poll.id)
        seen = await _next(s.queue)
        while seen.kind != "poll":
            seen = await _next(s.queue)
        await hub.stop()
        return seen

    assert _run(scenario()) == LiveSignature("poll", poll.id, "open", False, False)


def test_a_write_through_the_staff_pages_store_of_the_process_wakes_the_hub(app_db):
    store, event = app_db
    staff_store = Store(str(default_path()))  # the Streamlit side's own Store, in the same process
    hub_module.wake_hubs_on_writes_of(staff_store)

    async def scenario():
        hub = StreamHub(lambda ids: live_signatures(store, ids), tick=60)  # no tick: only the wake-up
        hub.listen_to(store)
        hub.start()
        s = hub.open(event.id)
        await _next(s.queue)
        await asyncio.to_thread(staff_store.set_live, event.id, "wall")
        seen = await _next(s.queue, 2)
        await hub.stop()
        return seen

    assert _run(scenario()).kind == "wall"


class _Fake:
    """A signature source that changes at every read (and counts the reads)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, ids: set[int]) -> dict[int, LiveSignature]:
        self.calls += 1
        return {i: LiveSignature("poll", self.calls, "open", False, False) for i in ids}


def test_a_stream_that_does_not_read_is_dropped_not_buffered():
    fake = _Fake()

    async def scenario():
        hub = StreamHub(fake, tick=60)
        reader, idle = hub.open(1), hub.open(1)
        for _ in range(hub_module.QUEUE_SIZE + 3):
            await hub.step()
            reader.queue.get_nowait()  # this phone keeps up
        ended = [idle.queue.get_nowait() for _ in range(idle.queue.qsize())]
        return hub.open_streams(), ended, reader.queue.qsize()

    open_streams, ended, unread = asyncio.run(scenario())
    assert open_streams == 1  # the one that reads
    assert ended == [None]  # the dropped stream holds only its end
    assert unread == 0


def test_no_stream_means_no_query_and_the_last_stream_stops_them():
    fake = _Fake()

    async def scenario():
        hub = StreamHub(fake, tick=0.02)
        hub.start()
        await asyncio.sleep(0.3)
        idle = fake.calls
        s = hub.open(7)
        await asyncio.sleep(0.3)
        following = fake.calls - idle
        hub.close(s)
        await asyncio.sleep(0.1)
        stopped_at = fake.calls
        await asyncio.sleep(0.3)
        await hub.stop()
        return idle, following, fake.calls - stopped_at

    idle, following, after = asyncio.run(scenario())
    assert idle == 0
    assert following >= 5  # about one query a tick for the event, whatever the number of phones
    assert after == 0


def test_one_query_a_tick_for_every_stream_of_every_event():
    fake = _Fake()

    async def scenario():
        hub = StreamHub(fake, tick=60)
        streams = [hub.open(event_id) for event_id in (1, 2) for _ in range(50)]
        await hub.step()
        return [s.queue.qsize() for s in streams]

    sizes = asyncio.run(scenario())
    assert fake.calls == 1 and sizes == [1] * 100


# --- Over HTTP ----------------------------------------------------------------------------


@contextlib.contextmanager
def _server():
    web_store.forget()
    app = Starlette(routes=asgi.routes(), middleware=asgi.middleware(), lifespan=asgi.lifespan)
    # Bound and listening before the lifespan starts, as Streamlit's st.App runner does.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = uvicorn.Server(uvicorn.Config(app, port=sock.getsockname()[1], log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(15)
        assert not thread.is_alive(), "the server did not stop: an open stream kept it"


def _read_events(response, until, timeout: float = 10) -> list[str]:
    """The stream's blocks (separated by a blank line) until `until(blocks)` holds."""
    blocks, current = [], []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not until(blocks):
        line = response.readline().decode()
        if line == "":
            break
        if line == "\n":
            blocks.append("".join(current))
            current = []
        else:
            current.append(line)
    return blocks


def _data(block: str) -> dict:
    return json.loads(next(line[6:] for line in block.splitlines() if line.startswith("data: ")))


def test_the_stream_route_sends_the_state_heartbeats_and_a_console_action(app_db, monkeypatch):
    store, event = app_db
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 0.3)
    poll = store.list_polls(event.id)[0]
    with _server() as server:
        port = server.config.port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/e/{event.code}/events")
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        first = _read_events(response, lambda b: len(b) >= 3 and b[-1].startswith(":"))
        Console.unlock(store, event.id, PASSCODE).open_poll(poll.id)
        store.set_live(event.id, "poll", poll.id)
        later = _read_events(response, lambda b: any("open" in x for x in b))
        missing = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        missing.request("GET", "/e/NOSUCH/events")
        gone = missing.getresponse().status
        server.should_exit = True  # shutdown ends the open stream (the lifespan stops the hub)
        rest = response.read()
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-cache" and headers["x-accel-buffering"] == "no"
    assert first[0].startswith("retry: ")
    assert first[1].startswith("event: live\n") and _data(first[1])["kind"] == "welcome"
    assert first[2].startswith(": ")  # the heartbeat, a comment
    changed = [_data(b) for b in later if b.startswith("event: live")]
    assert changed[-1]["live"] == f"poll|{poll.id}|open|False|False"
    assert changed[-1]["poll_state"] == "open" and changed[-1]["poll_id"] == poll.id
    assert gone == 204  # EventSource stops asking
    assert b"event: live" not in rest


def test_open_streams_hold_no_database_connection(app_db, monkeypatch):
    store, event = app_db
    engine_class = type(store.engine)
    borrow = engine_class.borrow
    lent = []  # connections lent out now (SQLite: the -wal file can go once none is held)

    @contextlib.contextmanager
    def counted(self):
        with borrow(self) as db:
            lent.append(db)
            try:
                yield db
            finally:
                lent.remove(db)

    monkeypatch.setattr(engine_class, "borrow", counted)
    with _server() as server:
        responses = []
        for _ in range(12):
            connection = http.client.HTTPConnection("127.0.0.1", server.config.port, timeout=10)
            connection.request("GET", f"/e/{event.code}/events")
            response = connection.getresponse()
            _read_events(response, lambda b: len(b) >= 2)  # retry, then the state: the stream is open
            responses.append(response)
        time.sleep(1)  # the hub looks about 4 times meanwhile, for all 12 streams
        held = len(lent)
        server.should_exit = True
    assert held == 0


def test_the_message_carries_the_string_the_now_page_records(app_db):
    store, event = app_db
    web_store.forget()
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "revealed")
    store.set_live(event.id, "poll", poll.id)
    from eventkit.web import now

    on_page = now.live_now(event.id)
    carried = _data(stream.message(live_signatures(store, [event.id])[event.id]))["live"]
    assert carried == on_page


@pytest.fixture(autouse=True)
def _fresh_pages():
    yield
    web_store.forget()


def test_the_now_page_with_its_script_stays_far_under_a_30_kb_first_visit(app_db):
    from eventkit.web import render
    from tests.web_client import Phone, web_app

    _store, event = app_db
    phone = Phone(web_app(), event.code)
    joined = phone.join()
    page = phone.now()
    script = render.script()
    assert script in page.text  # inline, allowed by its hash
    assert len(script.encode()) < 2_000
    assert len(joined.content) + len(page.content) < 30_000


def test_a_refused_read_is_logged_once_until_a_read_succeeds_not_every_tick(caplog):
    """The database too busy (PostgreSQL's pool after an outage): the streams keep what they show,
    and the log says so once, not four times a second; a read that succeeds ends it."""
    from eventkit.storage import StoreError

    refusing = {"now": True}

    def signatures(ids):
        if refusing["now"]:
            raise StoreError("The server is very busy")
        return {}

    async def scenario():
        hub = StreamHub(signatures, tick=0.02)
        hub.open(7)
        for _ in range(5):
            assert await hub.step() == 0
        refusing["now"] = False
        await hub.step()
        refusing["now"] = True
        await hub.step()

    caplog.set_level("INFO")
    asyncio.run(scenario())
    said = [r.getMessage() for r in caplog.records if "cannot read the live state" in r.getMessage()]
    assert len(said) == 2, said  # once for the first refusals, once after the good read
