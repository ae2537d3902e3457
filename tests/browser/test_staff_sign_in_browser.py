"""Browser: staff stay signed in across a reload (and a new session) for the day, and can sign out.

Issue 13: a reloaded control panel asked for the passcode again, and an
organiser tab idle for a while (its Streamlit session expired) asked for the
password again. The browser now keeps a pass in a cookie until midnight; no
secret is ever in the address or the cookie.

Issue 22: the cookie was written by page script, so `document.cookie` showed it on
every page. The server sets it now (HttpOnly), and Sign out is the server's page
whose button posts; the other tabs of the browser show the sign-in within a refresh.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from eventkit.access import security
from eventkit.event.demo import DEMO_PASSCODE
from tests.browser.conftest import ADMIN_PASSWORD, close_page_not_found, wait_for_streamlit

pytestmark = pytest.mark.browser


def _cookie(context, name: str) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == name), None)


def _wait_for_cookie(context, name: str, present: bool = True) -> dict | None:
    """The cookie once the page's script has set (or cleared) it: it runs just after the page draws."""
    deadline = time.monotonic() + 10
    while (_cookie(context, name) is not None) != present and time.monotonic() < deadline:
        time.sleep(0.1)
    return _cookie(context, name)


def test_organiser_stays_signed_in_across_reload_and_new_session_until_sign_out(app_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(app_server.page_url("/organiser-dashboard"))
    close_page_not_found(page, timeout=2_000)
    page.get_by_label("Organiser password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible(timeout=20_000)
    wait_for_streamlit(page)
    cookie = _wait_for_cookie(context, "ek_organiser")
    assert cookie is not None and cookie["sameSite"] == "Strict" and cookie["httpOnly"] and cookie["path"] == "/"
    assert cookie["value"] not in page.evaluate("document.cookie")
    assert ADMIN_PASSWORD not in cookie["value"] and security.looks_like_token(cookie["value"])
    assert app_server.store.staff_pass(security.fingerprint(cookie["value"])) is not None

    page.reload()  # a new Streamlit session: what a phone's background tab or a long idle gets
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible(timeout=20_000)
    other = context.new_page()  # a bookmark opened in another tab
    other.goto(app_server.page_url("/organiser-exports"))
    expect(other.get_by_role("heading", name="Exports", level=1)).to_be_visible(timeout=20_000)
    assert all(cookie["value"] not in p.url and ADMIN_PASSWORD not in p.url for p in (page, other))

    _sign_out(context, other)
    assert _wait_for_cookie(context, "ek_organiser", present=False) is None
    assert app_server.store.staff_pass(security.fingerprint(cookie["value"])) is None
    page.reload()
    expect(page.get_by_role("heading", name="Organiser sign-in", level=1)).to_be_visible(timeout=20_000)
    context.close()


def test_control_panel_stays_signed_in_across_reload_and_the_projector_shows_no_secret(app_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(app_server.page_url("/facilitator", event="FIFE16"))
    close_page_not_found(page, timeout=2_000)
    page.get_by_label("Facilitator passcode").fill(DEMO_PASSCODE)
    page.get_by_role("button", name="Open the control panel").click()
    expect(page.get_by_role("heading", name="Control panel", level=1)).to_be_visible(timeout=20_000)
    wait_for_streamlit(page)
    name = f"ek_facilitator_{app_server.event.id}"
    cookie = _wait_for_cookie(context, name)
    token = cookie["value"]
    assert DEMO_PASSCODE not in token and token not in page.url and cookie["httpOnly"]
    assert token not in page.evaluate("document.cookie")

    page.reload()
    expect(page.get_by_role("heading", name="Control panel", level=1)).to_be_visible(timeout=20_000)
    projector = context.new_page()
    projector.goto(app_server.page_url("/projector", event="FIFE16"))
    wait_for_streamlit(projector)
    assert token not in projector.url and token not in projector.content()
    assert token not in projector.evaluate("document.cookie")

    opened = context.new_page()  # what another site can make the browser do: open the address
    opened.goto(app_server.page_url("/staff/sign-out", event="FIFE16"))
    expect(opened.get_by_role("button", name="Sign out")).to_be_visible()
    assert app_server.store.staff_pass(security.fingerprint(token)) is not None
    opened.close()

    _sign_out(context, page)
    # The panel tab left open shows the sign-in within a refresh, without a reload.
    expect(page.get_by_role("heading", name="Facilitator sign-in", level=1)).to_be_visible(timeout=20_000)
    assert app_server.store.staff_pass(security.fingerprint(token)) is None
    page.reload()
    expect(page.get_by_role("heading", name="Facilitator sign-in", level=1)).to_be_visible(timeout=20_000)
    assert _wait_for_cookie(context, name, present=False) is None
    context.close()


def _sign_out(context, page) -> None:
    """Sign out as staff do: the link opens the server's page in a new tab; its button posts."""
    with context.expect_page() as opened:
        page.get_by_role("link", name="Sign out").click()
    confirm = opened.value
    confirm.get_by_role("button", name="Sign out").click()
    expect(confirm.get_by_role("heading", name="Signed out", level=1)).to_be_visible(timeout=20_000)
    confirm.get_by_role("link", name="Sign in again").click()
    expect(confirm.get_by_role("heading", name="sign-in", level=1)).to_be_visible(timeout=20_000)
    confirm.close()
