"""Sign-in links (issue 22, §3): a way into the control panel that a guessing storm cannot block.

A signed-in organiser (or the command line) makes a link for one facilitator of one
event: it works once, for 15 minutes, for that event only; using it is not a guess
(it neither waits for the sign-in pauses nor clears them). The storm test runs a
guesser opening a new session per wrong passcode (~5 a second) through the path the
sign-in form uses, and a facilitator with a link walks in meanwhile; bench/sign_in_storm.py
measures the same over longer runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from bench.sign_in_storm import Storm, todays_checked_guesses
from eventkit.access import security, sign_in_link
from eventkit.access.console import Console, ConsoleLocked
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.storage import StoreError
from tests.app_pages import APP, open_page, open_signed_in

PANEL, EDITOR = "pages/facilitator.py", "pages/organiser_editor.py"
BASE = "http://venue.example:8501"


def _token(url: str) -> str:
    return url.split(f"{sign_in_link.PARAM}=", 1)[1]


def _use(store, event_id: int, url: str) -> Console:
    return Console.use_sign_in_link(store, event_id, _token(url))


def _storm_pause_in_force(store, event_id: int) -> int:
    """Seconds a new session (one that never guessed) must wait before trying the passcode."""
    return store.login_wait_seconds("facilitator", event_id, security.new_token())


# --- Store and Console -----------------------------------------------------------------------


def test_a_link_works_once_and_only_for_its_event(demo, demo_spec):
    store, event = demo
    other = store.get_event(store.import_event(dataclasses.replace(demo_spec, code="OTHER1")))
    url = sign_in_link.issue(store, event, BASE).url
    assert url.startswith(f"{BASE}/facilitator?event=FIFE16&signin=")
    with pytest.raises(ConsoleLocked, match="not for this event"):
        _use(store, other.id, url)  # another event's panel: refused, and the link is not spent
    con = _use(store, event.id, url)
    assert con.event_id == event.id
    token, _ = con.remember()  # the same pass as the passcode gives
    assert Console.resume(store, event.id, token).event_id == event.id
    with pytest.raises(ConsoleLocked, match="already been used"):
        _use(store, event.id, url)
    for forged in ("", "short", _token(url)[:-2] + "xy", "a" * 80):
        with pytest.raises(ConsoleLocked, match="not for this event"):
            Console.use_sign_in_link(store, event.id, forged)


def test_an_expired_link_is_refused(demo):
    store, event = demo
    url = sign_in_link.issue(store, event, BASE, now=datetime.now(UTC) - timedelta(minutes=16)).url
    with pytest.raises(ConsoleLocked, match="expired"):
        _use(store, event.id, url)
    fresh = sign_in_link.issue(store, event, BASE, now=datetime.now(UTC) - timedelta(minutes=14)).url
    assert _use(store, event.id, fresh).event_id == event.id  # 14 minutes old: still works


def test_only_a_hash_is_stored_and_a_new_passcode_ends_unused_links(demo):
    store, event = demo
    url = sign_in_link.issue(store, event, BASE).url
    with store.read() as db:
        stored = db.execute("SELECT token_hash, used_at FROM sign_in_links").fetchall()
    assert [tuple(r) for r in stored] == [(security.fingerprint(_token(url)), None)]
    store.set_facilitator_hash(event.id, security.hash_passcode("a-new-passcode", n=16))
    with pytest.raises(ConsoleLocked, match="new passcode has replaced it"):
        _use(store, event.id, url)


def test_no_link_without_a_passcode(demo):
    store, event = demo
    store.set_facilitator_hash(event.id, "")
    with pytest.raises(StoreError, match="passcode first"):
        sign_in_link.issue(store, store.get_event(event.id), BASE)


def test_two_tabs_opening_one_link_at_once_let_exactly_one_in(demo):
    store, event = demo
    url = sign_in_link.issue(store, event, BASE).url
    start = threading.Barrier(8)

    def open_tab(_: int) -> str:
        start.wait()
        try:
            _use(store, event.id, url)
            return "in"
        except ConsoleLocked as err:
            return str(err)

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(open_tab, range(8)))
    assert outcomes.count("in") == 1, outcomes
    assert all("already been used" in o for o in outcomes if o != "in"), outcomes


def test_a_link_is_not_a_guess_it_neither_waits_for_nor_clears_the_pause(demo):
    store, event = demo
    for i in range(40):  # a storm from 40 sessions: everyone's sign-in is paused
        with contextlib.suppress(ConsoleLocked):
            Console.unlock(store, event.id, f"wrong-{i}", client=f"guesser-{i}")
    failures = store.count_login_failures("facilitator", event.id)
    assert failures >= 30 and _storm_pause_in_force(store, event.id) > 0
    with pytest.raises(ConsoleLocked, match="paused for everyone"):
        Console.unlock(store, event.id, DEMO_PASSCODE, client="the-facilitator")
    assert _use(store, event.id, sign_in_link.issue(store, event, BASE).url).event_id == event.id
    sign_in_link.issue(store, event, BASE)  # making another gives the guessers nothing either
    assert store.count_login_failures("facilitator", event.id) == failures  # the paused try is not counted
    assert _storm_pause_in_force(store, event.id) > 0  # no fresh guesses for anybody


# --- The pages -------------------------------------------------------------------------------


def _make_link_on_the_editor(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Make a sign-in link").click().run()
    return at


def _open_link(url: str) -> AppTest:
    return open_page(PANEL, event="FIFE16", **{sign_in_link.PARAM: _token(url)})


def test_the_organiser_makes_a_link_once_and_it_opens_the_panel_once(app_db):
    store, event = app_db
    at = _make_link_on_the_editor(open_signed_in(EDITOR))
    assert not at.exception and not at.error
    [shown] = [c.value for c in at.code]
    assert f"/facilitator?event=FIFE16&{sign_in_link.PARAM}=" in shown
    assert any("Works once" in c.value for c in at.caption)
    at.run()  # any later run: the link is not shown again
    assert not at.code

    panel = _open_link(shown)
    assert not panel.exception and not panel.error
    assert [t.label for t in panel.tabs][:1] == ["Run of show"]
    assert sign_in_link.PARAM not in panel.query_params  # out of the address bar
    assert store.count_login_failures("facilitator", event.id) == 0  # never a guess
    with store.read() as db:
        assert db.execute("SELECT COUNT(*) FROM staff_passes WHERE role = 'facilitator'").fetchone()[0] == 1

    again = _open_link(shown)
    assert not again.exception and not again.tabs
    assert "already been used" in again.error[0].value
    assert [b.label for b in again.button] == ["Open the control panel"]  # the passcode form


@pytest.mark.parametrize("who", ["facilitator", "attendee"])
def test_a_facilitator_or_attendee_cannot_make_a_link(app_db, who):
    store, event = app_db
    if who == "facilitator":
        at = open_page(PANEL, password=DEMO_PASSCODE, event="FIFE16")
        assert at.tabs  # signed in to the panel; the same session goes to the editor
    else:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"event": "FIFE16", "p": "an-attendee-token-0001"})
    at.switch_page(EDITOR).run()
    assert not at.exception
    assert "Make a sign-in link" not in [b.label for b in at.button]
    assert at.title[0].value == "Organiser sign-in"
    assert store.count_sign_in_links(event.id) == 0


def test_a_signed_out_organiser_pressing_make_gets_no_link(app_db):
    store, event = app_db
    at = open_signed_in(EDITOR)
    store.delete_staff_passes("organiser")  # signed out in another tab meanwhile
    _make_link_on_the_editor(at)
    assert not at.code and store.count_sign_in_links(event.id) == 0


# --- During a storm --------------------------------------------------------------------------


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_during_a_storm_a_facilitator_with_a_link_gets_in_and_the_guessers_get_no_more(app_db):
    """A guesser at ~5 wrong passcodes a second, a new session each; once the storm pauses
    everyone, the passcode form keeps the facilitator out but the organiser's link lets them in
    (well within a minute); the guesses checked over the run are no more than today's rule allows."""
    store, event = app_db
    with Storm(store, event.id, rate=5.0) as storm:
        while _storm_pause_in_force(store, event.id) == 0:
            assert storm.elapsed() < 60, "the storm never paused sign-in"
            time.sleep(0.2)
        refused = open_page(PANEL, password=DEMO_PASSCODE, event="FIFE16")
        assert not refused.tabs and "paused for everyone" in refused.error[0].value
        asked = time.monotonic()
        url = sign_in_link.issue(store, event, BASE).url
        panel = _open_link(url)
        seconds_to_get_in = time.monotonic() - asked
        assert panel.tabs and not panel.error, [e.value for e in panel.error]
        time.sleep(2)  # the storm goes on after the facilitator is in
    assert seconds_to_get_in < 60
    assert storm.refused > 0 and storm.checked > 0
    allowed = todays_checked_guesses(storm.attempt_offsets())
    assert storm.checked <= allowed, (storm.checked, allowed, storm.elapsed())
    assert _storm_pause_in_force(store, event.id) > 0
