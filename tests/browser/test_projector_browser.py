"""The projector follows a phone's vote by itself, within 2 seconds, without a reload."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

UPDATE_WITHIN_MS = 2_000


def test_projector_shows_a_new_vote_within_two_seconds(app_server, phone, projector):
    store, event = app_server.store, app_server.event
    poll = store.list_polls(event.id)[0]
    # The facilitator opens the poll, shows live results and makes it live (same DB file).
    store.set_poll_state(poll.id, "open")
    store.set_results_visible(poll.id, True)
    store.set_live(event.id, "poll", poll.id)

    screen = projector(app_server.page_url("/projector", event=event.code))
    expect(screen.get_by_text("0 answers", exact=True)).to_be_visible()
    screen.evaluate("window.__not_reloaded = true")

    attendee = phone(app_server.page_url("/", event=event.code))
    attendee.get_by_role("button", name="About half").click()
    expect(attendee.get_by_text("is recorded", exact=False)).to_be_visible()
    acknowledged = time.monotonic()

    expect(screen.get_by_text("1 answer", exact=True)).to_be_visible(timeout=UPDATE_WITHIN_MS)
    elapsed = time.monotonic() - acknowledged
    assert elapsed < UPDATE_WITHIN_MS / 1000
    assert screen.evaluate("window.__not_reloaded === true"), "the projector reloaded the page"
    assert screen.locator('[data-testid="stHeader"]').is_hidden()  # no Streamlit chrome
    print(f"projector updated {elapsed:.2f}s after the vote was acknowledged")


def test_projector_switches_when_the_facilitator_changes_what_is_live(app_server, projector):
    store, event = app_server.store, app_server.event
    store.set_live(event.id, "welcome")
    screen = projector(app_server.page_url("/projector", event=event.code))
    expect(screen.get_by_text(f"Event code  {event.code}", exact=True)).to_be_visible()
    store.set_live(event.id, "tables")
    expect(screen.get_by_text("Table discussions", exact=True)).to_be_visible(timeout=4_000)
