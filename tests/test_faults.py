"""Faults: a full disk, a read-only or unopenable database, a disk error (issue 12, §4).

SQLite's own errors are injected at the statement that writes (a connection
whose INSERT/UPDATE/DELETE raise the OperationalError SQLite raises), at every
write path of the store and of the pages; one test fills a real filesystem
(a small tmpfs) and remounts it read-only. Phones must say that nothing was
lost and keep what was typed; staff pages must name the cause; the server log
names it once; the database never holds half a write.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import subprocess
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.access.security import new_token
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.storage import StorageFault, Store, base
from eventkit.storage.backends.sqlite import SqliteEngine, storage_fault
from eventkit.storage.base import FAULT_MESSAGE
from eventkit.ui import faults, roles
from eventkit.web import device
from eventkit.web import store as web_store
from tests.app_pages import open_page, open_signed_in
from tests.web_client import ORIGIN, Phone, text_of, web_app

# SQLite's errors, injected into SQLite's connections (PostgreSQL's: tests/test_postgres_leg.py).
pytestmark = pytest.mark.sqlite_only
# SQLite's message for each fault -> the cause staff and the log are told.
SQLITE_FAULTS = {
    "database or disk is full": "disk full",
    "attempt to write a readonly database": "database read-only",
    "unable to open database file": "cannot open the database",
    "disk I/O error": "disk I/O error",
}
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


class Injector:
    """Makes SQLite fail as it does on a sick disk: at writing statements, or at opening."""

    def __init__(self) -> None:
        self.message = ""  # "" = healthy
        self.at_open = False
        self.allowed_writes = 0  # writes that still succeed before the fault (a fault mid-transaction)

    def arm(self, message: str, *stores: Store, at_open: bool = False, allowed_writes: int = 0) -> None:
        self.message, self.at_open, self.allowed_writes = message, at_open, allowed_writes
        for store in stores:  # connections kept from before the fault was armed are reopened
            store.release_connection()

    def disarm(self) -> None:
        self.message = ""


class _FaultyConnection:
    def __init__(self, conn: sqlite3.Connection, injector: Injector) -> None:
        self._conn, self._injector = conn, injector

    def execute(self, sql: str, params=()):
        injector = self._injector
        if injector.message and WRITES.match(sql):
            if injector.allowed_writes:
                injector.allowed_writes -= 1
            else:
                raise sqlite3.OperationalError(injector.message)
        return self._conn.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.fixture(autouse=True)
def forget_faults():
    """Each test starts and ends with no fault met (staff pages would show it for two minutes)."""
    base.FAULTS.current = None
    yield
    base.FAULTS.current = None


@pytest.fixture
def inject(monkeypatch):
    injector = Injector()
    real = SqliteEngine.connect

    def connect(self):
        if injector.message and injector.at_open:
            raise sqlite3.OperationalError(injector.message)
        db = real(self)
        db.conn = _FaultyConnection(db.conn, injector)
        return db

    monkeypatch.setattr(SqliteEngine, "connect", connect)
    yield injector
    injector.disarm()


def snapshot(store: Store) -> str:
    """Every row of the database, read past the store (and past any injected fault)."""
    conn = sqlite3.connect(store.path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


# --- The mapping: one function, one class ---------------------------------------------------


@pytest.mark.parametrize(
    "error, cause",
    [
        *[(sqlite3.OperationalError(m), c) for m, c in SQLITE_FAULTS.items()],
        (sqlite3.OperationalError("database is locked"), None),  # busy: its own message
        (sqlite3.OperationalError("no such table: votes"), None),  # a bug: not hidden as a disk problem
        (sqlite3.IntegrityError("UNIQUE constraint failed"), None),
        (OSError("disk full"), None),
    ],
)
def test_sqlite_errors_are_mapped_to_a_named_cause(error, cause):
    fault = storage_fault(error)
    assert (fault.cause if fault else None) == cause
    if fault:
        assert str(fault) == FAULT_MESSAGE and fault.advice


# --- Every write path of the store ----------------------------------------------------------


def write_paths(store: Store, event) -> dict:
    """Each store operation that writes, ready to run once more (state arranged beforehand)."""
    polls = store.list_polls(event.id)
    choice = next(p for p in polls if p.kind == "choice")
    estimate = next(p for p in polls if p.kind == "estimate")
    for poll in (choice, estimate):
        store.set_poll_state(poll.id, "open")
    token = new_token()
    me, other = store.join(event.id, token, 1), store.join(event.id, new_token())
    prompt = store.list_prompts(event.id)[0]
    note = store.add_note(prompt.id, other.id, "Someone else's note")
    table = store.table_by_number(event.id, 1)
    item = store.list_eval_items(event.id)[0]
    spec = store.export_spec(event.id)
    return {
        "join": lambda: store.join(event.id, new_token()),
        "move to a table": lambda: store.join(event.id, token, 2),
        "vote": lambda: store.cast_vote(choice.id, me.id, choice.options[0].id),
        "estimate": lambda: store.cast_estimate(estimate.id, me.id, estimate.true_value),
        "wall note": lambda: store.add_note(prompt.id, me.id, "My note"),
        "+1": lambda: store.plus_one(note.id, me.id),
        "scribe note": lambda: store.add_table_note(table.vignettes[0].id, me.id, "", "Our notes"),
        "consent": lambda: store.give_consent(table.id, me.id),
        "evaluation": lambda: store.submit_evaluation(event.id, me.id, {item.id: 4}),
        "make live": lambda: store.set_live(event.id, "wall"),
        "poll state": lambda: store.set_poll_state(choice.id, "revealed"),
        "show results": lambda: store.set_results_visible(choice.id, True),
        "show of hands": lambda: store.set_manual_counts(choice.id, {choice.options[0].id: 5}),
        "hide a note": lambda: store.set_note_status(note.id, "hidden"),
        "moderation": lambda: store.set_moderation(event.id, premoderate=True, word_filter=["x"]),
        "close joining": lambda: store.set_joining_open(event.id, False),
        "open evaluation": lambda: store.set_eval_open(event.id, True),
        "editor save": lambda: store.update_event(event.id, replace(spec, title="Renamed")),
        "import": lambda: store.import_event(replace(spec, code="COPY1")),
        "public address": lambda: store.set_public_base_url(event.id, "http://10.0.0.9:8501"),
        "theme": lambda: store.add_theme(event.id, "New theme"),
        "retention": lambda: store.set_retention_days(event.id, 30),
        "sign-in attempt": lambda: store.begin_sign_in("facilitator", event.id, "a-session"),
        "remembered sign-in": lambda: store.add_staff_pass(
            "f" * 64, "organiser", None, "mark", "2999-01-01T00:00:00.000Z"
        ),
        "generated organiser password": lambda: store.create_admin_password_hash("pbkdf2_sha256$1$s$d"),
        "new organiser password": lambda: store.set_admin_password_hash("pbkdf2_sha256$1$s$d"),
        "new passcode": lambda: store.set_facilitator_hash(event.id, "pbkdf2_sha256$1$s$d"),
        "delete event": lambda: store.delete_event(event.id),
    }


@pytest.mark.parametrize("message", SQLITE_FAULTS)
def test_every_write_path_names_the_fault_and_changes_nothing(demo, inject, message):
    store, event = demo
    problems = []
    for name, write in write_paths(store, event).items():
        before = snapshot(store)
        inject.arm(message, store)
        try:
            write()
            problems.append(f"{name}: no fault raised")
        except StorageFault as fault:
            if fault.cause != SQLITE_FAULTS[message] or str(fault) != FAULT_MESSAGE:
                problems.append(f"{name}: {fault.cause!r} {fault}")
        except Exception as err:  # anything else would reach the page as a crash
            problems.append(f"{name}: {type(err).__name__}: {err}")
        finally:
            inject.disarm()
        if snapshot(store) != before:
            problems.append(f"{name}: the database changed")
    assert not problems


def test_a_fault_in_the_middle_of_a_transaction_leaves_nothing_behind(demo, inject):
    store, event = demo
    before = snapshot(store)
    spec = store.export_spec(event.id)
    inject.arm("database or disk is full", store, allowed_writes=12)  # the event, its polls… then the disk fills
    with pytest.raises(StorageFault):
        store.import_event(replace(spec, code="HALF1"))
    inject.disarm()
    assert snapshot(store) == before
    assert store.import_event(replace(spec, code="HALF1"))  # and the same write works once there is room


def test_the_log_names_the_cause_once_and_says_when_it_cleared(demo, inject, caplog):
    store, event = demo
    caplog.set_level(logging.INFO, logger="eventkit.storage")
    inject.arm("database or disk is full", store)
    for _ in range(20):
        with pytest.raises(StorageFault):
            store.join(event.id, new_token())
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "disk full" in errors[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)  # a line, not a traceback per run
    inject.disarm()
    store.join(event.id, new_token())
    assert any("cleared (disk full)" in r.getMessage() for r in caplog.records)
    inject.arm("database or disk is full", store)
    with pytest.raises(StorageFault):
        store.join(event.id, new_token())
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 2  # a new episode is logged again


# --- A real full filesystem, and a real read-only one ------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs of our own (needs root: mount); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill it (needs root): {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_and_a_read_only_one(small_disk, demo_spec):
    store = Store(small_disk / "eventkit.db")
    event = store.get_event(store.import_event(demo_spec))
    person = store.join(event.id, new_token())
    prompt = store.list_prompts(event.id)[0]
    with store.read() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write must grow the WAL: it needs space
    filler = small_disk / "filler"
    with pytest.raises(OSError), filler.open("wb") as out:
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    with pytest.raises(StorageFault) as full:
        store.add_note(prompt.id, person.id, "Written while the disk is full")
    assert full.value.cause == "disk full"
    assert store.count_participants(event.id) == 1  # reading still works
    filler.unlink()
    store.add_note(prompt.id, person.id, "Written once there is room")
    assert [n.text for n in store.list_notes(event.id)] == ["Written once there is room"]
    assert store.integrity_ok()

    store.release_connection()  # a mount with files open for writing cannot become read-only
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        with pytest.raises(StorageFault) as read_only:
            store.add_note(prompt.id, person.id, "Written to a read-only disk")
        assert read_only.value.cause == "cannot open the database"  # WAL needs its -shm file writable
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert [n.text for n in store.list_notes(event.id)] == ["Written once there is room"]


# --- Pages: phones keep what was typed, staff are told the cause -------------------------------
# Phones: the HTML pages (eventkit/web), through Starlette's TestClient; staff: Streamlit's AppTest.


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _post(p: Phone, path: str, data: dict):
    token = device.form_token(p.client.cookies.get("ek_device"))
    return p.client.post(f"{p.base}/{path}", data={"form_token": token, **data}, headers={"origin": ORIGIN})


def _vote(p, store, event):
    poll = next(x for x in store.list_polls(event.id) if x.kind == "choice")
    return _post(p, "vote", {"poll": str(poll.id), "option": str(poll.options[0].id)}), None


def _estimate(p, store, event):
    poll = next(x for x in store.list_polls(event.id) if x.kind == "estimate")
    return _post(p, "vote", {"poll": str(poll.id), "estimate": "123"}), 'value="123"'


def _wall_note(p, store, event):
    prompt = store.list_prompts(event.id)[0]
    answer = _post(p, "wall/post", {"prompt": str(prompt.id), "note": "A note the full disk must not eat"})
    return answer, ">A note the full disk must not eat</textarea>"


def _plus_one(p, store, event):
    prompt = store.list_prompts(event.id)[0]
    note = store.list_notes(event.id)[0]
    return _post(p, "wall/agree", {"prompt": str(prompt.id), "note": str(note.id)}), None


def _choose_table(p, store, event):
    return _post(p, "table/seat", {"table": "3"}), None


def _consent(p, store, event):
    return _post(p, "table/consent", {"agree": "yes"}), None


def _scribe_note(p, store, event):
    vignette = store.table_by_number(event.id, 2).vignettes[0]
    answer = _post(p, "table/note", {"about": f"{vignette.id}-0", "note": "What our table said"})
    return answer, ">What our table said</textarea>"


def _evaluation(p, store, event):
    text = next(i for i in store.list_eval_items(event.id) if i.kind == "text")
    return _post(p, "feedback", {f"item-{text.id}": "Long feedback typed on a phone"}), (
        ">Long feedback typed on a phone</textarea>"
    )


PHONE_WRITES = {  # what is tapped or typed -> (the table the phone joins, the POST; returns it and the text kept)
    "vote": (None, _vote),
    "estimate": (None, _estimate),
    "wall note": (None, _wall_note),
    "+1": (None, _plus_one),
    "choose a table": (None, _choose_table),
    "consent": (2, _consent),
    "scribe note": (2, _scribe_note),
    "evaluation": (None, _evaluation),
}


@pytest.mark.parametrize("what", PHONE_WRITES)
def test_a_phone_whose_write_meets_a_full_disk_says_nothing_was_lost_and_keeps_the_text(app_db, inject, what):
    store, event = app_db
    estimate = next(p for p in store.list_polls(event.id) if p.kind == "estimate")
    store.set_poll_state(estimate.id, "open")
    store.set_live(event.id, "poll", estimate.id if what == "estimate" else store.list_polls(event.id)[0].id)
    store.set_poll_state(store.list_polls(event.id)[0].id, "open")
    store.set_eval_open(event.id, True)
    author = store.join(event.id, new_token())
    store.add_note(store.list_prompts(event.id)[0].id, author.id, "A note to agree with")
    table, post = PHONE_WRITES[what]
    p = Phone(web_app(), event.code)
    p.join(table)
    if what == "scribe note":  # consent first: the note is refused for want of it before it meets the disk
        _consent(p, store, event)
    before = snapshot(store)
    inject.arm("database or disk is full", store, web_store.store())
    answer, kept = post(p, store, event)
    inject.disarm()
    assert answer.status_code < 500 or answer.status_code == 503, answer.status_code
    assert FAULT_MESSAGE in text_of(answer.text), text_of(answer.text)[:400]
    assert kept is None or kept in answer.text, "the typed text is still in the box"
    assert snapshot(store) == before


@pytest.mark.parametrize("message", SQLITE_FAULTS)
def test_a_phone_that_cannot_load_the_event_says_so_and_offers_to_try_again(app_db, inject, message):
    store, event = app_db
    p = Phone(web_app(), event.code)
    p.join()
    web_store.reads().expire_all()
    inject.arm(message, store, web_store.store(), at_open=True)
    answer = p.now()
    inject.disarm()
    assert answer.status_code == 503
    assert "Please try again" in text_of(answer.text)
    again = re.search(r'<a[^>]*href="([^"]+)"[^>]*>Try again</a>', answer.text)
    assert again and again.group(1) == f"/e/{event.code}"
    assert p.client.get(again.group(1)).status_code == 200  # the disk is back: the page loads


def _page_that_faults(url_path: str, cause: str) -> None:
    """A page (as the router runs it) whose database fails in the middle of drawing."""
    import streamlit as st

    from eventkit.storage import StorageFault
    from eventkit.ui import faults

    class Page:
        def __init__(self):
            self.url_path = url_path

        def run(self):
            st.text("drawn before the fault")
            raise StorageFault(cause)

    faults.run_page(Page())


@pytest.mark.parametrize(
    "url_path, shows",
    [
        ("", "phone"),  # the index: anyone who types the bare address
        ("projector", "room"),
        ("facilitator", "staff"),
        ("organiser", "staff"),
        ("organiser-editor", "staff"),
    ],
)
def test_the_router_shows_a_fault_each_page_did_not_catch_for_its_audience(url_path, shows):
    at = AppTest.from_function(_page_that_faults, args=(url_path, "disk full"), default_timeout=30).run()
    assert not at.exception
    errors, captions = [e.value for e in at.error], [c.value for c in at.caption]
    assert {
        "phone": errors == [faults.PHONE_PAGE_MESSAGE] and [b.label for b in at.button] == ["Try again"],
        "room": not errors and captions == [faults.ROOM_MESSAGE],
        "staff": len(errors) == 1 and errors[0].startswith("**Database problem: disk full.**"),
    }[shows], (errors, captions)


def _page_that_is_refused(url_path: str, in_a_fragment: bool) -> None:
    """A page whose read is refused as "very busy" (PostgreSQL's pool, SQLite's busy timeout), uncaught."""
    import streamlit as st

    from eventkit.storage import StoreError
    from eventkit.storage.errors import BUSY_MESSAGE
    from eventkit.ui import faults

    def read() -> None:
        st.text("drawn before the refusal")
        raise StoreError(BUSY_MESSAGE)

    class Page:
        def __init__(self):
            self.url_path = url_path

        def run(self):
            if in_a_fragment:
                faults.shielded(faults.ATTENDEE if url_path == "" else faults.STAFF)(read)()
            else:
                read()

    faults.run_page(Page())


@pytest.mark.parametrize("in_a_fragment", [False, True], ids=["page", "fragment"])
@pytest.mark.parametrize("url_path", ["", "projector", "facilitator"])
def test_a_refusal_no_page_caught_is_said_in_its_own_words_never_as_a_crash(url_path, in_a_fragment):
    from eventkit.storage.errors import BUSY_MESSAGE

    at = AppTest.from_function(_page_that_is_refused, args=(url_path, in_a_fragment), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    errors, buttons = [e.value for e in at.error], [b.label for b in at.button]
    if url_path == "projector" and not in_a_fragment:
        assert not errors and [c.value for c in at.caption] == [faults.ROOM_MESSAGE]
    else:
        assert errors == [BUSY_MESSAGE]
        assert buttons == ([] if in_a_fragment else ["Try again"])


def _staff_banner(at: AppTest, cause: str) -> bool:
    return any(e.value.startswith(f"**Database problem: {cause}.**") for e in at.error)


@pytest.mark.parametrize("message", SQLITE_FAULTS)
def test_the_control_panel_names_the_cause_of_a_failed_action(app_db, inject, message):
    store, event = app_db
    at = open_page("pages/facilitator.py", password=DEMO_PASSCODE, event=event.code)
    inject.arm(message, store)
    at.button(key="door-close").click().run()
    inject.disarm()
    assert not at.exception
    assert _staff_banner(at, SQLITE_FAULTS[message]), [e.value for e in at.error]
    assert store.get_event(event.id).joining_open


def test_the_editor_names_the_cause_and_keeps_the_typed_title(app_db, inject):
    store, event = app_db
    at = open_signed_in("pages/organiser_editor.py")
    title = next(t for t in at.text_input if t.label == "Title")
    title.input("A new title typed before the disk filled")
    inject.arm("database or disk is full", store)
    next(b for b in at.button if b.label == "Save details").click().run()
    inject.disarm()
    assert not at.exception
    assert _staff_banner(at, "disk full")
    assert next(t for t in at.text_input if t.label == "Title").value == "A new title typed before the disk filled"
    assert store.get_event(event.id).title == event.title


def test_an_organiser_page_names_the_cause_and_the_next_page_shows_it_at_the_top(app_db, inject):
    store, event = app_db
    at = open_signed_in("pages/organiser_qr.py")
    at.text_input[0].input("10.9.8.7:8501")
    inject.arm("attempt to write a readonly database", store)
    at.button[0].click().run()
    inject.disarm()
    assert not at.exception
    assert _staff_banner(at, "database read-only")
    assert at.text_input[0].value == "10.9.8.7:8501"
    assert store.get_event(event.id).public_base_url == ""
    # within two minutes, with no good write since
    other = open_signed_in("pages/organiser_dashboard.py", at.session_state[roles._ORGANISER_KEY])
    assert _staff_banner(other, "database read-only")


# --- The HTML phone pages (eventkit/web): the same plain words, 503, Try again ---------------


def _html_phone(store, event):
    from tests.web_client import Phone, web_app

    phone = Phone(web_app(), event.code)
    assert phone.join().status_code == 303
    return phone


@pytest.mark.parametrize("message", SQLITE_FAULTS)
def test_an_html_page_that_cannot_open_the_database_says_so_and_offers_to_try_again(app_db, inject, message):
    from eventkit.web import store as web_store
    from eventkit.web import unavailable
    from tests.web_client import Phone, text_of

    store, event = app_db
    phone = _html_phone(store, event)
    newcomer = Phone(phone.client.app, event.code)
    inject.arm(message, store, web_store.store(), at_open=True)
    web_store.reads().expire_all()  # nothing answered from before the fault
    base = f"/e/{event.code}"
    paths = (base, f"{base}/wall", f"{base}/table", f"{base}/feedback", f"{base}/privacy")
    answers = {path: phone.client.get(path) for path in paths}
    answers["new phone: join"] = newcomer.client.get(f"{base}/join")
    inject.disarm()
    wrong = {
        path: (a.status_code, text_of(a.text)[:160])
        for path, a in answers.items()
        if a.status_code != 503
        or unavailable.PAGE_MESSAGE not in text_of(a.text)
        or not re.search(r'<a class="button" href="[^"]+">Try again</a>', a.text)
    }
    assert not wrong, wrong
    link = re.search(r'<a class="button" href="([^"]+)">Try again</a>', answers[f"{base}/wall"].text).group(1)
    assert phone.client.get(link).status_code == 200  # the disk is back: Try again loads the page


def test_an_html_write_that_meets_a_full_disk_says_nothing_was_lost_and_keeps_the_text(app_db, inject):
    import html

    from eventkit.web import store as web_store
    from tests.web_client import text_of

    store, event = app_db
    estimate = next(p for p in store.list_polls(event.id) if p.kind == "estimate")
    store.set_poll_state(estimate.id, "open")
    store.set_live(event.id, "poll", estimate.id)
    store.set_eval_open(event.id, True)
    prompt = store.list_prompts(event.id)[0]
    phone = _html_phone(store, event)
    token = phone.form_token()
    text_item = next(i for i in store.list_eval_items(event.id) if i.kind == "text")
    writes = {  # what is sent -> (path, fields, what typed must come back)
        "estimate": ("vote", {"poll": str(estimate.id), "estimate": "1,250"}, "1,250"),
        "wall note": ("wall/post", {"prompt": str(prompt.id), "note": "Referrals & <data> sharing"}, "Referrals"),
        "choose a table": ("table/seat", {"table": "2"}, None),
        "evaluation": ("feedback", {f"item-{text_item.id}": "Long feedback typed on a phone"}, "Long feedback"),
    }
    before = snapshot(store)
    inject.arm("database or disk is full", store, web_store.store())
    answers = {
        what: phone.client.post(
            f"{phone.base}/{path}", data={"form_token": token, **fields}, headers={"origin": "http://testserver"}
        )
        for what, (path, fields, _kept) in writes.items()
    }
    inject.disarm()
    wrong = {}
    for what, answer in answers.items():
        kept = writes[what][2]
        if answer.status_code not in (400, 503) or FAULT_MESSAGE not in text_of(answer.text):
            wrong[what] = (answer.status_code, text_of(answer.text)[:200])
        elif kept and kept not in html.unescape(answer.text):  # in its box (or the box's value)
            wrong[what] = f"the typed {kept!r} is not on the page"
    assert not wrong, wrong
    assert snapshot(store) == before
