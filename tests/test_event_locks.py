"""PostgreSQL locks writes per event: two events' writes never wait on each other, one event's take turns.

SQLite keeps its single writer (nothing here applies to it). Without per-event
locks every write() took one database-wide lock, so an organiser's save of
one event waited behind another event's vote storm (issue 19).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from eventkit.access.security import new_token
from eventkit.storage.backends.postgres import _begin, one_statement_locks

pytestmark = pytest.mark.postgresql_only
PROMPT = 5  # seconds: far more than a write takes, far less than the 10 s busy timeout
WAITS = 0.5  # a write of the held event is still waiting after this


@pytest.fixture
def two_events(demo, demo_spec):
    """(store, event A, event B), each with an open choice poll and a phone."""
    store, event = demo
    other = store.import_event(replace(demo_spec, code="OTHER1"))
    found = {}
    for event_id in (event.id, other):
        poll = next(p for p in store.list_polls(event_id) if p.kind == "choice")
        store.set_poll_state(poll.id, "open")
        found[event_id] = (poll, store.join(event_id, new_token()))
    return store, (event.id, *found[event.id]), (other, *found[other])


def _vote(store, poll, phone):
    return lambda: store.cast_vote(poll.id, phone.id, poll.options[0].id)


def test_an_events_open_transaction_holds_off_its_own_writes_only(two_events, engine):
    store, (a, poll_a, phone_a), (b, poll_b, phone_b) = two_events
    with ThreadPoolExecutor(8) as pool:
        with store.write(a) as db:  # e.g. an organiser's save of event A, not yet committed
            db.execute("UPDATE events SET title = title || '!' WHERE id = ?", [a])
            other_event = [
                pool.submit(store.set_live, b, "wall"),
                pool.submit(_vote(store, poll_b, phone_b)),
                pool.submit(store.update_event, b, store.export_spec(b)),
            ]
            for done in other_event:
                done.result(timeout=PROMPT)  # finished while A's transaction is still open
            waiting = {
                "A's set_live": pool.submit(store.set_live, a, "wall"),
                "a vote at A": pool.submit(_vote(store, poll_a, phone_a)),
                "a new event": pool.submit(store.import_event, store.export_spec(b), replace=False),
            }
            time.sleep(WAITS)
            assert [name for name, f in waiting.items() if f.done()] == []
        assert waiting["A's set_live"].result(timeout=20).kind == "wall"
        assert waiting["a vote at A"].result(timeout=20) is None
        assert "already exists" in str(waiting["a new event"].exception(timeout=20))  # ran after, and saw B
    assert store.vote_count(poll_a.id) == store.vote_count(poll_b.id) == 1
    assert store.get_live(b).kind == "wall"


def test_an_organisers_save_does_not_wait_for_another_events_votes(two_events, engine):
    store, (a, poll_a, _), (b, _, _) = two_events
    with ThreadPoolExecutor(2) as pool, store.engine.borrow() as db:
        _begin(db, one_statement_locks(("poll", poll_a.id)))  # what a vote at A holds while it runs
        try:
            save = pool.submit(store.update_event, b, store.export_spec(b))
            assert save.result(timeout=PROMPT).code == "OTHER1"  # saved, returning the spec as saved
            staff_write = pool.submit(store.set_live, a, "wall")  # A's own staff write waits for A's votes
            time.sleep(WAITS)
            assert not staff_write.done()
        finally:
            db.execute("ROLLBACK")
        assert staff_write.result(timeout=20).kind == "wall"
