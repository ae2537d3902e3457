"""Setting aside devices that joined in a window (issue 22, §5): links minted before the door closed.

A window's devices keep their rows (for the record) but leave every count,
result, wall and export, can add nothing more, and come back whole when the
window is restored. Storage tests compare every figure a screen or file
shows with the figures before the flood; page tests drive the panel's form.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from eventkit import ui
from eventkit.access.console import Console, ConsoleLocked
from eventkit.access.security import hash_passcode, new_token
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.storage import utc_stamp
from eventkit.storage.set_aside import SET_ASIDE_MESSAGE, SetAsideError
from tests.app_pages import open_page
from tests.every import assert_every

# Pages run as the server runs them: through app.py's router (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("through_the_router")

START = datetime(2026, 5, 18, 9, 0, tzinfo=UTC)


def stamp(minutes: float) -> str:
    return utc_stamp(START + timedelta(minutes=minutes))


@contextmanager
def joining_at(minutes: float):
    """Devices that join inside this block join `minutes` after 09:00 UTC."""
    with mock.patch("eventkit.storage.participants.utc_now", lambda: stamp(minutes)):
        yield


def take_part(store, event, people) -> None:
    """Each participant votes on both kinds of poll, posts a note, +1s the first note, consents and
    writes a table note at table 1, and sends the evaluation."""
    polls = store.list_polls(event.id)
    choice = next(p for p in polls if p.kind == "choice")
    estimate = next(p for p in polls if p.kind == "estimate")
    prompt = store.list_prompts(event.id)[0]
    table = store.table_by_number(event.id, 1)
    items = store.list_eval_items(event.id)
    for i, person in enumerate(people):
        store.cast_vote(choice.id, person.id, choice.options[i % len(choice.options)].id)
        store.cast_estimate(estimate.id, person.id, 10 + i)
        note = store.add_note(prompt.id, person.id, f"note {person.seq}")
        store.plus_one(store.list_notes(event.id)[-1].id, person.id)
        store.give_consent(table.id, person.id)
        store.add_table_note(table.vignettes[0].id, person.id, "", f"table note {person.seq}")
        store.submit_evaluation(event.id, person.id, {items[0].id: 1 + i % 5, items[-1].id: f"said {person.seq}"})
        assert note.id


def figures(store, event) -> dict:
    """Everything a screen, the dashboard, the report or an export counts, for one event."""
    polls = store.list_polls(event.id)
    return {
        "results": [store.poll_results(p.id) for p in polls],
        "vote_count": [store.vote_count(p.id) for p in polls],
        "votes_per_poll": store.votes_per_poll(event.id),
        "wall": store.list_notes(event.id),
        "moderation": store.notes_for_moderation(event.id),
        "response_rate": store.response_rate(event.id),
        "count_participants": store.count_participants(event.id),
        "count_eval_responses": store.count_eval_responses(event.id),
        "table_summary": store.table_summary(event.id),
        "consent": store.table_consent_count(store.table_by_number(event.id, 1).id),
        "table_notes": store.list_table_notes(store.table_by_number(event.id, 1).id),
        "activity": store.activity_times(event.id),
        "notes_per_prompt": store.notes_per_prompt(event.id),
        "eval_value_counts": store.eval_value_counts(event.id),
        "codable": store.codable_items(event.id),
        **{
            f"export_{name}": getattr(store, f"export_{name}")(event.id)
            for name in ("votes", "estimates", "wall_notes", "table_notes", "eval_answers", "participants")
        },
    }


@pytest.fixture
def flooded(demo):
    """(store, event, figures of the room alone, figures with the flood): 4 people at 09:00, 6 scripted at 09:05."""
    store, event = demo
    store.set_eval_open(event.id, True)
    for poll in store.list_polls(event.id)[:2]:
        store.set_poll_state(poll.id, "open")
    with joining_at(0):
        room = [store.join(event.id, new_token(), 1) for _ in range(4)]
    take_part(store, event, room)
    before = figures(store, event)
    with joining_at(5):
        flood = [store.join(event.id, new_token(), 1) for _ in range(6)]
    take_part(store, event, flood)
    return store, event, before, figures(store, event), flood


def differing(a: dict, b: dict) -> list[str]:
    return [name for name in a if a[name] != b[name]]


def test_a_set_aside_window_leaves_every_count_and_export_and_restore_brings_it_back(flooded):
    store, event, room_only, with_flood, flood = flooded
    assert set(differing(room_only, with_flood)) == set(room_only)  # the flood shows everywhere at first
    rows_before = store.event_row_counts(event.id)

    assert store.set_aside_joined_between(event.id, stamp(4), stamp(6)) == 6
    assert differing(room_only, figures(store, event)) == []
    [window] = store.list_set_asides(event.id)
    assert (window.devices, window.votes, window.notes) == (6, 12, 6)
    # Kept for the record: no row went, only the window was added.
    assert store.event_row_counts(event.id) == {**rows_before, "set_asides": 1}
    assert store.my_vote(store.list_polls(event.id)[0].id, flood[0].id) is not None

    assert store.restore_set_aside(event.id, window.id) == 6
    assert differing(with_flood, figures(store, event)) == []
    assert store.list_set_asides(event.id) == []


def test_a_window_takes_only_devices_not_already_set_aside_and_an_empty_one_records_nothing(flooded):
    store, event, *_ = flooded
    assert store.set_aside_joined_between(event.id, stamp(4), stamp(5) + "") == 0  # nobody joined 09:04-09:05
    assert store.list_set_asides(event.id) == []
    assert store.set_aside_joined_between(event.id, stamp(-1), stamp(10)) == 10
    assert store.set_aside_joined_between(event.id, stamp(4), stamp(6)) == 0
    assert [w.devices for w in store.list_set_asides(event.id)] == [10]
    with pytest.raises(Exception, match="end after it starts"):
        store.set_aside_joined_between(event.id, stamp(6), stamp(4))
    assert store.joins_per_minute(event.id, stamp(-30)) == [
        (stamp(0)[:16], 4, 4),
        (stamp(5)[:16], 6, 6),
    ]


def test_a_set_aside_device_can_add_nothing_more(flooded):
    store, event, _, _, flood = flooded
    store.set_aside_joined_between(event.id, stamp(4), stamp(6))
    person = flood[0]
    polls = store.list_polls(event.id)
    choice, estimate = polls[0], polls[1]
    table = store.table_by_number(event.id, 1)
    first_note = store.list_notes(event.id)[0]
    items = store.list_eval_items(event.id)
    attempts = [
        ("vote", lambda: store.cast_vote(choice.id, person.id, choice.options[-1].id)),
        ("estimate", lambda: store.cast_estimate(estimate.id, person.id, 99)),
        ("wall note", lambda: store.add_note(store.list_prompts(event.id)[1].id, person.id, "again")),
        ("+1", lambda: store.plus_one(first_note.id, person.id)),
        ("consent", lambda: store.give_consent(store.table_by_number(event.id, 2).id, person.id)),
        ("table note", lambda: store.add_table_note(table.vignettes[1].id, person.id, "", "again")),
        ("evaluation", lambda: store.submit_evaluation(event.id, person.id, {items[0].id: 5})),
    ]
    rows = store.event_row_counts(event.id)

    def refused(attempt):
        with pytest.raises(SetAsideError) as err:
            attempt()
        assert str(err.value) == SET_ASIDE_MESSAGE

    assert_every(attempts, refused)
    assert store.event_row_counts(event.id) == rows  # nothing new stored, nothing changed


def test_only_a_current_console_sets_aside_or_restores(flooded):
    store, event, *_ = flooded
    con = Console.unlock(store, event.id, DEMO_PASSCODE)
    assert con.set_aside_joined_between(stamp(4), stamp(6)) == 6
    [window] = con.set_asides()
    assert [(m[1], m[2]) for m in con.joins_per_minute(stamp(-30))] == [(4, 0), (6, 6)]
    store.set_facilitator_hash(event.id, hash_passcode("a-new-passcode-42", n=16))
    for action in (
        lambda: con.restore_set_aside(window.id),
        lambda: con.set_aside_joined_between(stamp(-1), stamp(1)),
        con.set_asides,
    ):
        with pytest.raises(ConsoleLocked):
            action()
    assert store.count_participants(event.id) == 4
    with pytest.raises(Exception, match="not part of this event"):
        Console.unlock(store, event.id, "a-new-passcode-42").restore_set_aside(window.id + 1)


def test_the_events_database_copy_keeps_set_aside_rows_and_windows(flooded, tmp_path):
    from eventkit.storage import Store

    store, event, *_ = flooded
    store.set_aside_joined_between(event.id, stamp(4), stamp(6))
    store.backup_to(tmp_path / "event.sqlite", only_event=event.id)
    copy = Store(str(tmp_path / "event.sqlite"))
    assert copy.event_row_counts(event.id) == store.event_row_counts(event.id)
    assert [w.devices for w in copy.list_set_asides(event.id)] == [6]
    assert copy.count_participants(event.id) == 4


# --- The control panel: the window form beside the joined-devices warning -------------------------


def panel(event) -> AppTest:
    at = open_page("pages/facilitator.py", password=DEMO_PASSCODE, event=event.code)
    assert not at.exception
    return at


def test_panel_sets_aside_the_busiest_minute_and_restores_it(app_db):
    store, event = app_db
    now = datetime.now(UTC).replace(second=30, microsecond=0)
    with mock.patch("eventkit.storage.participants.utc_now", lambda: utc_stamp(now - timedelta(minutes=5))):
        room = [store.join(event.id, new_token()) for _ in range(2)]
    with mock.patch("eventkit.storage.participants.utc_now", lambda: utc_stamp(now - timedelta(minutes=2))):
        for _ in range(7):
            store.join(event.id, new_token())
    at = panel(event)
    assert at.selectbox(key="set-aside-from").value == at.selectbox(key="set-aside-to").value  # the busiest minute
    assert "7 joined" in at.selectbox(key="set-aside-from").format_func(at.selectbox(key="set-aside-from").value)
    at.button(key="set-aside-go").click().run()
    assert not at.exception and not at.error
    assert store.count_participants(event.id) == len(room) == 2
    ui.reads().expire_all()
    at.run()
    shown = " ".join(c.value for c in at.caption)
    assert "7 devices set aside" in shown, shown
    at.button(key=f"set-aside-restore-{store.list_set_asides(event.id)[0].id}").click().run()
    assert not at.exception and store.count_participants(event.id) == 9
    assert store.list_set_asides(event.id) == []
