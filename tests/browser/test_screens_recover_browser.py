"""The control panel and the projector recover by themselves: after a stalled server, and from a blank page.

Issue 21: in one whole-day run on a loaded machine the panel became a blank
white page at the estimate step and stayed so. A server stopped for 45 s
(SIGSTOP, as an overloaded machine does to it) then continued must leave both
screens working without a reload; a page whose app is no longer drawn (what a
frontend error leaves: a white page with a live connection) must say so and
reload itself (eventkit/ui/watchdog.py).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

from playwright.sync_api import expect

from eventkit.event.demo import DEMO_PASSCODE
from eventkit.ui.watchdog import MESSAGE
from tests.browser.conftest import start_app_server, wait_for_streamlit

STALL_S = 45


def open_screens(browser, server) -> dict:
    """The signed-in control panel (1280×800) and the projector (1920×1080)."""
    screens = {}
    for name, path, (width, height) in [
        ("panel", "/facilitator", (1280, 800)),
        ("projector", "/projector", (1920, 1080)),
    ]:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(server.page_url(path, event="FIFE16"))
        wait_for_streamlit(page)
        screens[name] = page
    panel = screens["panel"]
    panel.get_by_label("Facilitator passcode").fill(DEMO_PASSCODE)
    panel.get_by_role("button", name="Open the control panel").click()
    expect(panel.get_by_role("heading", name="Control panel")).to_be_visible()
    return screens


def test_a_blank_panel_and_projector_say_so_and_reload_themselves(app_server, browser):
    screens = open_screens(browser, app_server)
    try:
        for page in screens.values():
            page.evaluate("document.querySelector('[data-testid=stApp]').remove()")  # the white page
        for page in screens.values():
            expect(page.get_by_role("alert").filter(has_text=MESSAGE)).to_be_visible(timeout=20_000)
        expect(screens["panel"].get_by_role("heading", name="Control panel")).to_be_visible(timeout=30_000)
        expect(screens["panel"].get_by_role("button", name="Next question")).to_be_visible()  # still signed in
        expect(screens["projector"].get_by_text("Event code  FIFE16")).to_be_visible(timeout=30_000)
        for page in screens.values():
            expect(page.locator("#ek-watchdog")).to_have_count(0)  # a fresh page: the line is gone
    finally:
        for page in screens.values():
            page.context.close()


def test_after_a_stalled_server_the_panel_and_the_projector_go_on(browser, tmp_path):
    with start_app_server(tmp_path) as server:
        screens = open_screens(browser, server)
        panel, projector = screens["panel"], screens["projector"]
        try:
            first = server.store.list_polls(server.event.id)[0]
            port = server.url.rsplit(":", 1)[1]
            pids = [
                int(p)
                for p in subprocess.run(
                    ["pgrep", "-f", "--", f"server.port {port}"], capture_output=True, text=True
                ).stdout.split()
            ]
            assert pids, "the test server's process"
            for pid in pids:
                os.kill(pid, signal.SIGSTOP)
            try:
                time.sleep(STALL_S)  # the stall itself: nothing to wait for on screen
            finally:
                for pid in pids:
                    os.kill(pid, signal.SIGCONT)
            panel.get_by_role("button", name="Next question").click()
            expect(panel.get_by_text(re.compile(r"^Live: Q1 · voting open"))).to_be_visible(timeout=30_000)
            expect(projector.get_by_text(first.question)).to_be_visible(timeout=30_000)
            assert server.store.get_poll(first.id).state == "open"
            expect(panel.locator("#ek-watchdog")).to_have_count(0)
        finally:
            for page in screens.values():
                page.context.close()
