"""Many writers at once, on both engines: every read-then-write holds without SQLite's single writer.

Each test starts its threads together (a barrier) so that on PostgreSQL the
statements really overlap; without the advisory locks in
storage/backends/postgres.py the joins collide and the posting limit lets
more through.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from eventkit.access.security import POST_LIMIT, SCRIBE_LIMIT, new_token
from eventkit.event.demo import ensure_demo
from eventkit.storage import Store, StoreError
from eventkit.storage.attempts import ThrottledError
from eventkit.storage.migrations import MIGRATIONS

THREADS = 12


def together(n: int, work) -> list:
    """Run work(i) on n threads released at the same moment; their results (or exceptions) in order."""
    barrier = threading.Barrier(n)

    def run(i: int):
        barrier.wait()
        try:
            return work(i)
        except Exception as err:
            return err

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_joins_at_once_on_two_events_number_each_event_from_one(demo, demo_spec):
    store, event = demo
    other = store.import_event(replace(demo_spec, code="OTHER1"))
    joined = together(THREADS * 2, lambda i: store.join(event.id if i % 2 else other, new_token(), 1 + i % 3))
    assert not [j for j in joined if isinstance(j, Exception)]
    for event_id in (event.id, other):
        numbers = sorted(p.seq for p in joined if p.event_id == event_id)
        assert numbers == list(range(1, THREADS + 1)), event_id


def test_posts_at_once_from_one_phone_on_the_wall_and_at_a_table_stop_at_the_limit_for_each(demo):
    store, event = demo
    phone = store.join(event.id, new_token(), 1)
    prompt, table = store.list_prompts(event.id)[0], store.list_tables(event.id)[0]
    vignette = table.vignettes[0]
    store.give_consent(table.id, phone.id)  # table notes are recorded only with consent

    tries = {"notes": POST_LIMIT + 7, "table notes": SCRIBE_LIMIT + 7}  # every kind past its limit

    def post(i: int):
        if i < tries["notes"]:
            return store.add_note(prompt.id, phone.id, f"note {i}")
        return store.add_table_note(vignette.id, phone.id, "", f"table note {i}")

    outcomes = together(sum(tries.values()), post)
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ThrottledError)]
    stored = {
        "notes": len(store.notes_by_participant(event.id, phone.id)),
        "table notes": len(store.list_table_notes(table.id)),
    }
    assert stored == {"notes": POST_LIMIT, "table notes": SCRIBE_LIMIT}
    assert sum(isinstance(o, ThrottledError) for o in outcomes) == 14


def test_votes_at_once_are_all_counted_and_one_phone_counts_once(demo):
    store, event = demo
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    people = [store.join(event.id, new_token()) for _ in range(THREADS)]
    together(THREADS, lambda i: store.cast_vote(poll.id, people[i].id, poll.options[i % 2].id))
    flood = together(THREADS, lambda i: store.cast_vote(poll.id, people[0].id, poll.options[i % 2].id))
    assert not [o for o in flood if isinstance(o, Exception)]
    results = store.poll_results(poll.id)
    assert results.votes == THREADS == sum(c.votes for c in results.counts)


def test_plus_ones_evaluations_and_themes_at_once_are_stored_once(demo):
    store, event = demo
    phone, reader = store.join(event.id, new_token()), store.join(event.id, new_token())
    note = store.add_note(store.list_prompts(event.id)[0].id, phone.id, "a note to +1")
    store.set_eval_open(event.id, True)
    item = next(i for i in store.list_eval_items(event.id) if i.kind != "text")
    plus = together(THREADS, lambda i: store.plus_one(note.id, reader.id))
    together(THREADS, lambda i: store.submit_evaluation(event.id, reader.id, {item.id: 1 + i % 5}))
    themes = together(THREADS, lambda i: store.add_theme(event.id, "Transport"))
    assert plus.count(True) == 1 and plus.count(False) == THREADS - 1
    assert store.count_eval_responses(event.id) == 1
    assert sum(not isinstance(t, Exception) for t in themes) == 1
    assert all("already a theme" in str(t) for t in themes if isinstance(t, Exception))


def test_a_staff_transaction_holds_off_one_statement_writes_until_it_commits(demo):
    """What write() reads stays true until it commits: a vote waits for it (SQLite's semantics on both)."""
    store, event = demo
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    phone = store.join(event.id, new_token())
    with ThreadPoolExecutor(1) as pool:
        with store.write() as db:
            votes = db.execute("SELECT COUNT(*) FROM votes WHERE poll_id = ?", [poll.id]).fetchone()[0]
            vote = pool.submit(store.cast_vote, poll.id, phone.id, poll.options[0].id)
            time.sleep(0.3)
            assert not vote.done(), "the vote must wait for the transaction"
            assert db.execute("SELECT COUNT(*) FROM votes WHERE poll_id = ?", [poll.id]).fetchone()[0] == votes
            db.execute("UPDATE polls SET state = 'closed' WHERE id = ?", [poll.id])
        with pytest.raises(StoreError, match="closed"):
            vote.result(timeout=20)  # it saw the poll closed, as if it had come after
    assert store.vote_count(poll.id) == 0


def test_stores_opening_a_new_database_at_once_apply_each_migration_once(new_database, engine):
    for _ in range(12 if engine == "sqlite" else 2):  # SQLite's race on a new file showed about once in 30
        location = new_database("migrate")
        opened = together(THREADS, lambda i, location=location: Store(location))
        assert not [o for o in opened if isinstance(o, Exception)], opened
        store = opened[0]
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        with store.read() as db:
            assert db.execute("SELECT COUNT(*) FROM migrations").fetchone()[0] == len(MIGRATIONS)


def test_processes_starting_at_once_load_the_demo_once(new_database):
    location = new_database("demo")
    loaded = together(THREADS // 2, lambda i: ensure_demo(Store(location)))
    assert not [o for o in loaded if isinstance(o, Exception)]
    assert sum(o is not None for o in loaded) == 1
    assert [e.code for e in Store(location).list_events()] == ["FIFE16"]
