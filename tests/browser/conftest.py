"""Shared fixtures for browser tests: a real `streamlit run` server and headless Chromium.

Every test under tests/browser/ is marked `browser` and `slow` automatically, so
`python -m pytest -m "not browser"` leaves them out, and `-m "not slow"` (the
fast tier) leaves out every other test that takes more than about 2 s too.

Fixtures (keep these names stable: other test modules use them)
-----------------------------------------------------------------
app_server  (module scope)
    Starts `python -m streamlit run app.py --server.port <free port>
    --server.headless true` (bound to 127.0.0.1, file watcher off) from the repo root with a fresh temporary
    EVENTKIT_DB (the demo event FIFE16 is loaded into it before the server
    starts, exactly as on a first run) and EVENTKIT_ADMIN_PASSWORD set to
    ADMIN_PASSWORD (there is no built-in default: without it the server would
    generate a password and print it to its log). Waits until
    /_stcore/health answers "ok" (60 s at most), then yields an `AppServer`:
        .url      "http://127.0.0.1:<port>" (no trailing slash)
        .db_path  the temporary database file (a Path)
        .store    an eventkit Store on that database, for arranging state
                  (set_live, set_poll_state, set_eval_open, ...) and for
                  asserting what was stored
        .event    the demo event (eventkit.models.Event)
        .log_path the server's combined stdout/stderr
        .page_url(path="/", **params) -> a full URL with query parameters
    The whole process group is killed at the end of the module. Each test
    module gets its own server and database, so modules never see each
    other's votes; tests inside one module share them.
browser  (session scope)
    A Playwright Chromium at /usr/bin/chromium (Debian's, never Playwright's
    own download) launched headless with the project's standard flags.
phone / projector  (function scope)
    Page factories: `phone()` opens a new browser context of 390x844 and
    returns a fresh page in it; `phone(url)` also navigates there and, on a
    Streamlit (staff) page, waits for Streamlit. Extra keyword arguments go to `browser.new_context`
    (e.g. `phone(viewport={"width": 195, "height": 422})`). `projector` is
    the same at 1920x1080. Contexts are closed after the test.

ADMIN_PASSWORD
    The organiser password of every test server: type it to sign in.

Helpers (import them as `from tests.browser.conftest import wait_for_streamlit`;
a bare `from conftest import ...` may pick up tests/conftest.py instead)
-------
wait_for_streamlit(page, timeout=20_000)
    Waits until the app is connected, its main block is on the page and no
    script run is in progress (`stApp[data-test-script-state=notRunning]`,
    no running-man status widget). Use Playwright's `expect(...)` for the
    content a test is actually waiting for: right after a click the app may
    not have started the rerun yet.

until_shown(page, url, text)
    Opens an HTML attendee page until it shows `text` (what is live is read
    through a 1 s shared cache), letting the page's own follow reload finish.

close_page_not_found(page)
    Closes Streamlit's first-visit "Page not found" notice if it appears within 3 s.

start_app_server(workdir, **options)
    Context manager behind `app_server`, for a private server in a test;
    options are extra Streamlit settings, e.g.
    `start_app_server(tmp_path, **{"server.disconnectedSessionTTL": 3})`.
missing(reason)
    pytest.skip locally, pytest.fail when env CI is set.

Missing prerequisites (no /usr/bin/chromium): the tests are skipped locally,
but fail under CI (env CI set), so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from eventkit.event.demo import ensure_demo
from eventkit.models import Event
from eventkit.storage import Store

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
STARTUP_TIMEOUT_S = 60
ADMIN_PASSWORD = "browser-tests-organiser"  # the test servers' organiser password (EVENTKIT_ADMIN_PASSWORD)


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser` and `slow` (each drives a real server and Chromium)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def missing(what: str) -> None:
    """Skip locally, but fail in CI: a CI run must never pass by skipping."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (required in CI)")
    pytest.skip(what)


# --- The server ----------------------------------------------------------------


@dataclass
class AppServer:
    url: str
    db_path: Path
    store: Store
    event: Event
    log_path: Path

    def page_url(self, path: str = "/", **params: str | int) -> str:
        """Full URL of an app path with query parameters, e.g. page_url("/wall", event="FIFE16")."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.url}{path}{query}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit not healthy after {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server's whole process group: TERM, then KILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@contextmanager
def start_app_server(workdir: Path, **options: str | int):
    """Run a fresh app server with its own demo database in `workdir`; yields an AppServer.

    `/?event=CODE` reaches the HTML attendee pages (eventkit/web), the only attendee interface.

    The `app_server` fixture uses this; call it directly for a private server
    (e.g. to be the very first visitor after a start). `options` are extra
    Streamlit settings by name, passed as `--name value`.
    """
    db_path = workdir / "eventkit.db"
    log_path = workdir / "streamlit.log"
    store = Store(db_path)
    ensure_demo(store)  # what the app does on first run; done here so tests can arrange state at once
    event = store.event_by_code("FIFE16")
    port = free_port()
    env = dict(os.environ)
    env.update(
        EVENTKIT_DB=str(db_path),
        EVENTKIT_ADMIN_PASSWORD=ADMIN_PASSWORD,
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        PYTHONUNBUFFERED="1",
    )
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        # Others edit the tree while tests run: a reload mid-test would make cached
        # models unpicklable ("not the same object"), so the test server never reloads.
        "--server.fileWatcherType",
        "none",
    ]
    for name, value in options.items():
        cmd += [f"--{name}", str(value)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc, log_path)
        yield AppServer(url=url, db_path=db_path, store=store, event=event, log_path=log_path)
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """A real `streamlit run app.py` on a free port with its own demo database (see module doc)."""
    with start_app_server(tmp_path_factory.mktemp("app_server")) as server:
        yield server


# --- The browser -----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (module scope).

    Module scope, not session: Playwright's sync API keeps an asyncio loop
    running on the main thread while it is open, which would break later
    test modules that call asyncio.run() (the rehearsal tool) or start
    their own Playwright.
    """
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} not found: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _page_factory(browser, viewport: dict):
    contexts = []

    def open_page(url: str | None = None, **context_kwargs):
        context_kwargs.setdefault("viewport", viewport)
        context = browser.new_context(**context_kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if url is not None:
            page.goto(url)
            if is_streamlit(page):  # a staff page; the HTML attendee pages are ready once loaded
                wait_for_streamlit(page)
        return page

    return open_page, contexts


@pytest.fixture
def phone(browser):
    """Factory of pages in fresh 390x844 contexts: phone() or phone(url)."""
    factory, contexts = _page_factory(browser, PHONE)
    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def projector(browser):
    """Factory of pages in fresh 1920x1080 contexts: projector() or projector(url)."""
    factory, contexts = _page_factory(browser, PROJECTOR)
    yield factory
    for context in contexts:
        context.close()


def is_streamlit(page) -> bool:
    """Whether the page is a Streamlit page (its shell's #root), not one of the HTML attendee pages."""
    return page.locator("#root").count() > 0


def close_page_not_found(page, timeout: float = 3_000) -> None:
    """Close Streamlit's "Page not found" notice, shown over the right page on the first
    direct visit to a page other than / after a server start (README, Known limits)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    dialog = page.get_by_role("dialog")
    try:
        dialog.wait_for(timeout=timeout)
    except PlaywrightTimeout:  # no notice: the normal case
        return
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


def wait_for_streamlit(page, timeout: float = 20_000) -> None:
    """Wait until the app is connected, rendered and not running a script."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidgetRunningIcon"]', state="detached", timeout=timeout)


def until_shown(page, url: str, text: str, timeout: float = 10) -> None:
    """Open an HTML attendee page `url` until it shows `text` (the server's shared reads keep what is
    live for about 1 s after the test's store changes it).

    With JavaScript on, the page's follow script may reload it once more when its event
    stream's first message is newer than the page: that reload may abort ours, and is let
    finish before the page is looked at.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    deadline = time.monotonic() + timeout
    while True:
        try:
            page.goto(url)
            if _shows(page, text):
                page.wait_for_timeout(1_500)  # the follow script's reload, if any, comes now
                if _shows(page, text):
                    break
        except PlaywrightError:  # our navigation aborted by the page's own reload: try again
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.3)
    expect(page.locator("main")).to_contain_text(text)


def _shows(page, text: str) -> bool:
    """Whether the page shows `text`; False while it reloads itself (its follow script saw the change)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.wait_for_load_state()
        return text in page.content()
    except PlaywrightError:  # "the page is navigating"
        return False
