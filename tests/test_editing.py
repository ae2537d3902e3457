"""Editing an event in place: attendee data stays attached; nothing half-saved."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventkit.access.security import verify_passcode
from eventkit.event import editing as edit
from eventkit.event.file import EventFileError
from eventkit.storage import StoreError
from eventkit.storage.editing import match_rows


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ([(1, "a"), (2, "b")], ["a", "b"], [1, 2]),
        ([(1, "a"), (2, "b")], ["b", "a"], [2, 1]),
        ([(1, "a"), (2, "b")], ["a", "B"], [1, 2]),
        ([(1, "a"), (2, "b"), (3, "c")], ["a", "c"], [1, 3]),
        ([(1, "a")], ["a", "new"], [1, None]),
        ([(1, "x"), (2, "x")], ["x", "x"], [1, 2]),
        ([(1, "x"), (2, "y"), (3, "x")], ["new", "y", "x"], [1, 2, 3]),
    ],
)
def test_match_rows(old, new, expected):
    assert match_rows(old, new) == expected


@pytest.fixture
def voted(demo):
    store, event = demo
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    me = store.join(event.id, "editing-test-token-001")
    store.cast_vote(poll.id, me.id, poll.options[3].id)
    return store, event, poll


def test_rewording_a_question_keeps_its_votes(voted):
    store, event, poll = voted
    spec = store.export_spec(event.id)
    edit.save(store, event.id, edit.put_poll(spec, 0, replace(spec.polls[0], question="Reworded question?")))
    after = store.list_polls(event.id)[0]
    assert after.id == poll.id and after.question == "Reworded question?"
    assert store.poll_results(poll.id).votes == 1


def test_moving_a_poll_keeps_votes_and_repeat_link(voted):
    store, event, poll = voted
    spec = edit.put_poll(store.export_spec(event.id), 0, store.export_spec(event.id).polls[0], position=2)
    edit.save(store, event.id, spec)
    polls = store.list_polls(event.id)
    assert polls[1].id == poll.id and store.vote_count(poll.id) == 1
    assert polls[-1].repeat_of == poll.id


def test_removing_a_poll_with_votes_is_refused_and_nothing_changes(voted):
    store, event, poll = voted
    spec = store.export_spec(event.id)
    changed = replace(edit.drop_poll(spec, 0), title="Should not be saved")
    with pytest.raises(StoreError, match="already has votes"):
        edit.save(store, event.id, changed)
    assert store.get_event(event.id).title == spec.title
    assert len(store.list_polls(event.id)) == len(spec.polls)


def test_removing_a_voted_option_is_refused(voted):
    store, event, _ = voted
    spec = store.export_spec(event.id)
    spec = edit.put_poll(spec, 0, replace(spec.polls[0], options=spec.polls[0].options[:3], correct=None))
    with pytest.raises(StoreError, match="options"):
        edit.save(store, event.id, spec)


def test_validation_names_the_field_and_saves_nothing(demo):
    store, event = demo
    spec = store.export_spec(event.id)
    spec = edit.put_poll(spec, 1, replace(spec.polls[1], min=10, max=5))
    spec = edit.put_poll(spec, 0, replace(spec.polls[0], correct="Not an option"))
    with pytest.raises(EventFileError) as err:
        edit.save(store, event.id, replace(spec, title="Changed"))
    fields = {e.field for e in err.value.errors}
    assert {"polls[1].correct", "polls[2].max"} <= fields
    assert store.get_event(event.id).title == spec.title


def test_details_passcode_is_hashed(demo):
    store, event = demo
    spec = edit.with_details(store.export_spec(event.id), {"title": "New title"}, {"premoderate": True}, "new-pass")
    edit.save(store, event.id, spec)
    assert verify_passcode("new-pass", store.facilitator_hash(event.id))
    assert store.get_event(event.id).premoderate and store.get_event(event.id).title == "New title"


def test_wall_tables_and_evaluation_edits(demo):
    store, event = demo
    me = store.join(event.id, "editing-test-token-002", 1)
    prompt = store.list_prompts(event.id)[0]
    store.add_note(prompt.id, me.id, "a note")
    spec = store.export_spec(event.id)
    spec = edit.with_wall_and_evaluation(
        spec,
        [{"prompt": "Reworded prompt"}] + [{"prompt": p} for p in spec.wall_prompts[1:]] + [{"prompt": "  "}],
        edit.evaluation_rows(spec)[:2],
    )
    spec = edit.put_vignettes(spec, 5, "Table five", [edit.vignette_from_form("New case", "Story", "Q?")])
    edit.save(store, event.id, spec)
    assert store.list_prompts(event.id)[0].id == prompt.id
    assert len(store.list_notes(event.id)) == 1
    assert len(store.list_eval_items(event.id)) == 2
    assert store.table_by_number(event.id, 5).vignettes[0].prompts == ("Q?",)


def test_duplicate_copies_setup_not_data(voted):
    store, event, _ = voted
    copy_id = store.duplicate_event(event.id, "copy16", "Copy")
    assert store.get_event(copy_id).code == "COPY16"
    assert len(store.list_polls(copy_id)) == len(store.list_polls(event.id))
    assert store.count_participants(copy_id) == 0
    with pytest.raises(StoreError):
        store.duplicate_event(event.id, "COPY16")


def test_new_event_spec_checks_fields():
    with pytest.raises(EventFileError) as err:
        edit.new_event_spec("x!", "")
    assert {e.field for e in err.value.errors} == {"code", "title"}
    assert edit.new_event_spec("new1", "New").themes[0] == "Referrals"


def test_code_clash_is_refused(demo, demo_spec):
    store, event = demo
    store.import_event(replace(demo_spec, code="OTHER2"))
    with pytest.raises(StoreError, match="code"):
        edit.save(store, event.id, replace(store.export_spec(event.id), code="OTHER2"))
