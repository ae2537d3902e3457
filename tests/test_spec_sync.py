"""One way to write a spec into the database (storage.editing.write_spec), for import and edit alike.

Importing an event and then editing it leaves the same rows as importing the
edited file into an empty database, or over the event with --replace.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventkit.event import editing as edit
from eventkit.event.spec import EvaluationItemSpec, PollSpec, TableSpec, VignetteSpec
from eventkit.storage import Store, StoreError

# Every row an event's set-up makes, without ids (a row's parent is named by its position or number).
SETUP_ROWS = {
    "event": """SELECT title, subtitle, date, venue, welcome, facilitator_hash, premoderate, word_filter,
                retention_days, public_base_url, expected_attendance FROM events WHERE id = :event""",
    "polls": """SELECT p.position, p.kind, p.question, p.true_value, p.unit, p.min_value, p.max_value, p.fact,
                p.source, r.position AS repeats FROM polls p LEFT JOIN polls r ON r.id = p.repeat_of
                WHERE p.event_id = :event ORDER BY p.position""",
    "poll_options": """SELECT p.position AS poll, o.position, o.label, o.is_correct FROM poll_options o
                       JOIN polls p ON p.id = o.poll_id WHERE p.event_id = :event ORDER BY p.position, o.position""",
    "wall_prompts": "SELECT position, text FROM wall_prompts WHERE event_id = :event ORDER BY position",
    "event_tables": "SELECT number, name FROM event_tables WHERE event_id = :event ORDER BY number",
    "vignettes": """SELECT t.number, v.position, v.title, v.story FROM vignettes v JOIN event_tables t ON t.id = v.table_id
                    WHERE t.event_id = :event ORDER BY t.number, v.position""",
    "vignette_prompts": """SELECT t.number, v.position AS vignette, p.position, p.text FROM vignette_prompts p
                           JOIN vignettes v ON v.id = p.vignette_id JOIN event_tables t ON t.id = v.table_id
                           WHERE t.event_id = :event ORDER BY t.number, v.position, p.position""",
    "eval_items": "SELECT position, kind, text FROM eval_items WHERE event_id = :event ORDER BY position",
    "themes": "SELECT position, name FROM themes WHERE event_id = :event ORDER BY position",
}


def setup_rows(store: Store, event_id: int) -> dict[str, list[tuple]]:
    with store.read() as db:
        return {
            table: [tuple(r) for r in db.execute(sql, {"event": event_id}).fetchall()]
            for table, sql in SETUP_ROWS.items()
        }


def edited(spec):
    """A big edit: rewordings, moves, removals and additions in every part of the event."""
    polls = list(spec.polls)
    polls[0] = replace(
        polls[0], question="Reworded: what share became a sanction?", options=("Few", *polls[0].options[1:])
    )
    polls[2] = replace(polls[2], options=polls[2].options[:3], correct=polls[2].options[2])
    spec = replace(spec, polls=tuple(polls))
    spec = edit.drop_poll(spec, 3)
    spec = edit.put_poll(spec, 4, spec.polls[4], position=1)  # moved to the front
    spec = edit.put_poll(spec, None, PollSpec("New estimate?", kind="estimate", true_value=2.5, min=0, max=5), 3)
    spec = edit.with_wall_and_evaluation(
        spec,
        [{"prompt": "A new first prompt"}] + [{"prompt": p} for p in spec.wall_prompts[2:]],
        edit.evaluation_rows(spec)[1:] + [{"kind": "likert", "text": "A new statement"}],
    )
    spec = edit.drop_table(spec, 2)
    spec = edit.put_vignettes(spec, 6, "", [VignetteSpec("A new case", "Story", ("Why?",))])
    first = spec.tables[0]
    spec = edit.put_vignettes(
        spec,
        1,
        "The first table",
        [replace(first.vignettes[1], title="Renamed case"), replace(first.vignettes[0], prompts=("One prompt",))],
    )
    settings = {
        "premoderate": True,
        "word_filter": ("rude",),
        "retention_days": 30,
        "expected_attendance": 80,
        "public_base_url": "http://192.168.1.20:8501",
    }
    spec = edit.with_details(spec, {"title": "Edited", "venue": "Elsewhere"}, settings)
    return replace(spec, themes=(*spec.themes, "Housing"))


def test_import_then_edit_gives_the_rows_of_importing_the_edited_file(demo, demo_spec, db_dirs):
    store, event = demo
    changed = edit.save(store, event.id, edited(store.export_spec(event.id)))
    fresh = Store(db_dirs() / "fresh.db")
    over = Store(db_dirs() / "over.db")
    over.import_event(demo_spec)
    after_edit = setup_rows(store, event.id)
    assert after_edit == setup_rows(fresh, fresh.import_event(changed))
    assert after_edit == setup_rows(over, over.import_event(changed, replace=True))
    assert after_edit != setup_rows(over, over.import_event(replace(demo_spec, code="OTHER1")))
    assert store.export_spec(event.id) == changed


def test_an_edit_that_changes_nothing_changes_no_row(demo):
    store, event = demo
    before = setup_rows(store, event.id)
    with store.read() as db:
        ids = db.execute("SELECT id FROM polls WHERE event_id = ? ORDER BY position", [event.id]).fetchall()
    edit.save(store, event.id, store.export_spec(event.id))
    with store.read() as db:
        assert db.execute("SELECT id FROM polls WHERE event_id = ? ORDER BY position", [event.id]).fetchall() == ids
    assert setup_rows(store, event.id) == before


REMOVALS = [
    # (what is removed, how, the attendee data that stops it, the refusal)
    (
        "a wall prompt",
        lambda s: replace(s, wall_prompts=s.wall_prompts[1:]),
        lambda store, event, me: store.add_note(store.list_prompts(event.id)[0].id, me.id, "a note"),
        "wall_prompts: “What data or information would you like to be able to access?” already has notes",
    ),
    (
        "an evaluation item",
        lambda s: replace(s, evaluation=s.evaluation[1:]),
        lambda store, event, me: _answer(store, event, me),
        "eval_items: “The event overall” already has answers",
    ),
    (
        "a table",
        lambda s: edit.drop_table(s, 1),
        lambda store, event, me: _table_note(store, event, me),
        "event_tables: “Table 1” already has notes",
    ),
    (
        "a vignette",
        lambda s: edit.put_vignettes(s, 1, "Table 1", s.tables[0].vignettes[1:]),
        lambda store, event, me: _table_note(store, event, me),
        "vignettes: “Karen: a single parent with a new claim” already has notes",
    ),
]


def _answer(store, event, me):
    store.set_eval_open(event.id, True)
    store.submit_evaluation(event.id, me.id, {store.list_eval_items(event.id)[0].id: 4})


def _table_note(store, event, me):
    table = store.table_by_number(event.id, 1)
    store.give_consent(table.id, me.id)
    store.add_table_note(table.vignettes[0].id, me.id, "", "a note")


@pytest.mark.parametrize("what", [r[0] for r in REMOVALS])
def test_a_part_without_attendee_data_can_be_removed_and_one_with_data_cannot(demo, what):
    store, event = demo
    _, remove, add_data, refusal = next(r for r in REMOVALS if r[0] == what)
    spec = store.export_spec(event.id)
    edit.save(store, event.id, remove(spec))  # nothing attached yet: removed
    assert store.export_spec(event.id) == edit.save(store, event.id, remove(spec))
    edit.save(store, event.id, spec)  # back again
    add_data(store, event, store.join(event.id, "sync-test-token-0001", 1))
    before = setup_rows(store, event.id)
    with pytest.raises(StoreError, match=refusal):
        edit.save(store, event.id, replace(remove(spec), title="Not saved"))
    assert setup_rows(store, event.id) == before


def test_kind_changes_are_refused_once_there_is_data(demo):
    store, event = demo
    me = store.join(event.id, "sync-test-token-0002", 1)
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    store.cast_vote(poll.id, me.id, poll.options[0].id)
    spec = store.export_spec(event.id)
    as_estimate = replace(spec.polls[0], kind="estimate", true_value=1, min=0, max=2)
    with pytest.raises(StoreError, match=r"polls\[1\]\.kind: this poll already has votes"):
        edit.save(store, event.id, edit.put_poll(spec, 0, as_estimate))
    items = list(spec.evaluation)
    items[0] = EvaluationItemSpec("likert", items[0].text)
    edit.save(store, event.id, replace(spec, evaluation=tuple(items)))  # no answers yet: allowed
    assert store.list_eval_items(event.id)[0].kind == "likert"


def test_a_new_table_gets_its_default_name(demo):
    store, event = demo
    spec = edit.save(store, event.id, replace(store.export_spec(event.id), tables=(TableSpec(9),)))
    assert [(t.number, t.name) for t in store.list_tables(event.id)] == [(9, "Table 9")]
    assert spec.tables == (TableSpec(9, "Table 9"),)
