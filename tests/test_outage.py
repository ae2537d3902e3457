"""A real PostgreSQL stops while phones and staff screens use the event, then starts again (issue 22, §1).

Each test starts a throwaway cluster of its own (never the one $EVENTKIT_TEST_PG
names: other tests use it), stops it with `pg_ctl stop -m immediate` (as a
crash or a pulled cable would) while phones keep asking, then starts it again.
The HTML phone pages (eventkit/web) must answer 503 with a plain page saying
the event's data cannot be reached and a Try again link (never Starlette's
"Internal Server Error", never a traceback); a phone that posts keeps what it
typed; the event stream ends cleanly so EventSource comes back; staff screens
say it with Try again (never Streamlit's crash page); the log names the cause
once; and everything works again within seconds of PostgreSQL answering, not
after the pool's reconnection backoff. The pool's "very busy" (every
connection in use) is said the same way, on phones and on staff screens.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from eventkit.event.demo import DEMO_PASSCODE
from eventkit.storage import db as storage_db
from eventkit.storage.errors import BUSY_MESSAGE, FAULT_MESSAGE
from eventkit.storage.faults import FAULTS
from eventkit.web import store as web_store
from eventkit.web import unavailable
from tests.app_pages import app_database, demo_in, open_page
from tests.web_client import Phone, text_of, web_app

pytest.importorskip("psycopg_pool", reason="psycopg is not installed (requirements-postgres.txt)")
PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_BINS, reason="PostgreSQL's binaries are not installed (/usr/lib/postgresql/*/bin)"),
]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free port of 127.0.0.1, trust auth (as .ci/run)."""

    def __init__(self) -> None:
        self.bin = Path(PG_BINS[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="eventkit-outage-"))
        self.as_pg: list[str] = []
        if os.getuid() == 0:  # initdb refuses root: the cluster runs as Debian's postgres user
            if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
                pytest.skip("running as root and there is no postgres user to run a cluster as")
            shutil.chown(self.dir, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            self.port = free.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", "data", "-U", "postgres", "--auth=trust", "--locale=C.UTF-8", "--encoding=UTF8")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_pg, str(self.bin / program), *args], cwd=self.dir, check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c fsync=off"
        self._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-t", "60", "start", "-o", options)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", "data", "-m", "immediate", "stop")

    def remove(self) -> None:
        subprocess.run([*self.as_pg, str(self.bin / "pg_ctl"), "-D", "data", "-m", "immediate", "stop"], cwd=self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def own_postgres():
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def pg_app(own_postgres, monkeypatch, demo_spec):
    """(cluster, store, event): the demo event in the throwaway cluster, which the app uses; the
    pool waits 1 s for a connection (10 s in use), and no fault is remembered before or after."""
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 1000)
    FAULTS.current = None
    with app_database(own_postgres.url, monkeypatch):
        store, event = demo_in(own_postgres.url, demo_spec)
        try:
            yield own_postgres, store, event
        finally:
            store.close()
            web_store.forget()
    FAULTS.current = None


def opened(phone: Phone, path: str):
    """What a phone ends on after opening `path` and following its redirects (a browser would)."""
    answer = phone.client.get(path)
    for _ in range(4):
        if answer.status_code != 303:
            break
        answer = phone.client.get(answer.headers["location"])
    return answer


def says_page_unavailable(answer, said: str) -> list[str]:
    """What is wrong with this answer as the page that cannot load just now (empty: all as it should be)."""
    problems = []
    if answer.status_code != 503:
        problems.append(f"status {answer.status_code}")
    if not answer.headers.get("content-type", "").startswith("text/html"):
        problems.append(f"content-type {answer.headers.get('content-type')}")
    words = text_of(answer.text)
    if said not in words:
        problems.append(f"says {words[:200]!r}")
    if not re.search(r'<a class="button" href="[^"]+">Try again</a>', answer.text):
        problems.append("no Try again link")
    if "Traceback" in answer.text or "Internal Server Error" in answer.text:
        problems.append("a crash page")
    return problems


def try_again_link(answer) -> str:
    return re.search(r'<a class="button" href="([^"]+)">Try again</a>', answer.text).group(1)


def until(works: Callable[[], object], seconds: float = 10) -> tuple[object, float]:
    """Call `works` until it returns something true (an exception counts as not yet), up to `seconds`:
    (its last answer or exception, how long it took)."""
    began = time.monotonic()
    while True:
        try:
            answer: object = works()
        except Exception as err:  # not yet (the caller asserts what it was)
            answer = err
        if (answer and not isinstance(answer, Exception)) or time.monotonic() - began > seconds:
            return answer, time.monotonic() - began
        time.sleep(0.2)


class Load:
    """Phones already in the room asking for Now again and again (as follow.js and refreshes do)."""

    def __init__(self, app, code: str, phones: int = 4) -> None:
        self.phones = [Phone(app, code) for _ in range(phones)]
        for phone in self.phones:
            assert phone.join().status_code == 303
        self.stop, self.answers = threading.Event(), []
        self.threads = [threading.Thread(target=self._ask, args=(p,)) for p in self.phones]

    def _ask(self, phone: Phone) -> None:
        while not self.stop.is_set():
            try:
                self.answers.append(phone.now().status_code)
            except Exception as err:  # not yet (the caller asserts what it was)
                self.answers.append(repr(err))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


def stream_during_outage(phone: Phone) -> tuple[int, str]:
    """GET /e/CODE/events; the answer must end by itself (in a thread, so a stream that never ends fails)."""
    got: list = []
    reader = threading.Thread(target=lambda: got.append(phone.client.get(f"{phone.base}/events")), daemon=True)
    reader.start()
    reader.join(15)
    assert got, "the event stream neither ended nor answered within 15 s"
    return got[0].status_code, got[0].text


def test_html_phones_during_a_postgresql_outage_say_so_keep_what_was_typed_and_work_again_after(pg_app, caplog):
    cluster, store, event = pg_app
    app = web_app()
    poll = next(p for p in store.list_polls(event.id) if p.kind == "estimate")
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    prompt = store.list_prompts(event.id)[0]
    writer = Phone(app, event.code)
    assert writer.join().status_code == 303
    token = writer.form_token()
    assert opened(Phone(app, event.code), f"/?event={event.code}").status_code == 200  # all well before
    with Load(app, event.code) as load:
        caplog.clear()
        caplog.set_level(logging.INFO)
        cluster.stop()
        stopped = time.monotonic()
        try:
            pages = {  # new phones: the printed link (its redirect), the join, Now, the wall, feedback
                path: opened(Phone(app, event.code), path)
                for path in (
                    f"/?event={event.code}",
                    f"/e/{event.code}/join?table=2",
                    f"/e/{event.code}",
                    f"/e/{event.code}/wall",
                    f"/e/{event.code}/feedback",
                )
            }
            typed = "Referrals need a named contact\nat every partner"
            note = writer.client.post(
                f"{writer.base}/wall/post",
                data={"form_token": token, "prompt": str(prompt.id), "note": typed},
                headers={"origin": "http://testserver"},
            )
            estimate = writer.client.post(
                f"{writer.base}/vote",
                data={"form_token": token, "poll": str(poll.id), "estimate": "1,250"},
                headers={"origin": "http://testserver"},
            )
            time.sleep(max(0.0, stopped + 3 - time.monotonic()))  # past the shared reads' 2 s lifetime
            stream = stream_during_outage(Phone(app, event.code))
            web_store.forget()  # a server process started during the outage: its Store cannot connect
            pages["a process started during the outage"] = opened(Phone(app, event.code), f"/e/{event.code}")
        finally:
            outage_log = list(caplog.records)
            cluster.start()
            restarted = time.monotonic()
    problems = {path: says_page_unavailable(a, unavailable.PAGE_MESSAGE) for path, a in pages.items()}
    assert not {path: p for path, p in problems.items() if p}, problems
    assert pages[f"/?event={event.code}"].url.path == f"/e/{event.code}/join"
    for sent, kept in ((note, typed), (estimate, "1,250")):
        assert sent.status_code == 503 and FAULT_MESSAGE in text_of(sent.text), (sent.status_code, sent.text[:300])
        boxes = re.findall(r"<textarea[^>]*>(.*?)</textarea>", sent.text, re.S)
        assert [b.replace("&#39;", "'") for b in boxes] == [kept], boxes  # shown again, to send again
        assert 'name="form_token" value="' + token in sent.text
    assert stream[0] == 200 and stream[1].startswith("retry: "), stream  # ends: EventSource comes back
    assert "event: live" not in stream[1]
    assert all(a in (200, 303, 503) for a in load.answers), {a for a in load.answers if a not in (200, 303, 503)}
    loud = [f"{r.name} {r.levelname}: {r.getMessage()[:120]}" for r in outage_log if r.levelno >= logging.WARNING]
    assert len(loud) == 1 and "Database fault: database unreachable" in loud[0], loud
    assert not [r for r in outage_log if r.exc_info], "a line, not a traceback per page"

    # PostgreSQL answers again: Try again works within seconds (not after the pool's backoff)
    newcomer = Phone(app, event.code)
    link = try_again_link(pages[f"/?event={event.code}"])
    back, took = until(lambda: (a := opened(newcomer, link)).status_code == 200 and a)
    assert not isinstance(back, Exception) and back, back
    assert 'data-stream="' in back.text and time.monotonic() - restarted < 10, took
    resent = writer.client.post(  # the kept form, sent again as its Try again button does
        f"{writer.base}/wall/post",
        data={"form_token": token, "prompt": str(prompt.id), "note": typed},
        headers={"origin": "http://testserver"},
    )
    assert resent.status_code == 303, resent.text[:300]
    assert [n.text for n in store.list_notes(event.id, ("visible", "pending", "hidden"))] == [typed]


def test_the_control_panel_during_a_postgresql_outage_says_so_and_recovers(pg_app, through_the_router, caplog):
    cluster, store, event = pg_app
    at = open_page("pages/facilitator.py", password=DEMO_PASSCODE, event=event.code)
    assert not at.exception and any(b.key == "door-close" for b in at.button)
    caplog.clear()
    caplog.set_level(logging.INFO)
    cluster.stop()
    try:
        at.run()
        during = (list(at.exception), [e.value for e in at.error], [b.label for b in at.button])
    finally:
        outage_log = list(caplog.records)
        cluster.start()
    assert not during[0], [e.value for e in during[0]]
    assert any("database unreachable" in e for e in during[1]), during[1]
    assert during[2] == ["Try again"], during  # the page could not load: nothing else to press
    assert not [r for r in outage_log if r.exc_info], "a line, not a traceback per page"

    def panel_back():
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return not [e for e in at.error if "Cannot show" in e.value] and any(b.key == "door-close" for b in at.button)

    back, took = until(panel_back)
    assert back is True, (back, [e.value for e in at.error])


@pytest.fixture
def pool_of_one(pg_app, monkeypatch):
    """(store, event, hold): the app's pool holds one connection; hold() takes it until the block ends."""
    from eventkit.storage.backends import postgres

    cluster, store, event = pg_app
    monkeypatch.setattr(postgres, "POOL_SIZE", 1)
    store.close()  # the next use opens a pool of one (for the whole process: the pool is per address)

    class Hold:
        def __enter__(self):
            self.release, taken = threading.Event(), threading.Event()

            def hold() -> None:
                with store.read():
                    taken.set()
                    self.release.wait(30)

            self.thread = threading.Thread(target=hold)
            self.thread.start()
            assert taken.wait(10)

        def __exit__(self, *exc):
            self.release.set()
            self.thread.join(10)

    return store, event, Hold


def test_when_the_pool_is_exhausted_phones_and_staff_are_told_very_busy_with_try_again(pool_of_one, through_the_router):
    store, event, hold = pool_of_one
    app = web_app()
    phone = Phone(app, event.code)
    assert phone.join().status_code == 303
    panel = open_page("pages/facilitator.py", password=DEMO_PASSCODE, event=event.code)
    assert not panel.exception
    with hold():
        web_store.reads().expire_all()  # nothing answered from the shared reads: every page reads
        busy_now = phone.now()
        busy_new = opened(Phone(app, event.code), f"/e/{event.code}/join")
        panel.run()
    problems = {
        "Now": says_page_unavailable(busy_now, unavailable.BUSY_PAGE_MESSAGE),
        "join": says_page_unavailable(busy_new, unavailable.BUSY_PAGE_MESSAGE)
        if busy_new.status_code == 503
        else [f"status {busy_new.status_code}"],
    }
    assert not {k: v for k, v in problems.items() if v}, problems
    assert not panel.exception, [e.value for e in panel.exception]
    assert BUSY_MESSAGE in [e.value for e in panel.error], [e.value for e in panel.error]
    assert phone.now().status_code == 200  # released: the page loads
    panel.run()
    assert not panel.exception and not [e for e in panel.error if e.value == BUSY_MESSAGE]
