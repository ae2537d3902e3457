"""Staff sign-in (issue 12 §1, §3; issue 13 "reloading loses the sign-in").

- A fresh install is not open: no built-in organiser password; one is
  generated on first start, stored as a hash, printed once by exactly one
  process, and never shown on a page.
- Checking and recording wrong attempts is one step: five free attempts are
  five with 30 guesses at once, from threads, Stores and processes.
- A guesser slows down only their own browser session; only a storm from many
  sessions slows down everyone, and the recovery paths end it.
- Remembered sign-ins ("passes") last until midnight and end at sign-out and
  when the passcode or password changes.
- Nothing meant for analysis carries a staff secret.
"""

from __future__ import annotations

import io
import multiprocessing
import sqlite3
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from eventkit.access import security, staff
from eventkit.access.console import Console, ConsoleLocked
from eventkit.cli import main as cli
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.event.editing import new_event_spec
from eventkit.outputs import exports, report
from eventkit.storage import Store
from eventkit.storage.attempts import ThrottledError
from tests.engines import db_bytes

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
FAST = 16  # scrypt cost (n) for hashes made in tests; the real one is 2**15
GUESSERS = 30


@pytest.fixture(autouse=True)
def no_configured_password(monkeypatch):
    """Nothing configured unless a test says so (not even a secrets.toml on this machine)."""
    monkeypatch.delenv(staff.ADMIN_ENV, raising=False)
    monkeypatch.setattr(staff, "SECRETS_FILES", ())


def _at_once(n: int, attempt) -> list:
    """Run attempt(i) for i in range(n) on n threads released together; each result or exception."""

    def one(i: int):
        try:
            return attempt(i)
        except Exception as err:
            return err

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


# --- Atomic check-and-record: five means five --------------------------------------------


def test_thirty_simultaneous_wrong_passcodes_get_exactly_five_checks(demo):
    store, event = demo
    outcomes = _at_once(GUESSERS, lambda i: Console.unlock(store, event.id, f"guess-{i}", client="one-browser"))
    messages = [str(o) for o in outcomes]
    assert sum("not right" in m for m in messages) == security.FREE_LOGIN_ATTEMPTS, messages
    assert sum("Too many wrong attempts" in m for m in messages) == GUESSERS - security.FREE_LOGIN_ATTEMPTS
    assert store.count_login_failures("facilitator", event.id) == security.FREE_LOGIN_ATTEMPTS


def test_five_means_five_across_stores_on_one_file(demo):
    """Separate Store objects (separate connections, as separate processes have)."""
    store, event = demo
    stores = [Store(store.path) for _ in range(3)]
    outcomes = _at_once(GUESSERS, lambda i: stores[i % 3].begin_sign_in("facilitator", event.id, "one-browser"))
    assert sum(isinstance(o, int) for o in outcomes) == security.FREE_LOGIN_ATTEMPTS
    assert all(isinstance(o, (int, ThrottledError)) for o in outcomes), outcomes


def _guess_in_a_process(path: str, event_id: int, threads: int) -> int:
    store = Store(path)
    outcomes = _at_once(threads, lambda i: store.begin_sign_in("facilitator", event_id, "one-browser"))
    return sum(isinstance(o, int) for o in outcomes)


def test_five_means_five_across_processes(demo):
    store, event = demo
    with multiprocessing.get_context("fork").Pool(3) as pool:
        checked = pool.starmap(_guess_in_a_process, [(store.path, event.id, 10)] * 3)
    assert sum(checked) == security.FREE_LOGIN_ATTEMPTS
    assert store.count_login_failures("facilitator", event.id) == security.FREE_LOGIN_ATTEMPTS


def test_thirty_simultaneous_wrong_organiser_passwords_get_exactly_five_checks(store):
    def guess(i: int) -> bool:
        return staff.sign_in(
            store,
            "organiser",
            None,
            "one-browser",
            lambda: staff.admin_password_is_right(store, f"guess-{i}", "the-real-one"),
        )

    outcomes = _at_once(GUESSERS, guess)
    assert outcomes.count(False) == security.FREE_LOGIN_ATTEMPTS
    assert sum(isinstance(o, ThrottledError) for o in outcomes) == GUESSERS - security.FREE_LOGIN_ATTEMPTS


# --- A guesser does not lock the real facilitator out --------------------------------------


def test_a_guess_storm_from_another_browser_does_not_block_the_facilitator(demo):
    store, event = demo
    _at_once(GUESSERS, lambda i: Console.unlock(store, event.id, f"guess-{i}", client="guesser"))
    con = Console.unlock(store, event.id, DEMO_PASSCODE, client="facilitator")
    assert con.event_id == event.id
    assert store.count_login_failures("facilitator", event.id, "guesser") == security.FREE_LOGIN_ATTEMPTS


def test_a_storm_from_many_sessions_pauses_everyone_until_a_recovery(demo):
    """One guess each from many sessions: exactly STORM are checked; then everyone waits,
    with a message that names the way out, until a new passcode or the command line."""
    store, event = demo
    outcomes = _at_once(40, lambda i: store.begin_sign_in("facilitator", event.id, f"session-{i}"))
    assert sum(isinstance(o, int) for o in outcomes) == security.STORM_LOGIN_ATTEMPTS
    with pytest.raises(ConsoleLocked, match="other devices") as err:
        Console.unlock(store, event.id, DEMO_PASSCODE, client="facilitator")
    assert "sign-in link" in str(err.value)  # the way in that gives the guessers nothing
    store.set_facilitator_hash(event.id, security.hash_passcode("a-new-passcode", n=FAST))
    assert Console.unlock(store, event.id, "a-new-passcode", client="facilitator").event_id == event.id
    _at_once(40, lambda i: store.begin_sign_in("organiser", None, f"session-{i}"))
    assert "other devices" in str(_at_once(1, lambda i: store.begin_sign_in("organiser", None, "me"))[0])
    assert store.clear_all_login_failures() >= security.STORM_LOGIN_ATTEMPTS
    assert isinstance(store.begin_sign_in("organiser", None, "me"), int)


def test_the_right_passcode_forgets_only_its_own_sessions_failures(demo):
    store, event = demo
    for client in ("guesser", "guesser", "facilitator"):
        store.begin_sign_in("facilitator", event.id, client)
    Console.unlock(store, event.id, DEMO_PASSCODE, client="facilitator")
    assert store.count_login_failures("facilitator", event.id, "facilitator") == 0
    assert store.count_login_failures("facilitator", event.id, "guesser") == 2


# --- Remembered sign-ins --------------------------------------------------------------------


def test_a_facilitator_pass_resumes_the_console_until_sign_out(demo):
    store, event = demo
    token, max_age = Console.unlock(store, event.id, DEMO_PASSCODE).remember()
    assert DEMO_PASSCODE not in token and security.looks_like_token(token)
    assert 0 < max_age <= 24 * 3600
    assert Console.resume(store, event.id, token).event_id == event.id
    with store.read() as db:
        stored = [r[0] for r in db.execute("SELECT token_hash FROM staff_passes")]
    assert stored == [security.fingerprint(token)]  # only its hash is kept
    Console.resume(store, event.id, token).sign_out(token)
    with pytest.raises(ConsoleLocked):
        Console.resume(store, event.id, token)


@pytest.mark.parametrize("change", ["new passcode", "other event", "organiser pass", "made up", "none"])
def test_a_facilitator_pass_works_only_for_its_event_and_passcode(demo, change):
    store, event = demo
    token, _ = Console.unlock(store, event.id, DEMO_PASSCODE).remember()
    event_id = event.id
    if change == "new passcode":
        store.set_facilitator_hash(event.id, security.hash_passcode("changed", n=FAST))
    elif change == "other event":
        event_id = store.duplicate_event(event.id, "OTHER1")
        store.set_facilitator_hash(event_id, store.facilitator_hash(event.id))
    elif change == "organiser pass":
        token, _ = staff.issue_pass(store, "organiser", None, staff.facilitator_mark(store.facilitator_hash(event.id)))
    elif change == "made up":
        token = security.new_staff_pass()
    else:
        token = None
    with pytest.raises(ConsoleLocked):
        Console.resume(store, event_id, token)


def test_passes_expire_at_midnight(store):
    mark = "stored:x"
    yesterday = datetime.now(UTC) - timedelta(days=1)
    old, _ = staff.issue_pass(store, "organiser", None, mark, now=yesterday)
    fresh, max_age = staff.issue_pass(store, "organiser", None, mark)
    assert not staff.pass_is_valid(store, old, "organiser", None, mark)
    assert staff.pass_is_valid(store, fresh, "organiser", None, mark)
    midnight = staff.end_of_day()
    local = datetime.now().astimezone()
    assert midnight.date() == local.date() + timedelta(days=1) and (midnight.hour, midnight.minute) == (0, 0)
    assert abs(max_age - (midnight - datetime.now(UTC)).total_seconds()) < 5


def test_a_new_organiser_password_ends_organiser_passes_and_pauses(store):
    store.create_admin_password_hash(security.hash_passcode("first-password", n=FAST))
    mark = staff.organiser_mark(store, None)
    token, _ = staff.issue_pass(store, "organiser", None, mark)
    store.begin_sign_in("organiser", None, "guesser")
    assert staff.pass_is_valid(store, token, "organiser", None, mark)
    store.set_admin_password_hash(security.hash_passcode("second-password", n=FAST))
    assert not staff.pass_is_valid(store, token, "organiser", None, staff.organiser_mark(store, None))
    assert store.count_login_failures("organiser") == 0
    # A configured password changed by whoever runs the server ends them too.
    configured, _ = staff.issue_pass(store, "organiser", None, staff.organiser_mark(store, "env-password-1"))
    assert not staff.pass_is_valid(store, configured, "organiser", None, staff.organiser_mark(store, "env-password-2"))


# --- The organiser password on a fresh install -------------------------------------------


def test_exactly_one_of_many_starting_processes_makes_and_prints_the_password(store):
    outs = [io.StringIO() for _ in range(8)]
    stores = [Store(store.path) for _ in range(8)]
    made = _at_once(8, lambda i: staff.ensure_admin_password(stores[i], None, outs[i]))
    passwords = [m for m in made if isinstance(m, str)]
    assert len(passwords) == 1, made
    printed = [o.getvalue() for o in outs if "organiser password (shown once" in o.getvalue()]
    assert len(printed) == 1 and passwords[0] in printed[0]
    assert security.verify_passcode(passwords[0], store.admin_password_hash())
    assert passwords[0].encode() not in db_bytes(store)  # SQLite: the file; PostgreSQL: pg_dump
    again = io.StringIO()
    staff.start_up(store, None, again)  # the next start says only where to find it
    assert passwords[0] not in again.getvalue() and "reset-admin-password" in again.getvalue()


def test_a_configured_password_means_nothing_is_generated(store, monkeypatch):
    monkeypatch.setenv(staff.ADMIN_ENV, "chosen-by-the-admin")
    assert staff.ensure_admin_password(store, staff.configured_admin_password(), io.StringIO()) is None
    assert store.admin_password_hash() == ""
    assert staff.admin_password_is_right(store, "chosen-by-the-admin", staff.configured_admin_password())


def test_secrets_toml_is_read_by_the_command_line_too(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('admin_password = "from-secrets-toml"\n', encoding="utf-8")
    monkeypatch.setattr(staff, "SECRETS_FILES", (tmp_path / "missing.toml", secrets))
    assert staff.configured_admin_password() == "from-secrets-toml"
    monkeypatch.setenv(staff.ADMIN_ENV, "from-env")
    assert staff.configured_admin_password() == "from-env"


@pytest.fixture
def fresh_app(app_db):
    st.cache_resource.clear()  # the app makes its Store (and the password) on the first run
    return app_db


def _every_string(at: AppTest) -> list[str]:
    found = []

    def walk(node):
        for attr in ("value", "body", "label", "help", "placeholder"):
            value = getattr(node, attr, None) if attr != "value" or not hasattr(node, "children") else None
            if isinstance(value, str):
                found.append(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found


def test_a_fresh_install_shows_no_password_and_has_no_default(fresh_app, capsys):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/organiser.py").run()
    printed = capsys.readouterr().err
    assert "organiser password (shown once" in printed
    password = printed.split("keep it safe): ", 1)[1].split()[0]
    shown = "\n".join(_every_string(at))
    assert password not in shown and "eventkit-admin" not in shown
    assert "printed once in the terminal" in shown and "reset-admin-password" in shown
    for guess in ("eventkit-admin", "admin", ""):
        at.text_input[0].input(guess)
        at.button[0].click().run()
        assert "not right" in at.error[0].value
    at.text_input[0].input(password)
    at.button[0].click().run()
    assert not at.error and at.title[-1].value == "Organiser"
    assert password not in "\n".join(_every_string(at))


def test_the_sign_in_page_names_the_configured_password(fresh_app, monkeypatch):
    monkeypatch.setenv(staff.ADMIN_ENV, "set-by-whoever-runs-it")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/organiser.py").run()
    shown = "\n".join(_every_string(at))
    assert "EVENTKIT_ADMIN_PASSWORD" in shown and "set-by-whoever-runs-it" not in shown
    assert fresh_app[0].admin_password_hash() == ""


def test_new_and_duplicated_events_get_no_passcode(demo):
    store, event = demo
    new_id = store.import_event(new_event_spec("NEW26", "A new event"))
    copy_id = store.duplicate_event(event.id, "COPY16")
    for event_id in (new_id, copy_id):
        assert not store.get_event(event_id).has_passcode and store.facilitator_hash(event_id) == ""
        with pytest.raises(ConsoleLocked, match="no facilitator passcode yet"):
            Console.unlock(store, event_id, DEMO_PASSCODE)


# --- The command line: the way back in ----------------------------------------------------


def _cli(db: str, *args: str) -> int:
    return cli.main(["--db", db, *args])


def test_cli_sets_and_resets_the_organiser_password(store, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("my-own-password\n"))
    assert _cli(store.path, "set-admin-password", "--stdin") == 0
    assert staff.admin_password_is_right(store, "my-own-password", None)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert _cli(store.path, "set-admin-password", "--stdin") == 1
    assert "at least 8" in capsys.readouterr().err
    assert _cli(store.path, "reset-admin-password") == 0
    new = capsys.readouterr().out.split("keep it safe): ", 1)[1].split()[0]
    assert staff.admin_password_is_right(store, new, None)
    assert not staff.admin_password_is_right(store, "my-own-password", None)


def test_cli_sets_a_passcode_and_clears_pauses(demo, monkeypatch, capsys):
    store, event = demo
    for i in range(security.STORM_LOGIN_ATTEMPTS):
        store.begin_sign_in("facilitator", event.id, f"session-{i}")
    assert store.login_wait_seconds("facilitator", event.id, "facilitator") > 0
    assert _cli(store.path, "clear-sign-in-pauses", "fife16") == 0
    assert store.login_wait_seconds("facilitator", event.id, "facilitator") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("new-passcode\n"))
    assert _cli(store.path, "set-passcode", "FIFE16", "--stdin") == 0
    assert Console.unlock(store, event.id, "new-passcode").event_id == event.id
    assert _cli(store.path, "set-passcode", "NOPE", "--stdin") == 1


# --- Nothing meant for analysis carries a staff secret ---------------------------------------


def test_exports_zip_event_copy_and_report_carry_no_staff_secret(demo, tmp_path):
    store, event = demo
    store.create_admin_password_hash(security.hash_passcode("organiser-pw", n=FAST))
    token, _ = Console.unlock(store, event.id, DEMO_PASSCODE).remember()
    store.begin_sign_in("facilitator", event.id, "a-session-id-1234")
    secrets = [
        store.facilitator_hash(event.id),
        store.admin_password_hash(),
        security.fingerprint(token),
        token,
        "pbkdf2_sha256",
        "scrypt$",
        "a-session-id-1234",
        DEMO_PASSCODE,
    ]
    secrets += [part for value in secrets[:2] for part in value.split("$")[-2:]]  # salts and digests alone
    blobs = dict(exports.activity_csvs(store, event.id))
    blobs["event file"] = exports.event_file_bytes(store, event)
    blobs["event copy"] = copy = exports.backup_bytes(store, only_event=event.id)
    blobs["report"] = report.build_report(store, event.id).encode()
    with zipfile.ZipFile(io.BytesIO(exports.zip_bytes(store, event))) as zf:
        blobs.update({f"zip:{n}": zf.read(n) for n in zf.namelist()})
    leaks = [(name, s) for name, blob in blobs.items() for s in secrets if s.encode() in blob]
    assert not leaks
    path = tmp_path / "copy.db"
    path.write_bytes(copy)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT facilitator_hash FROM events").fetchall() == [("",)]
        for table in ("staff_secrets", "staff_passes", "login_attempts", "sign_in_locks"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
