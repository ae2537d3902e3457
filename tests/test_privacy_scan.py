"""Nobody identified: no IP address, user agent or participant token is kept anywhere.

A real server is rehearsed with eventkit.rehearse (simulated phones on the
HTML pages: the run's shared rehearsal, tests/live_server.py) and visited by
a real Chromium phone (Mozilla/… Chrome/…), each identified by its device
cookie (eventkit/web/device.py). Then the database file and its WAL,
every export (CSVs, long CSV, ZIP with its database copy, backup, event file,
HTML report) and the server log are scanned: no IP address, no user agent,
no participant token (and no token hash in any export). Deleting the event
leaves none of its texts in the database file. The retention setting is
shown in the privacy notice, and `purge-expired` deletes what is past it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from eventkit.access import security
from eventkit.outputs import exports, report
from eventkit.storage import Store, StoreError
from tests.browser.conftest import CHROMIUM, missing
from tests.engines import db_bytes
from tests.live_server import Server
from tests.web_client import Phone, text_of, web_app

REPO = Path(__file__).resolve().parents[1]
IPV4 = re.compile(rb"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")
# Full (eight groups) or compressed ("::") forms; "09:30:00" times have neither.
IPV6 = re.compile(
    rb"(?i)(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
    rb"|(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*|::(?:ffff:)?[0-9a-f]{1,4})(?![0-9a-f:])"
)
AGENTS = [
    b"Mozilla/",
    b"Chrome/",
    b"HeadlessChrome",
    b"AppleWebKit",
    b"Safari/",
    b"Gecko",
    b"python-",
    b"Python/",
    b"websockets/",
    b"aiohttp",
    b"curl/",
    b"User-Agent",
    b"user-agent",
]
# Streamlit's start-up banner names the server's own address (for the organiser to open); it is
# printed before anyone connects and says nothing about attendees.
BANNER = re.compile(
    rb"^\s*(?:Local |Network |External )?URL: .*$|^\s*You can now view your Streamlit app.*$"
    rb"|^[\d-]+ [\d:.]+ \w+ server started on .*$",
    re.M,
)


def _own_addresses() -> set[bytes]:
    """The server's own addresses, in case a scan pattern misses their form.

    Not its host name: that names the organiser's machine, not a person, and a
    short one ("vm") turns up by chance inside random tokens and compressed files.
    """
    found = {b"127.0.0.1"}
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
        found |= {a.encode() for a in out.split()}
    except OSError:
        pass
    return found


def _identifying(blob: bytes, tokens: list[str]) -> list[str]:
    """Everything in blob that could identify a person or a device."""
    hits = [f"ip {m.group().decode()}" for m in IPV4.finditer(blob)]
    hits += [f"ipv6 {m.group().decode(errors='replace')}" for m in IPV6.finditer(blob)]
    hits += [f"address {a.decode()}" for a in _own_addresses() if a and a in blob]
    hits += [f"agent {a.decode()}" for a in AGENTS if a in blob]
    hits += [f"token {t}" for t in tokens if t.encode() in blob]
    return hits


@pytest.fixture(scope="module")
def rehearsed(rehearsal, tmp_path_factory):
    """(store, event, server, tokens, files): the run's shared rehearsal (tests/live_server.py),
    then a Chromium phone posting a note on the same server; files is a folder with copies
    of the database file, its WAL and shared memory as they are then."""
    server, store, event = rehearsal.server, rehearsal.store, rehearsal.event
    tokens = [*rehearsal.tokens, _browser_visit(server, event)]
    return store, event, server, tokens, _copy_database_files(server.db, tmp_path_factory.mktemp("copies"))


def _copy_database_files(db: Path, folder: Path) -> Path:
    """Copy the live database's files with another process (cp), never opening them here.

    POSIX locks belong to a process: opening and closing the live files in this process would
    drop the locks its SQLite connections hold, and the server, seeing no other user, would
    then delete the -wal and -shm files from under them (a disk I/O error in a later test).
    """
    files = [str(db) + suffix for suffix in ("", "-wal", "-shm") if Path(str(db) + suffix).exists()]
    subprocess.run(["cp", *files, str(folder)], check=True, timeout=60)
    return folder


def _browser_visit(server: Server, event) -> str:
    """A real Chromium phone scans the printed link and posts a note; returns its device token (cookie)."""
    if not Path(CHROMIUM).exists():
        missing("needs /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{server.url}/?event={event.code}")
        page.goto(f"{server.url}/e/{event.code}/wall")
        page.get_by_role("textbox").fill("Chromium was here")
        page.get_by_role("button", name="Post note").click()
        expect(page.get_by_text("Thanks! Your note is on the wall.")).to_be_visible(timeout=20_000)
        token = next(c["value"] for c in context.cookies() if c["name"] == "ek_device")
        browser.close()
    return token


@pytest.mark.slow
@pytest.mark.browser  # the rehearsed server and a Chromium visit
def test_database_file_and_wal_hold_no_ip_agent_or_token(rehearsed):
    store, _, _, tokens, files = rehearsed
    assert len(tokens) >= 9
    copies = sorted(files.iterdir())
    assert Path(store.path).name in [c.name for c in copies]
    for path in copies:
        assert _identifying(path.read_bytes(), tokens) == [], path.name


@pytest.mark.slow
@pytest.mark.browser  # the rehearsed server and a Chromium visit
def test_every_export_holds_no_ip_agent_token_or_token_hash(rehearsed):
    store, event, _, tokens, _ = rehearsed
    hashes = [security.token_hash(event.id, t) for t in tokens]
    assert store.participant_by_token(event.id, tokens[0]) is not None
    blobs = dict(exports.activity_csvs(store, event.id))
    blobs["export.zip"] = exports.zip_bytes(store, event)
    blobs["event.db"] = exports.backup_bytes(store, only_event=event.id)
    blobs["event.yaml"] = exports.event_file_bytes(store, event)
    blobs["report.html"] = report.build_report(store, event.id).encode()
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(blobs.pop("export.zip"))) as zf:  # look inside, not at the compressed bytes
        blobs |= {f"zip:{n}": zf.read(n) for n in zf.namelist()}  # (where "::3" turned up once by chance)
    for name, blob in blobs.items():
        assert _identifying(blob, tokens + hashes) == [], name
    assert b"Chromium was here" in blobs["wall_notes.csv"]


@pytest.mark.slow
@pytest.mark.browser  # the rehearsed server and a Chromium visit
def test_server_log_holds_no_ip_agent_or_token(rehearsed):
    _, _, server, tokens, _ = rehearsed
    log = BANNER.sub(b"", server.log.read_bytes())
    assert _identifying(log, tokens) == []


@pytest.mark.slow
@pytest.mark.browser  # the rehearsed server and a Chromium visit
def test_deleting_the_event_leaves_none_of_its_text(rehearsed, tmp_path):
    _, event, _, tokens, files = rehearsed
    # On a copy of the database file and its WAL as the server left them (its history of
    # pages included): the run's other tests keep using the event on the running server.
    for suffix in ("", "-wal"):
        if (files / f"eventkit.db{suffix}").exists():
            shutil.copyfile(files / f"eventkit.db{suffix}", tmp_path / f"eventkit.db{suffix}")
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("eventkit.db*"))
    assert b"Chromium was here" in on_disk, "the scan below can see the texts before the delete"
    store = Store(tmp_path / "eventkit.db")
    texts = [n.text for n in store.list_notes(event.id, ("visible", "pending", "hidden"))]
    texts += [n.text for t in store.list_tables(event.id) for n in store.list_table_notes(t.id)]
    assert any(t.startswith("Rehearsal note") for t in texts)
    distinctive = [
        event.title,
        "Rehearsal note",
        "Rehearsal table note",
        "Rehearsal feedback",
        "Chromium was here",
        *texts,
    ]
    hashes = [security.token_hash(event.id, t) for t in tokens]
    store.delete_event(event.id)
    for suffix in ("", "-wal"):
        path = Path(store.path + suffix)
        if path.exists():
            blob = path.read_bytes()
            left = [t for t in distinctive + hashes if t.encode() in blob]
            assert not left, f"{path.name} still holds {left[:3]!r}"
    assert store.integrity_ok()


# --- Retention -----------------------------------------------------------------------------


def test_retention_days_is_set_and_checked(demo):
    store, event = demo
    store.set_retention_days(event.id, 30)
    assert store.get_event(event.id).retention_days == 30
    for bad in (0, -1, 1.5, True, "30"):
        with pytest.raises(StoreError, match="at least 1 day"):
            store.set_retention_days(event.id, bad)


@pytest.mark.parametrize(("days_after_loading", "expired"), [(30, False), (31, True)])
def test_purge_expired_deletes_only_what_is_past_retention(demo, days_after_loading, expired):
    store, event = demo  # dated 2016-05-18 but loaded today: its 30 days count from today
    store.set_retention_days(event.id, 30)
    p = store.join(event.id, security.new_token())
    store.add_note(store.list_prompts(event.id)[0].id, p.id, "PURGE-ME-4242")
    [(_, last_day)] = store.expired_events(date.max)  # every event has expired by then
    assert last_day > date(2016, 6, 17), "counted from the 2016 date, the demo would go tonight"
    today = last_day - timedelta(days=30) + timedelta(days=days_after_loading)
    assert store.purge_expired(today, dry_run=True) == ([store.get_event(event.id)] if expired else [])
    assert store.get_event(event.id) is not None, "a dry run deletes nothing"
    purged = store.purge_expired(today)
    assert [e.code for e in purged] == (["FIFE16"] if expired else [])
    assert (store.get_event(event.id) is None) == expired
    assert (b"PURGE-ME-4242" in db_bytes(store)) == (not expired)  # SQLite: the file and WAL; PostgreSQL: pg_dump


@pytest.mark.slow  # nine CLI subprocesses
def test_purge_expired_command_line(tmp_path):
    """An organiser trying the tool on a fresh install does not lose the demo; 180 days on, it goes."""
    db = tmp_path / "eventkit.db"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "eventkit", "--db", str(db), *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )

    assert run("init").returncode == 0
    [(_, expires)] = Store(db).expired_events(date.max)
    loaded = expires - timedelta(days=180)
    assert run("purge-expired", "--dry-run").stdout == "no expired events\n"
    assert run("purge-expired").stdout == "no expired events\n"
    assert "FIFE16" in run("list").stdout
    last_day = (loaded + timedelta(days=180)).isoformat()
    assert run("purge-expired", "--today", last_day).stdout == "no expired events\n"
    after = (loaded + timedelta(days=181)).isoformat()
    dry = run("purge-expired", "--dry-run", "--today", after)
    assert dry.returncode == 0 and dry.stdout.startswith("would delete FIFE16")
    assert "FIFE16" in run("list").stdout
    done = run("purge-expired", "--today", after)
    assert "deleted 1 event" in done.stdout
    assert run("list").stdout == "no events\n"


def test_privacy_notice_shows_the_events_retention(app_db):
    store, event = app_db
    store.set_retention_days(event.id, 45)
    phone = Phone(web_app(), event.code)
    phone.join()
    words = text_of(phone.client.get(f"{phone.base}/privacy").text)
    assert "45 days" in words
    assert "IP address" in words
    # The retired Streamlit notice's address reaches this one.
    assert phone.client.get("/privacy", params={"event": event.code}).headers["location"] == f"{phone.base}/privacy"


# --- Streamlit's size limits -----------------------------------------------------------------------


def test_size_limits_are_lowered_and_fit_the_largest_legitimate_upload(tmp_path):
    import tomllib

    server = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["server"]
    assert server["maxUploadSize"] <= 5 and server["maxMessageSize"] <= 20  # MB; Streamlit's defaults are 200
    demo_yaml = (REPO / "data" / "demo_event.yaml").stat().st_size
    # An attendee list for a large event: 2,000 people with long names and organisations.
    row = "Firstname-Longsurname Double-Barrelled,Fife Council Health and Social Care Partnership,Public sector\n"
    attendee_csv = len(("name,organisation,sector\n" + row * 2000).encode())
    assert max(demo_yaml * 50, attendee_csv) < server["maxUploadSize"] * 1_000_000
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from streamlit import config; "
            "print(config.get_option('server.maxUploadSize'), config.get_option('server.maxMessageSize'))",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == [str(server["maxUploadSize"]), str(server["maxMessageSize"])]
