"""The rehearsal's HTTP phone for the HTML attendee pages (eventkit/rehearse/http_phone.py, http_attendee.py).

The page readers are checked on hand-written inputs (table-driven) and on the
pages the real templates render (so a template change that blinds the phone
fails here, not in a capacity run); the phone itself in a small rehearsal
against a real `streamlit run` server, whose printed links reach the HTML pages.
"""

from __future__ import annotations

import pytest

from eventkit.event.demo import ensure_demo
from eventkit.rehearse import http_phone as read
from eventkit.storage import Store
from eventkit.web import store as web_store
from tests.every import assert_every
from tests.live_server import Server
from tests.web_client import Phone, web_app

TOKEN = '<input type="hidden" name="form_token" value="{}">'
BANNER = '<div class="banner success" role="status"><p>{}</p></div>'
SUMMARY = (
    '<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">\n'
    '<h2 id="error-summary-title">There is a problem</h2>\n<ul>\n{}</ul>\n</div>'
)


@pytest.mark.parametrize(
    "page, expected",
    [
        (TOKEN.format("a1b2c3"), "a1b2c3"),
        ("<form>" + TOKEN.format("x9") + TOKEN.format("other") + "</form>", "x9"),  # the first form's
        ('<input type="hidden" name="poll" value="3">', None),
        ("<p>no form here</p>", None),
        ("", None),
    ],
)
def test_form_token_is_read_from_the_page(page, expected):
    assert read.form_token(page) == expected


@pytest.mark.parametrize(
    "page, expected",
    [
        (BANNER.format("Saved: your answer “Yes”."), "Saved: your answer “Yes”."),
        (BANNER.format("Saved: your answer &ldquo;A &amp; B&rdquo;."), "Saved: your answer “A & B”."),
        (BANNER.format("Thanks! Your note is on the wall."), "Thanks! Your note is on the wall."),
        (BANNER.format("Thanks: your +1 is counted."), "Thanks: your +1 is counted."),
        ('<div class="banner"><p>You were wrong this time.</p></div>', None),  # a verdict, not a confirmation
        ('<p class="inset">Your answer “Yes” is recorded.</p>', None),  # recorded earlier, not saved now
        ("", None),
    ],
)
def test_saved_message_is_the_green_banner_only(page, expected):
    assert read.saved_message(page) == expected


@pytest.mark.parametrize(
    "page, expected",
    [
        (SUMMARY.format('<li><a href="#answer">Voting has closed.</a></li>\n'), ["Voting has closed."]),
        (
            SUMMARY.format(
                '<li><a href="#note">Too long.</a></li>\n<li><a href="#note">Posting &lt;fast&gt;.</a></li>\n'
            ),
            ["Too long.", "Posting <fast>."],
        ),
        (BANNER.format("Saved: your answer “Yes”."), []),
        ("", []),
    ],
)
def test_error_messages_are_the_error_summary(page, expected):
    assert read.error_messages(page) == expected


def _option(option_id: int, label: str) -> str:
    return f'<button class="button option" type="submit" name="option" value="{option_id}">{label}</button>'


@pytest.mark.parametrize(
    "page, expected",
    [
        (
            '<input type="hidden" name="poll" value="4">' + _option(7, "Yes") + _option(8, "✓ No (your answer)"),
            read.ChoiceForm(4, (7, 8), 8),
        ),
        ('<input type="hidden" name="poll" value="4">' + _option(7, "Yes"), read.ChoiceForm(4, (7,), None)),
        ('<input type="hidden" name="poll" value="4"><input type="text" name="estimate">', None),  # an estimate
        ("<h1>Voting has closed</h1>", None),
    ],
)
def test_choice_form_reads_the_poll_options_and_the_chosen_one(page, expected):
    assert read.choice_form(page) == expected


@pytest.mark.parametrize(
    "page, expected",
    [
        (
            '<html lang="en" dir="ltr" data-follow="/e/X/live" data-live="poll|1|open|False|False">',
            "poll|1|open|False|False",
        ),
        ('<html lang="en" dir="ltr" data-live="a&amp;b">', "a&b"),
        ('<html lang="en" dir="ltr">', None),
    ],
)
def test_live_value_is_the_html_elements(page, expected):
    assert read.live_value(page) == expected


@pytest.mark.parametrize(
    "page, expected",
    [
        ('<html lang="en" dir="ltr" data-follow="/e/X/live" data-stream="/e/X/events" data-live="w">', "/e/X/events"),
        ('<html lang="en" dir="ltr">', None),
    ],
)
def test_stream_path_is_the_html_elements(page, expected):
    assert read.stream_path(page) == expected


@pytest.mark.parametrize(
    "page, expected",
    [
        ('<noscript><meta http-equiv="refresh" content="10; url=/e/X"></noscript>', 10),
        ('<meta http-equiv="refresh" content="10; url=/e/X">', None),  # only the one for pages without script
        ("<p>no refresh</p>", None),
    ],
)
def test_refresh_seconds_is_the_noscript_refresh(page, expected):
    assert read.refresh_seconds(page) == expected


def test_the_readers_understand_the_real_pages(app_db):
    """Rendered by eventkit/web's templates: a change there that blinds the phone fails here."""
    store, event = app_db
    phone = Phone(web_app(), event.code)
    phone.join()
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice" and p.options)
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    web_store.reads().expire_all()
    before = phone.now().text
    phone.vote(poll.id, poll.options[1].id)
    after = phone.now(saved="1").text
    prompt = store.list_prompts(event.id)[0]
    phone.post("wall/post", {"prompt": str(prompt.id), "note": "A note to agree with"})
    other = Phone(web_app(), event.code)
    other.join()
    wall = other.client.get(f"/e/{event.code}/wall?q={prompt.id}&posted=visible").text
    web_store.reads().expire_all()
    checks = {
        "form token": read.form_token(before) is not None and read.form_token(before) == phone.form_token(),
        "vote form": read.choice_form(before) == read.ChoiceForm(poll.id, tuple(o.id for o in poll.options), None),
        "chosen after the vote": (read.choice_form(after) or read.ChoiceForm(0, (), None)).chosen == poll.options[1].id,
        "saved banner": (read.saved_message(after) or "").startswith("Saved: your answer"),
        "live value": read.live_value(before) == phone.client.get(f"/e/{event.code}/live").text,
        "event stream": read.stream_path(before) == f"/e/{event.code}/events",
        "noscript refresh on Now": read.refresh_seconds(phone.now().text) == 10,
        "wall question shown": read.shown_prompt(wall) == prompt.id and prompt.id in read.wall_prompts(wall),
        "wall banner": read.saved_message(wall) == "Thanks! Your note is on the wall.",
        "+1 forms": len(read.agreeable_notes(wall)) == 1,
        "no error on a fine page": read.error_messages(after) == [],
    }
    assert_every(checks.items(), _holds)


def _holds(ok: bool, context: object = None) -> None:
    assert ok, context


@pytest.fixture(scope="module")
def html_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("html-server")
    ensure_demo(Store(workdir / "eventkit.db"))
    server = Server(workdir / "eventkit.db", workdir / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.mark.slow  # a real server, about 60 s
def test_html_phones_join_vote_post_and_the_database_holds_exactly_that(html_server, capfd):
    from eventkit.rehearse.runner import rehearse
    from eventkit.rehearse.scenario import Settings

    result = rehearse(
        Settings(
            url=html_server.url,
            event_code="FIFE16",
            attendees=10,
            duration=34,
            join_window=6,
            db=str(html_server.db),
            server_pid=html_server.proc.pid,
            seed=3,
            vote_share=1.0,
            wall_share=1.0,
            noscript_share=0.3,  # seed 3: 3 of the 10 phones have JavaScript off and follow by their refresh
            # A phone on the wall reads (1-4 s) and types (3-10 s) after following it: 20 s give every
            # phone its turn on a loaded machine (a 6.8 s wall once left one phone without a note).
            wall_seconds=20,
        )
    )
    latency, counts = result["latency"], result["counts"]
    noscript = counts.get("phones_without_javascript", 0)
    scripted = 10 - noscript  # the JavaScript-off phones may reach a short poll or the wall too late to take part
    stderr = capfd.readouterr().err
    checks = {
        "no errors": result["errors"] == 0,
        "every phone joined": latency["join"]["n"] == 10,
        "every phone with JavaScript voted": scripted <= counts.get("votes", 0) <= latency["vote_ack"]["n"],
        "every phone with JavaScript followed by its stream": latency["follow"]["n"] >= scripted,
        "followed by the event stream": counts.get("stream_messages", 0) >= 10 and not counts.get("live_checks"),
        # a phone without JavaScript follows by its <noscript> refresh (10 s), each change within it
        "some phones without JavaScript": noscript >= 1,
        "phones without JavaScript followed": latency["follow_noscript"]["n"] >= noscript,
        "by their 10 s refresh": 0 < (latency["follow_noscript"]["max_ms"] or 99_000) <= (10 + 3) * 1000,
        "every phone with JavaScript posted": counts.get("wall_notes", 0) >= scripted,
        "bytes counted": all(counts.get(f"bytes_{w}", 0) > 0 for w in ("join", "follow", "vote", "wall")),
        "database exact": result["database_matches"],
        # the end of the run closes every stream and awaits every follow task: nothing left pending
        "a clean end": not [
            line
            for line in stderr.splitlines()
            if any(w in line for w in ("Task was destroyed", "aclose()", "ignored GeneratorExit"))
        ],
    }
    assert_every([(what, ok, (result, stderr[-2000:])) for what, ok in checks.items()], _holds)


@pytest.mark.slow  # a real server, about 15 s
@pytest.mark.parametrize("noscript", [False, True], ids=["event stream", "javascript off"])
def test_a_phone_follows_by_its_stream_or_without_javascript_by_its_refresh(html_server, noscript):
    import asyncio
    import random
    import time

    from eventkit.rehearse.crowd import Crowd
    from eventkit.rehearse.http_attendee import HttpAttendee
    from eventkit.rehearse.metrics import Recorder
    from eventkit.rehearse.scenario import Ledger, Settings, Stage

    store = Store(html_server.db)
    event = store.event_by_code("FIFE16")
    store.set_live(event.id, "welcome")
    settings = Settings(url=html_server.url, event_code="FIFE16", noscript_share=1.0 if noscript else 0.0)
    crowd = Crowd(settings, Stage(), Ledger(), Recorder(), 4)

    async def follow() -> tuple[float, HttpAttendee]:
        phone = HttpAttendee(crowd, 1, random.Random(1))
        await phone.join()
        await asyncio.sleep(1)
        made = time.monotonic()
        await asyncio.to_thread(store.set_live, event.id, "tables")
        await phone.wait_for(lambda page: "Table discussions" in page, lambda: False)
        took = time.monotonic() - made
        phone._leave_page()
        await phone.browser.close()
        return took, phone

    took, phone = asyncio.run(follow())
    counts = crowd.recorder.counts
    assert phone.script is not noscript
    if noscript:  # the <noscript> refresh: every 10 s, no stream, no /live
        assert took <= 10 + 3 and not counts["streams_opened"] and not counts["live_checks"], (took, counts)
    else:
        assert took <= 3 and counts["streams_opened"] >= 1 and counts["stream_messages"] >= 2, (took, counts)


def _serve_once(answers: list[bytes]):
    """A local server answering each connection with the next of `answers`, then closing it."""
    import asyncio

    async def start():
        async def answer(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answers.pop(0) if answers else b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()
            writer.close()

        return await asyncio.start_server(answer, "127.0.0.1", 0)

    return start


def _chunked(body: bytes, size: int = 7) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


STREAM_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
STREAM_BODY = (
    b'retry: 10\n\n: still here\n\nevent: live\ndata: {"live": "a"}\n\n'
    b'data: one\ndata: two\n\nevent: live\ndata: {"live": "b"}\n\n'
)


@pytest.mark.parametrize(
    "answers, expected",
    [
        (  # plain body: retry taken, the heartbeat skipped, a two-line message joined
            [STREAM_HEAD + b"\r\n" + STREAM_BODY],
            [("live", '{"live": "a"}'), ("message", "one\ntwo"), ("live", '{"live": "b"}'), "refused"],
        ),
        (  # chunked (uvicorn, nginx), cut mid-line by the chunks; then it reconnects after `retry`
            [STREAM_HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(STREAM_BODY)] * 2,
            [("live", '{"live": "a"}'), ("message", "one\ntwo"), ("live", '{"live": "b"}')] * 2 + ["refused"],
        ),
        ([b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n"], ["refused"]),
    ],
    ids=["plain", "chunked, reconnecting", "error status"],
)
def test_the_event_stream_reads_messages_as_eventsource_does(answers, expected):
    import asyncio

    from eventkit.rehearse.http_stream import EventStream, StreamRefused

    async def read() -> tuple[list, EventStream]:
        server = await _serve_once(list(answers))()
        port = server.sockets[0].getsockname()[1]
        stream = EventStream(f"http://127.0.0.1:{port}", "/e/X/events", {"ek_device": "t"}, timeout=5)
        got: list = []
        try:
            async with asyncio.timeout(10):
                async for message in stream.messages():
                    got.append((message.event, message.data))
        except StreamRefused:  # the server's last answer: 204, stop
            got.append("refused")
        server.close()
        return got, stream

    got, stream = asyncio.run(read())
    assert got == expected
    assert stream.wire_bytes > 0 and (stream.retry == 0.01 or expected == ["refused"])


def test_a_request_cancelled_mid_reply_does_not_answer_the_next_one():
    """A follow task's reload cancelled as the phone leaves Now (to its table) left the request's reply
    unread on the keep-alive connection, and the next request (the table's page) read it: the Now page,
    "table page N: HTTP 200 no confirmation" in capacity runs. The connection must go with the request."""
    import asyncio

    from eventkit.rehearse.http_phone import Browser

    async def answer(reader, writer):
        while line := await reader.readline():
            path = line.split()[1].decode()
            while await reader.readline() not in (b"\r\n", b""):
                pass
            if path == "/slow":
                await asyncio.sleep(0.3)
            body = f"page {path}".encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()

    async def run() -> list[str]:
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        browser = Browser(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", timeout=5)
        try:
            slow = asyncio.create_task(browser.get("/slow"))
            await asyncio.sleep(0.1)  # sent, not answered yet
            slow.cancel()
            await asyncio.wait([slow])
            await asyncio.sleep(0.4)  # its late reply has arrived by now
            return [(await browser.get("/table")).text, (await browser.get("/feedback")).text]
        finally:
            await browser.close()
            server.close()

    assert asyncio.run(run()) == ["page /table", "page /feedback"]


def test_a_phone_put_away_leaves_no_task_of_its_following_pending():
    """At the end of a run, a phone's page following (its stream's reader and de-chunking) must be ended
    and awaited, or the loop's close prints "Task was destroyed but it is pending!" by the hundred."""
    import asyncio
    import random

    from eventkit.rehearse.crowd import Crowd
    from eventkit.rehearse.http_attendee import HttpAttendee
    from eventkit.rehearse.metrics import Recorder
    from eventkit.rehearse.scenario import Ledger, Settings, Stage

    serving: set = set()

    async def stream(reader, writer):  # a chunked event stream that says one thing and stays open
        serving.add(asyncio.current_task())
        await reader.readuntil(b"\r\n\r\n")
        writer.write(STREAM_HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (10, b": still\n\n"))
        await writer.drain()
        await asyncio.sleep(30)

    async def run() -> tuple[int, set]:
        server = await asyncio.start_server(stream, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        crowd = Crowd(Settings(url=url, event_code="X", noscript_share=0.0), Stage(), Ledger(), Recorder(), 1)
        phone = HttpAttendee(crowd, 1, random.Random(1))
        phone.following.start('<html lang="en" data-stream="/e/X/events" data-live="w">')
        await asyncio.sleep(0.3)  # the stream is open and its chunk read
        opened = crowd.recorder.counts["streams_opened"]
        await phone.leave()
        left = {t for t in asyncio.all_tasks() if t is not asyncio.current_task() and t not in serving}
        server.close()
        return opened, left

    opened, left = asyncio.run(run())
    assert opened == 1 and left == set(), left
