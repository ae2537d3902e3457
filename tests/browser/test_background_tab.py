"""An organiser tab really left in the background, then a menu link clicked (issue 19, item 6).

Reported: an organiser tab idle about ten minutes while the day ran in other
tabs, then *Thematic coding* clicked, landed on "Join an event". Playwright
cannot put a tab in the background: every page it drives is kept visible and
focused (focus emulation), so Chromium never hides, throttles or freezes it,
and `Page.setWebLifecycleState` "frozen" is refused for a visible page. This
test therefore runs a real (headful) Chromium on an X display (Xvfb), sets
the tabs up through Playwright over CDP, then lets go of the browser: with no
DevTools emulation left, bringing another tab of the same window to the front
hides the organiser tabs (visibilityState "hidden", timers throttled), as on
a laptop. One organiser tab is only hidden; the other is also frozen through
Chromium's page lifecycle, as Chromium does to background tabs, which closes
its websocket ("Page entered Back-Forward Cache"). Frozen for longer than
Streamlit keeps a disconnected session, it comes back to a new session.

Measured (Streamlit 1.67, Chromium 156, this machine): with the real timing,
11 minutes hidden (and 11 minutes frozen) with the default 120 s session
lifetime while the live activity changed every 20 s, both tabs, and a
headless organiser tab idle as in test_whole_day, opened Thematic coding;
the defect did not reproduce. The frozen tab's websocket closed when it froze
and reopened when it resumed, and the server gave it back its own session (no
new session in the debug log), at 11 minutes as in this test's seconds: the
same path, so the test runs it with a 3 s lifetime and 10 s away.
EVENTKIT_BACKGROUND_S=660 runs it with the real timing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from websockets.sync.client import connect

from tests.browser.conftest import (
    ADMIN_PASSWORD,
    CHROMIUM,
    CHROMIUM_ARGS,
    missing,
    start_app_server,
    wait_for_streamlit,
)

LIFETIME_S = 3  # server.disconnectedSessionTTL of this test's server
AWAY_S = int(os.environ.get("EVENTKIT_BACKGROUND_S", str(LIFETIME_S + 7)))
VISIBILITY = """window.__seen = [document.visibilityState];
document.addEventListener('visibilitychange', () => window.__seen.push(document.visibilityState));
document.addEventListener('freeze', () => window.__seen.push('frozen'));
document.addEventListener('resume', () => window.__seen.push('resumed'));"""


@contextmanager
def display():
    """An X display: the one given, or a private Xvfb."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if not shutil.which("Xvfb"):
        missing("Xvfb not found (apt-get install xvfb): a headless browser never hides a tab")
    number = f":{90 + os.getpid() % 800}"
    server = subprocess.Popen(["Xvfb", number, "-screen", "0", "1400x900x24", "-nolisten", "tcp"])
    try:
        time.sleep(1)
        yield number
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def real_chromium(tmp_path: Path):
    """A headful Chromium with a DevTools port; yields the port."""
    from tests.browser.conftest import free_port

    port = free_port()
    with display() as number:
        browser = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_ARGS, f"--remote-debugging-port={port}", f"--user-data-dir={tmp_path / 'profile'}"]
            + ["--window-size=1280,800", "about:blank"],
            env={**os.environ, "DISPLAY": number},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.3)
            yield port
        finally:
            browser.terminate()
            browser.wait(timeout=10)


def tabs(port: int) -> list[dict]:
    return [t for t in json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list")) if t["type"] == "page"]


def devtools(target: dict, method: str, params: dict | None = None) -> dict:
    """One DevTools call on a tab, on a connection of its own (no emulation is set)."""
    with connect(target["webSocketDebuggerUrl"], max_size=None) as ws:
        ws.send(json.dumps({"id": 1, "method": method, "params": params or {}}))
        while True:
            reply = json.loads(ws.recv(timeout=30))
            if reply.get("id") == 1:
                return reply


def seen(target: dict) -> list[str]:
    reply = devtools(target, "Runtime.evaluate", {"expression": "JSON.stringify(window.__seen)", "returnByValue": True})
    return json.loads(reply["result"]["result"]["value"])


def open_the_editor(page, url: str) -> None:
    """Sign in as organiser (unless the browser's cookie already has) and open the Event editor."""
    page.goto(f"{url}/")
    wait_for_streamlit(page)
    page.get_by_role("link", name="Organiser area").click()
    expect(page.get_by_role("heading", name=re.compile("^Organiser( sign-in)?$"))).to_be_visible()
    wait_for_streamlit(page)
    if page.get_by_label("Organiser password").count():
        page.get_by_label("Organiser password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Organiser", exact=True)).to_be_visible()
    wait_for_streamlit(page)
    page.get_by_role("link", name="Event editor").click()
    expect(page.get_by_role("heading", name="Event editor")).to_be_visible()
    wait_for_streamlit(page)


def sessions_created(server) -> int:
    return len(re.findall(r"Created new session", server.log_path.read_text()))


def test_organiser_tabs_left_in_the_background_still_open_their_menu_links(tmp_path):
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} not found")
    options = {"server.disconnectedSessionTTL": LIFETIME_S, "logger.level": "debug"}
    with (
        start_app_server(tmp_path, **options) as server,
        real_chromium(tmp_path) as port,
        sync_playwright() as playwright,
    ):
        laptop = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        context = laptop.contexts[0]
        context.add_init_script(VISIBILITY)
        context.set_default_timeout(30_000)
        for page in (context.pages[0], context.new_page()):
            open_the_editor(page, server.url)
        for path in ("/projector?event=FIFE16", "/?event=FIFE16&table=1", "/facilitator?event=FIFE16"):
            context.new_page().goto(f"{server.url}{path}")
        laptop.close()  # let go: no focus emulation left on any tab

        hidden, frozen = [t for t in tabs(port) if t["url"].endswith("/organiser-editor")]
        panel = next(t for t in tabs(port) if "/facilitator" in t["url"])
        urllib.request.urlopen(f"http://127.0.0.1:{port}/json/activate/{panel['id']}").read()
        time.sleep(2)
        assert seen(hidden)[-1] == seen(frozen)[-1] == "hidden", "the organiser tabs did not go to the background"
        before = sessions_created(server)
        with connect(
            frozen["webSocketDebuggerUrl"], max_size=None
        ) as with_freeze:  # the lifecycle state holds while this DevTools connection lasts
            with_freeze.send(
                json.dumps({"id": 1, "method": "Page.setWebLifecycleState", "params": {"state": "frozen"}})
            )
            for minute in range(0, AWAY_S, 20):  # the day goes on meanwhile: the live activity changes
                server.store.set_live(server.event.id, ("wall", "tables", "welcome")[minute // 20 % 3])
                time.sleep(min(20, AWAY_S - minute))
            with_freeze.send(
                json.dumps({"id": 2, "method": "Page.setWebLifecycleState", "params": {"state": "active"}})
            )
            time.sleep(1)
        assert "frozen" in seen(frozen) and "resumed" in seen(frozen), seen(frozen)
        # Measured, not required: the frozen tab came back to its own session here (3 s lifetime, 10 s
        # frozen) as in the 11-minute run (120 s lifetime); test_lost_session covers a new session.
        print("sessions created while away:", sessions_created(server) - before)

        laptop = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        organisers = [p for p in laptop.contexts[0].pages if p.url.endswith("/organiser-editor")]
        assert len(organisers) == 2
        for page in organisers:
            page.bring_to_front()
            wait_for_streamlit(page, timeout=60_000)
            page.get_by_role("link", name="Thematic coding").click()
            expect(page.get_by_role("heading", name="Thematic coding")).to_be_visible()
            assert page.get_by_text("Join an event").count() == 0
            assert page.url.startswith(f"{server.url}/organiser-coding")
        laptop.close()
