"""eventkit.storage.Store, operation by operation, on both engines (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from eventkit.access.security import new_token, token_hash
from eventkit.event.file import parse_event_file
from eventkit.models import Live, Participant
from eventkit.storage import Store, StoreError
from eventkit.storage.migrations import MIGRATIONS
from eventkit.text import TextError
from tests.engines import db_bytes, hold_write_lock, open_transactions

OTHER_EVENT = """\
code: OTHER1
title: Another event
polls:
  - question: Other poll
    options: [Red, Blue]
wall_prompts: [Other prompt]
tables:
  - number: 1
    vignettes:
      - title: Other story
evaluation:
  - kind: score
    text: Other item
"""


def count(store: Store, sql: str, *params) -> int:
    with store.read() as db:
        return db.execute(sql, params).fetchone()[0]


def join_many(store: Store, event_id: int, n: int, table_no: int | None = None) -> list[Participant]:
    return [store.join(event_id, new_token(), table_no) for _ in range(n)]


@pytest.fixture
def other(demo):
    """A second, small event in the same store as the demo: (event id, poll, prompt, table, item)."""
    store, _ = demo
    event_id = store.import_event(parse_event_file(OTHER_EVENT))
    return (
        event_id,
        store.list_polls(event_id)[0],
        store.list_prompts(event_id)[0],
        store.list_tables(event_id)[0],
        store.list_eval_items(event_id)[0],
    )


@pytest.fixture
def choice(demo):
    """(store, event, open choice poll, three participants)."""
    store, event = demo
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    return store, event, store.get_poll(poll.id), join_many(store, event.id, 3)


@pytest.fixture
def estimate(demo):
    """(store, event, open estimate poll 0..1000, one participant)."""
    store, event = demo
    poll = next(p for p in store.list_polls(event.id) if p.kind == "estimate" and p.max_value == 1000)
    store.set_poll_state(poll.id, "open")
    return store, event, poll, store.join(event.id, new_token())


# -- the database file -------------------------------------------------------


def test_migrations_recorded(store):
    assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
    assert store.table_row_counts()["votes"] == 0


def test_migrations_idempotent(store, demo_spec):
    event_id = store.import_event(demo_spec)
    again = Store(store.path)
    assert again.applied_migrations() == [name for name, _ in MIGRATIONS]
    assert count(again, "SELECT COUNT(*) FROM migrations") == len(MIGRATIONS)
    assert again.get_event(event_id).code == "FIFE16"  # reopening keeps the data


@pytest.mark.sqlite_only
def test_wal_mode(store):
    with store.read() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_integrity_ok(demo):
    store, _ = demo
    assert store.integrity_ok()


def test_creates_missing_parent_directory(tmp_path):
    store = Store(tmp_path / "a" / "b" / "events.db")
    assert Path(store.path).exists()
    assert store.list_events() == []


def test_in_memory_store_keeps_its_data(demo_spec):
    first, second = Store(":memory:"), Store(":memory:")
    event_id = first.import_event(demo_spec)
    first.join(event_id, new_token())
    assert first.applied_migrations() == [name for name, _ in MIGRATIONS]
    assert [e.code for e in first.list_events()] == ["FIFE16"]
    assert first.count_participants(event_id) == 1
    assert second.list_events() == []  # each in-memory store is its own database


# -- connections: one per thread, kept between operations ----------------------


@pytest.fixture
def opened(store, monkeypatch):
    """Every raw connection the store opens from now on, in order."""
    conns = []
    connect = store.engine.connect

    def recording():
        db = connect()
        conns.append(db.conn)
        return db

    monkeypatch.setattr(store.engine, "connect", recording)
    return conns


def is_closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.total_changes  # noqa: B018 - raises on a closed connection
    except sqlite3.ProgrammingError:
        return True
    return False


@pytest.mark.sqlite_only
def test_a_thread_reuses_its_connection(store, opened):
    for _ in range(5):
        store.list_events()
    store.import_event(parse_event_file(OTHER_EVENT))
    assert len(opened) == 1 and not is_closed(opened[0])


@pytest.mark.sqlite_only
def test_each_thread_has_its_own_connection_closed_when_it_ends(store, opened):
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: store.list_events(), range(40)))
    assert 1 <= len(opened) <= 4, "one per worker thread"
    assert all(is_closed(conn) for conn in opened), "closed as each thread ended, not left to the GC"


@pytest.mark.sqlite_only
def test_a_failed_operation_closes_its_connection(store, opened):
    with pytest.raises(sqlite3.OperationalError), store.read() as db:
        db.execute("SELECT * FROM no_such_table")
    assert is_closed(opened[0])
    assert store.list_events() == [] and len(opened) == 2 and not is_closed(opened[1])


def test_a_write_that_fails_is_rolled_back(demo):
    store, event = demo
    with pytest.raises(RuntimeError), store.write() as db:
        db.execute("UPDATE events SET title = 'half done' WHERE id = ?", [event.id])
        raise RuntimeError("mid-transaction")
    assert store.get_event(event.id).title != "half done"
    store.set_retention_days(event.id, 30)  # the next write starts cleanly
    assert store.get_event(event.id).retention_days == 30


@pytest.mark.sqlite_only
def test_a_refusal_keeps_the_connection(choice, opened):
    store, event, poll, people = choice
    store.set_poll_state(poll.id, "closed")
    for _ in range(3):
        with pytest.raises(StoreError):
            store.cast_vote(poll.id, people[0].id, option_id=poll.options[0].id)
    assert len(opened) <= 1 and not any(is_closed(conn) for conn in opened), "refused, not reopened"


def kept_connection(store: Store) -> sqlite3.Connection | None:
    kept = getattr(store.engine._local, "kept", None)
    return kept.db.conn if kept else None


OPERATIONS = {
    "list events": lambda s, e, p: s.list_events(),
    "event by code": lambda s, e, p: s.event_by_code(e.code),
    "polls": lambda s, e, p: s.list_polls(e.id),
    "live": lambda s, e, p: s.get_live(e.id),
    "join": lambda s, e, p: s.join(e.id, new_token()),
    "vote": lambda s, e, p: s.cast_vote(p[0].id, p[1].id, option_id=p[0].options[0].id),
    "results": lambda s, e, p: s.poll_results(p[0].id),
    "note": lambda s, e, p: s.add_note(s.list_prompts(e.id)[0].id, p[1].id, "kept?"),
    "notes": lambda s, e, p: s.list_notes(e.id),
    "set live": lambda s, e, p: s.set_live(e.id, "wall"),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_kept_connection_holds_no_transaction_or_snapshot(choice, operation):
    store, event, poll, people = choice
    OPERATIONS[operation](store, event, (poll, people[0]))
    if not store.is_postgres:  # PostgreSQL: the connection went back to the pool
        conn = kept_connection(store)
        assert conn is not None and not conn.in_transaction
    assert open_transactions(store) == 0


def test_a_kept_connection_sees_commits_from_other_threads(demo):
    store, event = demo
    assert store.get_live(event.id).kind != "wall"  # this thread now keeps a connection
    with ThreadPoolExecutor(1) as pool:
        pool.submit(store.set_live, event.id, "wall").result()
    assert store.get_live(event.id).kind == "wall"


@pytest.mark.sqlite_only
def test_releasing_the_last_connection_removes_the_wal(demo):
    store, event = demo
    p = store.join(event.id, new_token())
    store.add_note(store.list_prompts(event.id)[0].id, p.id, "EDITED-AWAY-1234")
    assert Path(store.path + "-wal").exists()
    store.release_connection()
    assert not Path(store.path + "-wal").exists(), "SQLite checkpoints and deletes it when the last one closes"
    assert store.list_events() != []  # the next operation opens a new one


@pytest.mark.sqlite_only
def test_an_operation_inside_another_gets_its_own_connection(demo, opened):
    store, event = demo
    with store.write() as db:
        db.execute("UPDATE events SET title = 'renamed' WHERE id = ?", [event.id])
        with store.read() as inner:  # not inside the outer transaction: sees the last commit
            assert inner.execute("SELECT title FROM events WHERE id = ?", [event.id]).fetchone()[0] != "renamed"
    assert len(opened) == 1 and is_closed(opened[0]), "the inner one, opened for it and closed after it"
    assert store.get_event(event.id).title == "renamed"


# -- events --------------------------------------------------------------------


def test_import_and_lookup(demo):
    store, event = demo
    assert event.code == "FIFE16" and event.title.startswith("Strengthening partnerships")
    assert event.has_passcode and event.status == "open" and not event.eval_open
    assert store.event_by_code(" fife16 ") == event
    assert store.event_by_code("NOPE") is None
    assert store.get_event(event.id + 100) is None
    assert store.list_events() == [event]


def test_import_clashing_code_refused(demo, demo_spec):
    store, event = demo
    with pytest.raises(StoreError, match="FIFE16 already exists"):
        store.import_event(demo_spec)
    assert [e.id for e in store.list_events()] == [event.id]


def test_import_replace(demo, demo_spec):
    store, event = demo
    participant = store.join(event.id, new_token())
    prompt = store.list_prompts(event.id)[0]
    store.add_note(prompt.id, participant.id, "About to be replaced")
    new_id = store.import_event(demo_spec, replace=True)
    assert [e.id for e in store.list_events()] == [new_id]
    assert store.count_participants(new_id) == 0
    assert store.list_notes(new_id, ("visible", "hidden", "pending")) == []
    assert count(store, "SELECT COUNT(*) FROM participants") == 0
    assert count(store, "SELECT COUNT(*) FROM polls") == len(demo_spec.polls)
    assert store.integrity_ok()


def test_event_settings(demo):
    store, event = demo
    store.set_event_status(event.id, "closed")
    store.set_eval_open(event.id, True)
    store.set_moderation(event.id, premoderate=True, word_filter=[" Rude ", "", "WORSE"])
    changed = store.get_event(event.id)
    assert (changed.status, changed.eval_open, changed.premoderate) == ("closed", True, True)
    assert changed.word_filter == ("rude", "worse")
    with pytest.raises(StoreError):
        store.set_event_status(event.id, "archived")
    with pytest.raises(StoreError, match="No such event"):
        store.set_eval_open(event.id + 100, True)


# -- participants ----------------------------------------------------------------


def test_join_is_idempotent_per_token(demo):
    store, event = demo
    tokens = [new_token() for _ in range(3)]
    first = [store.join(event.id, t) for t in tokens]
    again = [store.join(event.id, t) for t in tokens]
    assert first == again
    assert [p.seq for p in first] == [1, 2, 3]
    assert [p.pseudonym for p in first] == ["P001", "P002", "P003"]
    assert len({p.id for p in first}) == 3
    assert store.count_participants(event.id) == 3
    assert store.participant_by_token(event.id, tokens[1]) == first[1]
    assert store.participant_by_token(event.id, new_token()) is None


def test_join_moves_table(demo):
    store, event = demo
    token = new_token()
    assert store.join(event.id, token, 2).table_no == 2
    assert store.join(event.id, token).table_no == 2  # no table given: stays put
    moved = store.join(event.id, token, 4)
    assert moved.table_no == 4 and moved.seq == 1
    store.set_participant_table(moved.id, 1)
    assert store.participant_by_token(event.id, token).table_no == 1
    assert store.count_participants(event.id) == 1


def test_same_token_in_two_events_is_two_participants(demo, other):
    store, event = demo
    token = new_token()
    here, there = store.join(event.id, token), store.join(other[0], token)
    assert here.id != there.id
    assert (here.seq, there.seq) == (1, 1)


def test_join_unknown_event(store):
    with pytest.raises(StoreError, match="No such event"):
        store.join(999, new_token())


def test_raw_token_never_stored(demo):
    store, event = demo
    tokens = [new_token() for _ in range(5)]
    for t in tokens:
        store.join(event.id, t, 1)
    raw = db_bytes(store)
    assert token_hash(event.id, tokens[0]).encode() in raw  # we are reading the right bytes
    for t in tokens:
        assert t.encode() not in raw


# -- polls -------------------------------------------------------------------------


def test_list_polls(demo, demo_spec):
    store, event = demo
    polls = store.list_polls(event.id)
    assert [p.position for p in polls] == list(range(1, len(demo_spec.polls) + 1))
    assert all(p.state == "draft" and not p.results_visible for p in polls)
    first = polls[0]
    assert tuple(o.label for o in first.options) == demo_spec.polls[0].options
    assert first.correct_option.label == "More than four in five"
    assert polls[-1].repeat_of == first.id
    assert store.get_poll(first.id) == first
    assert store.get_poll(first.id + 1000) is None


@pytest.mark.parametrize("state", ["draft", "closed", "revealed"])
def test_cast_vote_only_when_open(choice, state):
    store, _, poll, (p, *_) = choice
    store.set_poll_state(poll.id, state)
    with pytest.raises(StoreError, match="closed"):
        store.cast_vote(poll.id, p.id, poll.options[0].id)
    assert store.vote_count(poll.id) == 0


def test_vote_stays_after_close(choice):
    store, _, poll, (p, *_) = choice
    store.cast_vote(poll.id, p.id, poll.options[1].id)
    store.set_poll_state(poll.id, "closed")
    with pytest.raises(StoreError):
        store.cast_vote(poll.id, p.id, poll.options[2].id)
    assert store.my_vote(poll.id, p.id) == poll.options[1].id


def test_changing_vote_updates_the_one_row(choice):
    store, _, poll, (p, q, _) = choice
    a, b = poll.options[0].id, poll.options[3].id
    store.cast_vote(poll.id, p.id, a)
    store.cast_vote(poll.id, q.id, a)
    assert [c.votes for c in store.poll_results(poll.id).counts] == [2, 0, 0, 0]
    store.cast_vote(poll.id, p.id, b)
    store.cast_vote(poll.id, p.id, b)  # same again: not a change
    results = store.poll_results(poll.id)
    assert [c.votes for c in results.counts] == [1, 0, 0, 1]
    assert results.votes == 2 and store.vote_count(poll.id) == 2
    assert store.my_vote(poll.id, p.id) == b
    assert count(store, "SELECT COUNT(*) FROM votes WHERE participant_id = ?", p.id) == 1
    assert count(store, "SELECT changes FROM votes WHERE participant_id = ?", p.id) == 1


def test_my_vote_none_before_voting(choice):
    store, _, poll, (p, *_) = choice
    assert store.my_vote(poll.id, p.id) is None


def test_option_from_another_poll_refused(choice):
    store, event, poll, (p, *_) = choice
    later = store.list_polls(event.id)[2]
    store.set_poll_state(later.id, "open")
    with pytest.raises(StoreError, match="not part of this poll"):
        store.cast_vote(poll.id, p.id, later.options[0].id)
    assert store.vote_count(poll.id) == 0


def test_answer_of_the_wrong_kind_refused(choice, estimate):
    store, _, poll, (p, *_) = choice
    _, _, est, _ = estimate
    with pytest.raises(StoreError):
        store.cast_estimate(poll.id, p.id, 3.0)
    with pytest.raises(StoreError):
        store.cast_vote(est.id, p.id, poll.options[0].id)
    with pytest.raises(StoreError, match="No such poll"):
        store.cast_vote(poll.id + 1000, p.id, poll.options[0].id)


@pytest.mark.parametrize("value", [0, 1000, 395, 395.5, 0.001])
def test_estimate_accepted(estimate, value):
    store, _, poll, p = estimate
    store.cast_estimate(poll.id, p.id, value)
    assert store.my_vote(poll.id, p.id) == value
    assert store.poll_results(poll.id).estimates == (value,)


@pytest.mark.parametrize("value", [-1, -0.001, 1000.5, 1e12, math.nan, math.inf, -math.inf])
def test_estimate_refused(estimate, value):
    store, _, poll, p = estimate
    with pytest.raises(StoreError):
        store.cast_estimate(poll.id, p.id, value)
    assert store.vote_count(poll.id) == 0


def test_estimate_range_named_in_message(estimate):
    store, _, poll, p = estimate
    with pytest.raises(StoreError, match="between 0 and 1000"):
        store.cast_estimate(poll.id, p.id, 5000)


REFUSED_ANSWERS = {
    # case: (what is tried, with (store, choice poll, estimate poll, phone, outsider), message)
    "unknown poll": (lambda s, c, e, p, o: s.cast_vote(c.id + 1000, p.id, c.options[0].id), "No such poll"),
    "phone of another event": (lambda s, c, e, p, o: s.cast_vote(c.id, o.id, c.options[0].id), "rejoin"),
    "estimate on a choice poll": (lambda s, c, e, p, o: s.cast_estimate(c.id, p.id, 3.0), "does not fit"),
    "choice on an estimate poll": (lambda s, c, e, p, o: s.cast_vote(e.id, p.id, c.options[0].id), "does not fit"),
    "closed poll": (
        lambda s, c, e, p, o: (s.set_poll_state(c.id, "closed"), s.cast_vote(c.id, p.id, c.options[1].id)),
        "closed",
    ),
    "option of another poll": (lambda s, c, e, p, o: s.cast_vote(c.id, p.id, e.id * 1000), "not part of this poll"),
    "no option": (lambda s, c, e, p, o: s.cast_vote(c.id, p.id, None), "not part of this poll"),
    "estimate below the range": (lambda s, c, e, p, o: s.cast_estimate(e.id, p.id, -5), "between 0 and 1000"),
    "estimate above the range": (lambda s, c, e, p, o: s.cast_estimate(e.id, p.id, 1001), "between 0 and 1000"),
}


@pytest.mark.parametrize("case", REFUSED_ANSWERS)
def test_a_refused_answer_says_why_and_leaves_the_earlier_answers(choice, estimate, other, case):
    store, _, poll, (phone, *_) = choice
    _, _, est, _ = estimate
    outsider = store.join(other[0], new_token())
    store.cast_vote(poll.id, phone.id, poll.options[0].id)
    store.cast_estimate(est.id, phone.id, 500)
    attempt, message = REFUSED_ANSWERS[case]
    with pytest.raises(StoreError, match=message):
        attempt(store, poll, est, phone, outsider)
    assert (store.my_vote(poll.id, phone.id), store.my_vote(est.id, phone.id)) == (poll.options[0].id, 500)
    assert (store.vote_count(poll.id), store.vote_count(est.id)) == (1, 1)
    assert count(store, "SELECT SUM(changes) FROM votes") == 0


def test_phones_joining_at_once_get_distinct_numbers(store, demo_spec):
    event_id = store.import_event(demo_spec)
    tokens, again = [new_token() for _ in range(40)], new_token()
    with ThreadPoolExecutor(8) as pool:
        joined = list(pool.map(lambda t: store.join(event_id, t), tokens + [again] * 10))
    assert sorted({p.seq for p in joined}) == list(range(1, 42))
    assert len({p.id for p in joined[40:]}) == 1  # one phone tapping ten times is one participant
    assert store.count_participants(event_id) == 41


def test_posts_at_once_from_one_phone_stop_at_the_limit(store, demo_spec):
    from eventkit.access.security import POST_LIMIT
    from eventkit.storage.attempts import ThrottledError

    event_id = store.import_event(demo_spec)
    phone, prompt = store.join(event_id, new_token()), store.list_prompts(event_id)[0]

    def post(n: int) -> str:
        try:
            store.add_note(prompt.id, phone.id, f"note {n}")
            return "saved"
        except ThrottledError:
            return "throttled"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(post, range(20)))
    assert outcomes.count("saved") == POST_LIMIT and outcomes.count("throttled") == 20 - POST_LIMIT
    assert len(store.notes_by_participant(event_id, phone.id)) == POST_LIMIT


def test_estimates_change_and_sort(estimate):
    store, event, poll, p = estimate
    q, r = join_many(store, event.id, 2)
    for participant, value in [(p, 500), (q, 100), (r, 300), (p, 50)]:
        store.cast_estimate(poll.id, participant.id, value)
    results = store.poll_results(poll.id)
    assert results.estimates == (50, 100, 300)
    assert results.votes == 3 and results.counts == ()


def test_manual_counts_kept_apart(choice):
    store, _, poll, (p, q, _) = choice
    a, b, c, d = (o.id for o in poll.options)
    store.cast_vote(poll.id, p.id, a)
    store.cast_vote(poll.id, q.id, b)
    store.set_manual_counts(poll.id, {a: 5, c: 7})
    results = store.poll_results(poll.id)
    assert results.votes == 2
    assert results.manual_total == 12
    assert results.total == 14
    assert [(o.votes, o.manual, o.total) for o in results.counts] == [(1, 5, 6), (1, 0, 1), (0, 7, 7), (0, 0, 0)]
    assert store.vote_count(poll.id) == 2
    store.set_manual_counts(poll.id, {d: 1})  # replaces, not adds
    assert [o.manual for o in store.poll_results(poll.id).counts] == [0, 0, 0, 1]


def test_manual_counts_refused(choice):
    store, event, poll, _ = choice
    with pytest.raises(StoreError, match="negative"):
        store.set_manual_counts(poll.id, {poll.options[0].id: -1})
    other_option = store.list_polls(event.id)[2].options[0].id
    with pytest.raises(StoreError, match="not part of this poll"):
        store.set_manual_counts(poll.id, {other_option: 3})
    assert store.poll_results(poll.id).manual_total == 0


def test_poll_state_and_visibility(demo):
    store, event = demo
    poll = store.list_polls(event.id)[0]
    for state in ("open", "closed", "revealed", "draft"):
        store.set_poll_state(poll.id, state)
        assert store.get_poll(poll.id).state == state
    store.set_results_visible(poll.id, True)
    assert store.get_poll(poll.id).results_visible
    with pytest.raises(StoreError, match="Unknown poll state"):
        store.set_poll_state(poll.id, "paused")
    with pytest.raises(StoreError, match="No such poll"):
        store.set_poll_state(poll.id + 1000, "open")


def test_live_defaults_to_welcome(demo):
    store, event = demo
    assert store.get_live(event.id) == Live(kind="welcome", poll_id=None, changed_at="")


@pytest.mark.parametrize("kind", ["welcome", "wall", "tables", "evaluation"])
def test_set_live(demo, kind):
    store, event = demo
    live = store.set_live(event.id, kind)
    assert (live.kind, live.poll_id) == (kind, None)
    assert live.changed_at.endswith("Z")
    assert store.get_live(event.id) == live


def test_set_live_poll(demo):
    store, event = demo
    poll = store.list_polls(event.id)[3]
    assert store.set_live(event.id, "poll", poll.id).poll_id == poll.id
    assert store.get_live(event.id).kind == "poll"


@pytest.mark.parametrize(
    "kind,poll",
    [("quiz", None), ("poll", None), ("wall", "own"), ("poll", "other"), ("poll", "missing")],
)
def test_set_live_refused(demo, other, kind, poll):
    store, event = demo
    poll_id = {
        None: None,
        "own": store.list_polls(event.id)[0].id,
        "other": other[1].id,
        "missing": 99999,
    }[poll]
    with pytest.raises(StoreError):
        store.set_live(event.id, kind, poll_id)
    assert store.get_live(event.id).kind == "welcome"


def test_get_live_unknown_event(store):
    with pytest.raises(StoreError):
        store.get_live(1)


# -- the wall ------------------------------------------------------------------------


@pytest.fixture
def wall(demo):
    """(store, event, first prompt, participant)."""
    store, event = demo
    return store, event, store.list_prompts(event.id)[0], store.join(event.id, new_token())


def test_list_prompts(demo, demo_spec):
    store, event = demo
    prompts = store.list_prompts(event.id)
    assert tuple(p.text for p in prompts) == demo_spec.wall_prompts
    assert [p.position for p in prompts] == [1, 2, 3, 4]


def test_add_note_visible(wall):
    store, event, prompt, p = wall
    note = store.add_note(prompt.id, p.id, "  More \u202eshared data\n\n\n\nplease  ")
    assert note.text == "More shared data\n\nplease"
    assert (note.status, note.held_reason, note.plus_ones) == ("visible", "", 0)
    assert store.list_notes(event.id) == [note]


def test_add_note_refused(wall):
    store, event, prompt, p = wall
    with pytest.raises(TextError):
        store.add_note(prompt.id, p.id, " \n ")
    with pytest.raises(TextError, match="limit is 500"):
        store.add_note(prompt.id, p.id, "x" * 501)
    with pytest.raises(StoreError):
        store.add_note(99999, p.id, "Hello")
    assert store.list_notes(event.id, ("visible", "hidden", "pending")) == []


def test_premoderate_holds_notes(wall):
    store, event, prompt, p = wall
    store.set_moderation(event.id, premoderate=True, word_filter=[])
    note = store.add_note(prompt.id, p.id, "Needs approval")
    assert (note.status, note.held_reason) == ("pending", "pre-approval")
    assert store.list_notes(event.id) == []
    assert store.list_notes(event.id, ("pending",)) == [note]


@pytest.mark.parametrize(
    "text,held",
    [
        ("This is RUDEWORD, honestly", "rudeword"),
        ("rudeword", "rudeword"),
        ("A cleaner note", ""),
    ],
)
def test_word_filter_holds(wall, text, held):
    store, event, prompt, p = wall
    store.set_moderation(event.id, premoderate=False, word_filter=["RudeWord", "other"])
    note = store.add_note(prompt.id, p.id, text)
    if held:
        assert note.status == "pending"
        assert held in note.held_reason
    else:
        assert (note.status, note.held_reason) == ("visible", "")


def test_list_notes_filters_by_status(wall):
    store, event, prompt, p = wall
    notes = [store.add_note(prompt.id, p.id, f"Note {i}") for i in range(4)]
    store.set_note_status(notes[1].id, "hidden")
    store.set_note_status(notes[2].id, "pending")
    ids = lambda statuses: [n.id for n in store.list_notes(event.id, statuses)]  # noqa: E731
    assert ids(("visible",)) == [notes[3].id, notes[0].id]  # newest first
    assert ids(("hidden",)) == [notes[1].id]
    assert ids(("pending",)) == [notes[2].id]
    assert sorted(ids(("visible", "hidden", "pending"))) == [n.id for n in notes]
    assert len(store.notes_by_participant(event.id, p.id)) == 4


def test_notes_of_other_events_not_listed(wall, other):
    store, event, prompt, p = wall
    store.add_note(prompt.id, p.id, "Here")
    assert store.list_notes(other[0]) == []


def test_plus_one_once_per_participant(wall):
    store, event, prompt, p = wall
    note = store.add_note(prompt.id, p.id, "Good idea")
    q, r = join_many(store, event.id, 2)
    assert store.plus_one(note.id, q.id) is True
    assert store.plus_one(note.id, q.id) is False
    assert store.plus_one(note.id, r.id) is True
    assert store.list_notes(event.id)[0].plus_ones == 2
    assert store.my_plus_ones(event.id, q.id) == {note.id}
    assert store.my_plus_ones(event.id, p.id) == set()


@pytest.mark.parametrize("status", ["hidden", "pending"])
def test_plus_one_on_note_off_the_wall_refused(wall, status):
    store, event, prompt, p = wall
    note = store.add_note(prompt.id, p.id, "Soon gone")
    store.set_note_status(note.id, status)
    with pytest.raises(StoreError, match="not on the wall"):
        store.plus_one(note.id, p.id)
    with pytest.raises(StoreError):
        store.plus_one(note.id + 1000, p.id)


def test_set_note_status(wall):
    store, event, prompt, p = wall
    note = store.add_note(prompt.id, p.id, "Moderate me")
    store.set_note_status(note.id, "hidden")
    assert store.list_notes(event.id, ("hidden",))[0].id == note.id
    store.set_note_status(note.id, "visible")
    assert store.list_notes(event.id)[0].id == note.id
    with pytest.raises(StoreError, match="Unknown note state"):
        store.set_note_status(note.id, "deleted")
    with pytest.raises(StoreError, match="No such note"):
        store.set_note_status(note.id + 1000, "hidden")


# -- tables ----------------------------------------------------------------------------


def test_list_tables(demo, demo_spec):
    store, event = demo
    tables = store.list_tables(event.id)
    assert [(t.number, t.name) for t in tables] == [(1, "Table 1"), (2, "Table 2"), (3, "Table 3"), (4, "Table 4")]
    for table, spec in zip(tables, demo_spec.tables, strict=True):
        assert [v.title for v in table.vignettes] == [v.title for v in spec.vignettes]
        assert [v.position for v in table.vignettes] == [1, 2]
        for vignette in table.vignettes:
            assert vignette.table_id == table.id
            assert len(vignette.prompts) == 4
            assert vignette.prompts[0] == "How might case workers engage with this person?"
    assert store.table_by_number(event.id, 3) == tables[2]
    assert store.table_by_number(event.id, 5) is None


def test_consent_give_and_withdraw_idempotent(demo):
    store, event = demo
    table = store.table_by_number(event.id, 1)
    p = store.join(event.id, new_token(), 1)
    assert not store.has_consent(table.id, p.id)
    store.give_consent(table.id, p.id)
    store.give_consent(table.id, p.id)
    assert store.has_consent(table.id, p.id)
    assert count(store, "SELECT COUNT(*) FROM consents") == 1
    store.withdraw_consent(table.id, p.id)
    store.withdraw_consent(table.id, p.id)
    assert not store.has_consent(table.id, p.id)
    assert count(store, "SELECT COUNT(*) FROM consents") == 0


def test_table_notes_and_summary(demo):
    store, event = demo
    one, two = store.table_by_number(event.id, 1), store.table_by_number(event.id, 2)
    scribe = store.join(event.id, new_token(), 1)
    join_many(store, event.id, 3, 1)
    join_many(store, event.id, 2, 2)
    store.give_consent(one.id, scribe.id)
    vignette = one.vignettes[0]
    first = store.add_table_note(vignette.id, scribe.id, vignette.prompts[1], " Food bank\x00 referral ")
    store.add_table_note(one.vignettes[1].id, scribe.id, "", "Data sharing agreement")
    assert first.text == "Food bank referral" and first.table_id == one.id
    assert [n.text for n in store.list_table_notes(one.id)] == ["Food bank referral", "Data sharing agreement"]
    assert store.list_table_notes(two.id) == []
    summary = {row["number"]: row for row in store.table_summary(event.id)}
    assert list(summary) == [1, 2, 3, 4]
    assert (summary[1]["seated"], summary[1]["consents"], summary[1]["notes"]) == (4, 1, 2)
    assert (summary[2]["seated"], summary[2]["consents"], summary[2]["notes"]) == (2, 0, 0)
    assert summary[3]["seated"] == 0
    with pytest.raises(StoreError):
        store.add_table_note(99999, scribe.id, "", "Nowhere")
    with pytest.raises(TextError, match="limit is 2,000"):
        store.add_table_note(one.vignettes[0].id, scribe.id, "", "x" * 2001)


# -- evaluation --------------------------------------------------------------------------


@pytest.fixture
def evaluation(demo):
    """(store, event with the evaluation open, items by kind, participant)."""
    store, event = demo
    store.set_eval_open(event.id, True)
    items = store.list_eval_items(event.id)
    by_kind = {kind: [i for i in items if i.kind == kind] for kind in ("score", "likert", "text")}
    return store, event, by_kind, store.join(event.id, new_token())


def test_list_eval_items(demo, demo_spec):
    store, event = demo
    items = store.list_eval_items(event.id)
    assert [(i.kind, i.text) for i in items] == [(e.kind, e.text) for e in demo_spec.evaluation]
    assert [i.position for i in items] == list(range(1, len(items) + 1))


def test_evaluation_closed_refused(demo):
    store, event = demo
    p = store.join(event.id, new_token())
    item = store.list_eval_items(event.id)[0]
    with pytest.raises(StoreError, match="closed"):
        store.submit_evaluation(event.id, p.id, {item.id: 4})
    assert store.count_eval_responses(event.id) == 0


def test_submit_and_resubmit(evaluation):
    store, event, items, p = evaluation
    score, likert, text = items["score"][0], items["likert"][0], items["text"][0]
    store.submit_evaluation(event.id, p.id, {score.id: 5, likert.id: 2, text.id: "  The tables \u202e"})
    assert store.my_evaluation(event.id, p.id) == {score.id: 5, likert.id: 2, text.id: "The tables"}
    assert store.count_eval_responses(event.id) == 1
    store.submit_evaluation(event.id, p.id, {score.id: 3, text.id: "   "})
    assert store.my_evaluation(event.id, p.id) == {score.id: 3}
    assert store.count_eval_responses(event.id) == 1
    assert count(store, "SELECT COUNT(*) FROM eval_answers") == 1


def test_my_evaluation_empty(evaluation):
    store, event, _, p = evaluation
    assert store.my_evaluation(event.id, p.id) == {}


@pytest.mark.parametrize("kind", ["score", "likert"])
@pytest.mark.parametrize("value", [0, 6, -1, "3", 2.5, True])
def test_out_of_range_score_refused(evaluation, kind, value):
    store, event, items, p = evaluation
    with pytest.raises(StoreError, match="from 1 to 5"):
        store.submit_evaluation(event.id, p.id, {items[kind][0].id: value})
    assert store.count_eval_responses(event.id) == 0


@pytest.mark.parametrize("answers", ["empty", "blank text", "none"])
def test_nothing_to_save_refused(evaluation, answers):
    store, event, items, p = evaluation
    answers = {
        "empty": {},
        "blank text": {items["text"][0].id: " \n\t "},
        "none": {items["score"][0].id: None, items["text"][1].id: None},
    }[answers]
    with pytest.raises(StoreError, match="at least one"):
        store.submit_evaluation(event.id, p.id, answers)
    assert store.count_eval_responses(event.id) == 0


def test_unknown_item_refused(evaluation, other):
    store, event, items, p = evaluation
    for item_id in (99999, other[4].id):
        with pytest.raises(StoreError, match="not part of this evaluation"):
            store.submit_evaluation(event.id, p.id, {items["score"][0].id: 4, item_id: 4})
    assert store.count_eval_responses(event.id) == 0


def test_long_text_answer_refused(evaluation):
    store, event, items, p = evaluation
    with pytest.raises(TextError, match="limit is 2,000"):
        store.submit_evaluation(event.id, p.id, {items["text"][0].id: "x" * 2001})


# -- deleting an event -------------------------------------------------------------------


def test_delete_event_removes_everything(demo, other):
    store, event = demo
    secret = "ZEBRA-CROSSING-7731 by the old library"
    p = store.join(event.id, new_token(), 1)
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    store.cast_vote(poll.id, p.id, poll.options[0].id)
    note = store.add_note(store.list_prompts(event.id)[0].id, p.id, secret)
    store.plus_one(note.id, p.id)
    table = store.table_by_number(event.id, 1)
    store.give_consent(table.id, p.id)
    store.add_table_note(table.vignettes[0].id, p.id, "", "TABLE-NOTE-4242")
    store.set_eval_open(event.id, True)
    store.submit_evaluation(event.id, p.id, {store.list_eval_items(event.id)[-1].id: "EVAL-TEXT-5151"})
    before = db_bytes(store)
    assert secret.encode() in before and b"TABLE-NOTE-4242" in before  # the check can see text

    store.delete_event(event.id)

    assert [e.id for e in store.list_events()] == [other[0]]
    for table_name in (
        "participants",
        "votes",
        "notes",
        "note_plus_ones",
        "consents",
        "table_notes",
        "eval_responses",
        "eval_answers",
    ):
        assert count(store, f"SELECT COUNT(*) FROM {table_name}") == 0, table_name
    assert count(store, "SELECT COUNT(*) FROM polls") == 1  # the other event's
    after = db_bytes(store)
    for text in (secret, "TABLE-NOTE-4242", "EVAL-TEXT-5151", "Strengthening partnerships", "Gingerbread"):
        assert text.encode() not in after, text
    assert b"Another event" in after  # the other event is untouched
    assert store.integrity_ok()


def test_replacing_an_event_on_import_compacts_like_deleting_one(demo, demo_spec, monkeypatch):
    store, event = demo
    secret = "REPLACED-NOTE-6262 about the old hall"
    p = store.join(event.id, new_token(), 1)
    store.add_note(store.list_prompts(event.id)[0].id, p.id, secret)
    assert secret.encode() in db_bytes(store)  # the check can see text
    compacted = []
    real = store.engine.compact
    monkeypatch.setattr(store.engine, "compact", lambda: (compacted.append(True), real())[1])

    store.import_event(demo_spec, replace=True)

    assert compacted == [True]
    assert secret.encode() not in db_bytes(store)
    assert store.integrity_ok()


# --- A database too busy to take a write ------------------------------------------------


def _first_score(store, event) -> dict:
    item = next(i for i in store.list_eval_items(event.id) if i.kind != "text")
    return {item.id: 4}


@pytest.fixture
def locked(demo, monkeypatch):
    """(store, event, person, poll, release): another writer holds the lock; short busy timeout."""

    store, event = demo
    person = store.join(event.id, new_token(), 1)
    store.give_consent(store.list_tables(event.id)[0].id, person.id)  # so a table note can be recorded
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    store.set_eval_open(event.id, True)
    monkeypatch.setattr("eventkit.storage.db.BUSY_TIMEOUT_MS", 50)
    store.close()  # the timeout is set when a connection opens
    release = hold_write_lock(store)
    released = []
    yield store, event, person, poll, lambda: released.append(release())
    if not released:
        release()


@pytest.mark.parametrize(
    ("write", "table"),
    [
        (lambda s, e, p, poll: s.cast_vote(poll.id, p.id, poll.options[0].id), "votes"),
        (lambda s, e, p, poll: s.add_note(s.list_prompts(e.id)[0].id, p.id, "A note"), "notes"),
        (lambda s, e, p, poll: s.join(e.id, new_token(), 1), "participants"),
        (
            lambda s, e, p, poll: s.add_table_note(s.list_tables(e.id)[0].vignettes[0].id, p.id, "", "A note"),
            "table_notes",
        ),
        (lambda s, e, p, poll: s.submit_evaluation(e.id, p.id, _first_score(s, e)), "eval_responses"),
    ],
)
def test_a_write_that_cannot_get_the_lock_is_refused_with_a_message_and_can_be_retried(locked, write, table):
    store, event, person, poll, release = locked
    before = count(store, f"SELECT COUNT(*) FROM {table}")
    with pytest.raises(StoreError, match="very busy.*try again"):
        write(store, event, person, poll)
    assert count(store, f"SELECT COUNT(*) FROM {table}") == before
    release()
    write(store, event, person, poll)  # the same tap, a moment later
    assert count(store, f"SELECT COUNT(*) FROM {table}") == before + 1


def test_a_phone_rejoining_unchanged_only_reads(locked):
    """Every reconnect rejoins: while another writer holds the lock, it still gets straight in."""
    store, event, person, _poll, release = locked
    release()
    token = new_token()
    joined = store.join(event.id, token, 2)
    release_again = hold_write_lock(store)
    try:
        assert store.join(event.id, token) == joined
        assert store.join(event.id, token, 2) == joined
        with pytest.raises(StoreError, match="very busy"):
            store.join(event.id, token, 3)  # a move to another table is a write
    finally:
        release_again()
    assert store.join(event.id, token, 3).table_no == 3
