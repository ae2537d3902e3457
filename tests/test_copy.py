"""`python -m eventkit copy` and the ZIP's per-event copy: whole events moved row by row, on both engines."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from eventkit.access.security import new_token
from eventkit.cli import main as cli
from eventkit.outputs import exports
from eventkit.storage import Store, StoreError
from eventkit.storage.copying import copy_events
from eventkit.storage.event_rows import EVENT_TABLES, NOT_COPIED


def fill(store: Store, event_id: int) -> None:
    """Answers in every activity: votes, estimates, counts, notes, +1s, consents, table notes,
    evaluations, codings of every source, a repeat poll and a live poll."""
    people = [store.join(event_id, new_token(), table_no=1 + i % 2) for i in range(4)]
    polls = store.list_polls(event_id)
    for poll in polls:
        store.set_poll_state(poll.id, "open")
        for i, person in enumerate(people):
            if poll.kind == "choice":
                store.cast_vote(poll.id, person.id, poll.options[i % len(poll.options)].id)
            else:
                store.cast_estimate(poll.id, person.id, 10.5 + i)
    choice = [p for p in polls if p.kind == "choice"]
    store.cast_vote(choice[0].id, people[0].id, choice[0].options[-1].id)  # a changed vote
    store.set_manual_counts(choice[0].id, {choice[0].options[0].id: 3})
    store.set_poll_repeat(choice[-1].id, choice[0].id)
    store.set_live(event_id, "poll", choice[-1].id)
    note = store.add_note(store.list_prompts(event_id)[0].id, people[0].id, "A note with ünïcode and 'quotes' %s")
    store.plus_one(note.id, people[1].id)
    table = store.list_tables(event_id)[0]
    store.give_consent(table.id, people[0].id)
    tnote = store.add_table_note(table.vignettes[0].id, people[0].id, table.vignettes[0].prompts[0], "Scribed")
    store.set_eval_open(event_id, True)
    items = store.list_eval_items(event_id)
    store.submit_evaluation(event_id, people[2].id, {i.id: ("Free text" if i.kind == "text" else 4) for i in items})
    answer = next(i for i in store.codable_items(event_id, "eval_answer"))
    themes = [t.id for t in store.list_themes(event_id)]
    store.set_codings(event_id, "note", {str(note.id): themes[:2]})
    store.set_codings(event_id, "table_note", {str(tnote.id): themes[1:3]})
    store.set_codings(event_id, "eval_answer", {answer.item_key: [themes[0]]})


def what_it_holds(store: Store, event_id: int) -> dict:
    """Everything a person sees of the event, with no row ids (they may differ after a copy)."""
    live = store.get_live(event_id)
    polls = store.list_polls(event_id)
    return {
        "spec": store.export_spec(event_id),
        "counts": store.event_row_counts(event_id),
        "live": (live.kind, next(p.position for p in polls if p.id == live.poll_id)),
        "results": [
            (r.votes, [(c.label, c.votes, c.manual) for c in r.counts], r.estimates)
            for r in (store.poll_results(p.id) for p in polls)
        ],
        "repeats": [p.repeat_of is not None for p in polls],
        "notes": [(n.text, n.plus_ones, n.status) for n in store.list_notes(store.get_event(event_id).id)],
        "matrix": [(c.theme, c.source, c.count, c.texts) for c in store.analysis_matrix(event_id)],
        "activity": sorted(k for k, _ in store.activity_times(event_id)),
    }


@pytest.fixture
def source(db_dirs, demo_spec):
    """(store, event id): a SQLite file with the demo event, filled."""
    store = Store(db_dirs("source") / "eventkit.db")
    event_id = store.import_event(demo_spec)
    fill(store, event_id)
    return store, event_id


def test_every_table_is_copied_or_left_out_for_a_reason(store):
    with store.read() as db:
        tables = set(store.engine.table_names(db))
    assert tables == {t for t, _, _ in EVENT_TABLES} | set(NOT_COPIED)


def test_a_move_into_an_empty_database_keeps_everything_and_its_ids(source, store):
    src, event_id = source
    [(code, expected, copied)] = copy_all(src, store)
    assert code == "FIFE16" and expected == copied and copied["codings"] == 5
    assert store.get_event(event_id).code == "FIFE16", "the same id"
    assert what_it_holds(store, event_id) == what_it_holds(src, event_id)
    assert exports.activity_csvs(store, event_id) == exports.activity_csvs(src, event_id)
    # New rows get new ids after the copied ones (PostgreSQL's id sequences were moved on).
    late = store.join(event_id, new_token())
    store.add_note(store.list_prompts(event_id)[0].id, late.id, "after the move")
    assert late.seq == 5


def test_a_copy_into_a_database_with_other_events_gives_new_ids_and_keeps_the_links(source, store, demo_spec):
    src, event_id = source
    for code in ("AAA1", "BBB2"):
        fill(store, store.import_event(replace(demo_spec, code=code)))
    [(_, expected, copied)] = copy_all(src, store)
    assert expected == copied
    new_id = store.event_by_code("FIFE16").id
    assert new_id != event_id
    assert what_it_holds(store, new_id) == what_it_holds(src, event_id)
    assert store.event_row_counts(store.event_by_code("AAA1").id) == src.event_row_counts(event_id), "left alone"


def test_copying_an_event_the_target_already_has_copies_nothing(source, store):
    src, _ = source
    copy_all(src, store)
    before = store.table_row_counts()
    with pytest.raises(StoreError, match="already has an event with code FIFE16"):
        copy_all(src, store)
    assert store.table_row_counts() == before


def test_the_command_copies_one_event_there_and_back_and_checks_the_counts(source, store, db_dirs, demo_spec, capsys):
    src, event_id = source
    src.import_event(replace(demo_spec, code="LEFT1"))
    assert cli.main(["copy", src.path, store.path, "--event", "fife16"]) == 0
    out = capsys.readouterr().out
    assert "FIFE16: copied (" in out and "1 event(s)" in out and "LEFT1" not in out
    assert [e.code for e in store.list_events()] == ["FIFE16"]
    back = db_dirs("back") / "eventkit.db"
    assert cli.main(["copy", store.path, str(back)]) == 0
    assert what_it_holds(Store(back), event_id) == what_it_holds(src, event_id)
    assert cli.main(["copy", src.path, store.path, "--event", "NOPE"]) == 1
    assert "No event with code NOPE" in capsys.readouterr().err


def test_the_zips_database_copy_is_the_event_alone_with_pseudonyms_on_either_engine(demo, tmp_path, demo_spec):
    store, event = demo
    fill(store, event.id)
    other = store.import_event(replace(demo_spec, code="OTHER1"))
    fill(store, other)
    path = tmp_path / "event.db"
    path.write_bytes(exports.backup_bytes(store, only_event=event.id))
    with sqlite3.connect(path) as conn:  # one self-contained file, nothing in free pages
        hashes = [r[0] for r in conn.execute("SELECT token_hash FROM participants ORDER BY seq")]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert hashes == ["P001", "P002", "P003", "P004"]
    copy = Store(path)
    assert [e.code for e in copy.list_events()] == [event.code]
    assert not copy.get_event(event.id).has_passcode, "no staff secret in an analyst's copy"
    held, source = what_it_holds(copy, event.id), what_it_holds(store, event.id)
    source["spec"] = replace(source["spec"], facilitator_passcode_hash="")
    assert held == source
    assert exports.activity_csvs(copy, event.id) == exports.activity_csvs(store, event.id)


def copy_all(source: Store, target: Store) -> list:
    return copy_events(source, target)
