"""The door: expected attendance, Close / Reopen joining, and the join limit (issue 12, §2).

Storage-level tests use threads released together, so the checks inside the
join's single guarded INSERT meet real concurrent writers; page tests drive
the control panel's door (AppTest) and the HTML phone's closed-door message.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from eventkit import ui
from eventkit.access.security import new_token
from eventkit.event import editing as event_editing
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.event.file import EventFileError, dump_event_file, parse_event_file
from eventkit.models import Participant
from eventkit.rehearse.runner import WARM_UP_SESSIONS, door_problem
from eventkit.storage import utc_stamp
from eventkit.storage.participants import (
    BUSY_JOIN_MESSAGE,
    CLOSED_MESSAGE,
    JOIN_WINDOW_SECONDS,
    JoinRefused,
    join_limit,
)
from eventkit.web import store as web_store
from tests.app_pages import open_page
from tests.web_client import Phone, text_of, web_app

PANEL = "pages/facilitator.py"


def expect(store, event, people: int):
    """Set the event's expected attendance; returns the refreshed event."""
    spec = store.export_spec(event.id)
    store.update_event(event.id, replace(spec, settings=replace(spec.settings, expected_attendance=people)))
    return store.get_event(event.id)


def join_together(store, event_id: int, calls: list[tuple[str, int | None]]) -> list[Participant | JoinRefused]:
    """Every (token, table) joins at once, one thread each, released by one barrier."""
    gate = threading.Barrier(len(calls))

    def one(call):
        gate.wait()
        try:
            return store.join(event_id, *call)
        except JoinRefused as refused:
            return refused

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(one, calls))


# --- The limit: a real room never meets it; a script is held to it -------------------------


@pytest.mark.parametrize("expected, limit", [(0, 2000), (1, 22), (42, 104), (1000, 2020), (5000, 10020)])
def test_join_limit_per_minute(expected, limit):
    assert join_limit(expected) == limit
    # A whole expected room re-scanning once still fits; without an expectation, twice the 1,000-phone room.
    assert join_limit(expected) >= 2 * (expected or 1000)


@pytest.mark.parametrize("expected", [0, 1000])
def test_a_room_of_1000_phones_joining_within_a_minute_all_get_in(demo, expected):
    store, event = demo
    if expected:
        event = expect(store, event, expected)
    joined = [store.join(event.id, new_token(), 1 + i % 4) for i in range(1000)]  # well inside 60 s
    assert len({p.id for p in joined}) == 1000
    assert store.count_participants(event.id) == store.recent_joins(event.id) == 1000


def test_the_join_limit_holds_exactly_under_concurrent_joins(demo):
    store, event = demo
    event = expect(store, event, 10)  # at most 40 new devices a minute
    outcomes = join_together(store, event.id, [(new_token(), None) for _ in range(90)])
    admitted = [o for o in outcomes if isinstance(o, Participant)]
    refused = [o for o in outcomes if isinstance(o, JoinRefused)]
    assert len(admitted) == join_limit(10) == 40
    assert len(refused) == 50 and {r.reason for r in refused} == {"limit"}
    assert {str(r) for r in refused} == {BUSY_JOIN_MESSAGE}
    assert store.count_participants(event.id) == 40
    assert sorted(p.seq for p in admitted) == list(range(1, 41))  # counted from rows, numbered without gaps


def test_the_limit_is_a_rolling_minute(demo):
    store, event = demo
    event = expect(store, event, 1)  # 22 a minute
    start = datetime(2026, 5, 18, 9, 0, tzinfo=UTC)

    def at(seconds: float):
        moment = utc_stamp(start + timedelta(seconds=seconds))
        return mock.patch("eventkit.storage.participants.utc_now", lambda: moment)

    with at(0):
        for _ in range(22):
            store.join(event.id, new_token())
    with at(JOIN_WINDOW_SECONDS - 1), pytest.raises(JoinRefused) as refused:
        store.join(event.id, new_token())
    assert refused.value.reason == "limit"
    with at(JOIN_WINDOW_SECONDS + 1):  # the first 22 have left the window
        assert store.join(event.id, new_token()).seq == 23


# --- Close joining: new devices wait, people already in carry on -----------------------------


def test_a_closed_door_refuses_every_new_device_and_lets_everyone_in_move_tables(demo):
    store, event = demo
    inside = [(new_token(), None) for _ in range(12)]
    before = {token: store.join(event.id, token) for token, _ in inside}
    store.set_joining_open(event.id, False)
    assert not store.get_event(event.id).joining_open
    newcomers = [(new_token(), None) for _ in range(24)]
    movers = [(token, 1 + i % 4) for i, (token, _) in enumerate(inside)]  # a table QR scanned in the same tab
    outcomes = join_together(store, event.id, newcomers + movers)
    refused, moved = outcomes[:24], outcomes[24:]
    assert all(isinstance(o, JoinRefused) and o.reason == "closed" for o in refused), refused
    assert str(refused[0]) == CLOSED_MESSAGE and "ask a facilitator" in CLOSED_MESSAGE
    assert [(m.id, m.table_no) for m in moved] == [(before[t].id, table) for t, table in movers]
    assert store.count_participants(event.id) == 12
    assert store.join(event.id, inside[0][0]) == moved[0]  # a reload while closed: the same person
    store.set_joining_open(event.id, True)
    assert store.join(event.id, newcomers[0][0]).seq == 13


def test_a_refused_join_stores_nothing_about_the_device(demo):
    store, event = demo
    store.set_joining_open(event.id, False)
    with pytest.raises(JoinRefused):
        store.join(event.id, new_token())
    with store.read() as db:
        columns = {d[0] for d in db.execute("SELECT * FROM participants").description}
        assert db.execute("SELECT COUNT(*) FROM participants").fetchone()[0] == 0
    assert columns == {"id", "event_id", "token_hash", "seq", "table_no", "joined_at", "set_aside_id"}  # no address


# --- Expected attendance: the editor and the event file -------------------------------------


def test_expected_attendance_round_trips_through_the_event_file_and_the_editor(demo):
    store, event = demo
    spec = store.export_spec(event.id)
    assert spec.settings.expected_attendance == 0
    saved = event_editing.save(store, event.id, event_editing.with_details(spec, {}, {"expected_attendance": 60}))
    assert saved.settings.expected_attendance == 60
    assert store.get_event(event.id).expected_attendance == 60
    text = dump_event_file(store.export_spec(event.id))
    assert "expected_attendance: 60" in text
    assert parse_event_file(text).settings.expected_attendance == 60
    event_editing.save(store, event.id, event_editing.with_details(spec, {}, {"expected_attendance": 0}))
    assert store.get_event(event.id).expected_attendance == 0


@pytest.mark.parametrize("value", ["-1", "2.5", "many", "100001", "true"])
def test_a_wrong_expected_attendance_is_a_field_and_line_message(value):
    with pytest.raises(EventFileError) as err:
        parse_event_file(f"code: ABC1\ntitle: T\nsettings:\n  expected_attendance: {value}\n")
    assert str(err.value).startswith("settings.expected_attendance (line 4): must be")


# --- The rehearsal tool still joins its phones --------------------------------------------------


def test_rehearsal_checks_the_door_before_it_starts(demo):
    store, event = demo
    phones = 1000 + WARM_UP_SESSIONS
    assert door_problem(event, phones) == ""  # 1,000 phones in 60 s fit the default limit
    assert door_problem(expect(store, event, 1000), phones) == ""
    assert "Raise its expected attendance" in door_problem(expect(store, event, 150), phones)
    store.set_joining_open(event.id, False)
    assert "Joining is closed" in door_problem(store.get_event(event.id), phones)


# --- Pages: the panel's door control and the attendee's closed-door message -------------------


def panel(event) -> AppTest:
    at = open_page(PANEL, password=DEMO_PASSCODE, event=event.code)
    assert not at.exception
    return at


def rerun(at: AppTest) -> AppTest:
    ui.reads().expire_all()
    return at.run()


def test_panel_closes_and_reopens_joining(app_db):
    store, event = app_db
    at = panel(event)
    assert any(c.value.startswith("**Joining is open**") for c in at.caption)
    at.button(key="door-close").click().run()
    assert not at.exception and not at.error
    assert not store.get_event(event.id).joining_open
    assert any(c.value.startswith("**Joining is closed**") for c in at.caption)
    at.button(key="door-open").click().run()
    assert not at.exception and store.get_event(event.id).joining_open


def test_panel_alerts_when_more_devices_joined_than_expected(app_db):
    store, event = app_db
    expect(store, event, 3)
    for _ in range(3):
        store.join(event.id, new_token())
    at = panel(event)
    assert not at.warning or not any("more than the 3 people expected" in w.value for w in at.warning)
    store.join(event.id, new_token())
    rerun(at)
    alert = [w.value for w in at.warning if "expected" in w.value]
    assert alert and "4 devices have joined: more than the 3 people expected" in alert[0]
    assert "close joining" in alert[0]


def test_a_new_phone_at_a_closed_door_is_told_to_ask_a_facilitator(app_db):
    store, event = app_db
    app = web_app()
    inside = Phone(app, event.code)
    inside.join()
    store.set_joining_open(event.id, False)
    web_store.reads().expire_all()  # as the panel in another process would have changed it
    newcomer = Phone(app, event.code)
    refused = newcomer.join()
    assert refused.status_code == 403
    assert CLOSED_MESSAGE in text_of(refused.text)
    again = re.search(r'<a[^>]*href="([^"]+)"[^>]*>Try again</a>', refused.text)
    assert again and again.group(1) == f"/e/{event.code}/join"
    assert store.count_participants(event.id) == 1
    # Already in: the same link, and a table QR in the same browser, carry on.
    assert inside.join(table=2).headers["location"] == f"/e/{event.code}/table"
    assert "Wall" in text_of(inside.client.get(f"/e/{event.code}/table").text)
    assert store.participant_by_token(event.id, inside.client.cookies.get("ek_device")).table_no == 2
    # Reopened: the waiting phone's Try again lets it in, as one new device.
    store.set_joining_open(event.id, True)
    web_store.reads().expire_all()
    assert newcomer.client.get(again.group(1)).status_code == 303
    assert store.count_participants(event.id) == 2
    assert store.participant_by_token(event.id, newcomer.client.cookies.get("ek_device")) is not None


# The join limit's page (503 and BUSY_JOIN_MESSAGE, nothing stored): tests/test_web_join.py,
# test_the_join_limit_holds.
