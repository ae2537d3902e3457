"""eventkit/live/reads.py: shared answers and their lifetimes; the Store's declarations (storage/stale.py) that drop them."""

from __future__ import annotations

import inspect
import threading
import time

import pytest

from eventkit.live import reads as live_reads
from eventkit.live.reads import LIFETIMES, READS, SharedReads, declared_reads, declared_writes
from eventkit.storage import Store, StoreError
from eventkit.storage.stale import (
    LIVE,
    TOPICS,
    VOTES,
    WALL,
    Announcer,
    Change,
    changes,
    declarations,
    left_to_lifetime,
    reads,
    unshared,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CountingStore(Announcer):
    """Counts database reads; answers what `state` says. Declared as the Store's methods are."""

    def __init__(self) -> None:
        self.state = {"live": "welcome", "notes": ["a"]}
        self.calls: list[str] = []

    @reads(LIVE)
    def get_live(self, event_id: int) -> str:
        self.calls.append("get_live")
        return self.state["live"]

    @reads()
    def event_by_code(self, code: str) -> None:
        return None

    @reads(WALL)
    def list_notes(self, event_id: int) -> list[str]:
        self.calls.append("list_notes")
        return self.state["notes"]

    @changes(LIVE)
    def set_live(self, event_id: int, kind: str) -> None:
        self.state["live"] = kind

    @changes(WALL)
    def add_note(self, text: str) -> None:
        if not text:
            raise StoreError("Please type a note first.")
        self.state["notes"] = [*self.state["notes"], text]

    @left_to_lifetime(VOTES)
    def cast_vote(self, *args: int) -> None:
        pass

    @reads(VOTES)
    def poll_results(self, poll_id: int) -> str:
        self.calls.append("poll_results")
        return "results"

    @unshared
    def my_vote(self, poll_id: int, participant_id: int) -> int:
        return 7


@pytest.fixture
def shared():
    clock, store = Clock(), CountingStore()
    return SharedReads(store, clock=clock), store, clock


def test_an_answer_is_read_once_per_lifetime_for_every_screen(shared):
    reads, store, clock = shared
    assert [reads.live(1) for _ in range(100)] == ["welcome"] * 100
    assert store.calls == ["get_live"]
    clock.now += READS["get_live"].seconds - 0.01
    reads.live(1)
    assert store.calls == ["get_live"]
    clock.now += 0.02  # the lifetime is over: read again
    reads.live(1)
    assert store.calls == ["get_live", "get_live"]


def test_answers_are_kept_per_argument(shared):
    reads, store, _ = shared
    reads.live(1), reads.live(2), reads.live(1)
    assert store.calls == ["get_live", "get_live"]


def test_a_write_through_the_store_drops_what_it_declares_stale_and_nothing_else(shared):
    reads, store, _ = shared
    reads.live(1), reads.visible_notes(1)
    store.add_note("new")  # @changes(WALL): the notes go, what is live stays
    assert reads.visible_notes(1) == ["a", "new"]
    assert reads.live(1) == "welcome"
    assert store.calls == ["get_live", "list_notes", "list_notes"]
    store.set_live(1, "wall")
    assert reads.live(1) == "wall"


def test_a_refused_write_still_drops_and_raises(shared):
    reads, store, _ = shared
    reads.visible_notes(1)
    with pytest.raises(StoreError):
        store.add_note("")
    reads.visible_notes(1)
    assert store.calls == ["list_notes", "list_notes"]


def test_every_subscriber_is_told_each_declared_write_and_only_those(shared):
    # A second consumer (e.g. an event-stream hub) subscribes as SharedReads does.
    _, store, _ = shared
    told: list[Change] = []
    store.subscribe(told.append)
    store.set_live(1, "wall")
    store.cast_vote(1, 2, 3)  # @left_to_lifetime: nobody is told
    assert store.my_vote(1, 2) == 7  # @unshared: nobody is told
    assert told == [Change("set_live", frozenset({LIVE}))]


def test_a_read_that_began_before_a_change_is_not_kept(shared):
    # A screen that read just before a change may finish just after it: its
    # answer is the old state and must not be shared for a lifetime.
    reads, store, _ = shared
    started, release = threading.Event(), threading.Event()

    def slow_get_live(event_id: int) -> str:
        answer = store.state["live"]
        started.set()
        release.wait(5)
        return answer

    store.get_live = slow_get_live
    slow = threading.Thread(target=reads.live, args=(1,))
    slow.start()
    started.wait(5)
    store.state["live"] = "wall"
    reads.changed({LIVE})  # what the facilitator's write (or the stream hub) does
    release.set()
    slow.join(5)
    store.get_live = CountingStore.get_live.__get__(store)
    assert reads.live(1) == "wall"


def test_many_screens_missing_at_once_cost_one_read(shared):
    reads, store, _ = shared
    original = store.get_live

    def slow(event_id: int) -> str:
        time.sleep(0.05)
        return original(event_id)

    store.get_live = slow
    threads = [threading.Thread(target=reads.live, args=(1,)) for _ in range(20)]
    [t.start() for t in threads]
    [t.join(5) for t in threads]
    assert store.calls == ["get_live"]


def test_callers_get_their_own_list(shared):
    reads, _, _ = shared
    mine = reads.visible_notes(1)
    mine.append("mine")
    assert reads.visible_notes(1) == ["a"]


def test_expire_all_and_a_full_cache_are_read_again(shared, monkeypatch):
    reads, store, clock = shared
    reads.live(1)
    reads.expire_all()
    reads.live(1)
    assert store.calls == ["get_live", "get_live"]
    monkeypatch.setattr(live_reads, "_MAX_ANSWERS", 3)
    for event_id in range(10):  # e.g. codes typed at random: the kept answers stay few
        reads.live(event_id)
    assert len(reads._answers) <= 3


def test_the_shared_reads_are_the_stores_declared_reads_and_every_declared_write_drops_one():
    shown = declared_reads()
    problems = [f"{name}: kept in LIFETIMES but not declared @reads" for name in LIFETIMES if name not in shown]
    problems += [f"{name}: declared @reads but given no lifetime in LIFETIMES" for name in shown if name not in READS]
    problems += [f"{name}: shows nothing (no topic)" for name, ts in shown.items() if not ts]
    problems += [
        f"{name}: changes nothing a shared read shows"
        for name, ts in declared_writes().items()
        if not any(ts & life.dropped_by for life in READS.values())
    ]
    problems += [
        f"{name}: unknown topic {t}"
        for name, d in declarations(Store).items()
        if d
        for t in d.topics
        if t not in TOPICS
    ]
    assert not problems, problems


def test_a_declaration_names_only_known_topics():
    with pytest.raises(ValueError, match="unknown topics"):
        changes("vote")(lambda self: None)


def undeclared(cls: type) -> list[str]:
    """cls's public methods that declare neither what they change nor what they show."""
    return sorted(name for name, found in declarations(cls).items() if found is None)


def test_every_store_method_is_sorted_once():
    # A write not declared would leave phones and the projector on stale answers for a lifetime.
    assert not undeclared(Store), f"declare these in eventkit/storage/stale.py's terms: {undeclared(Store)}"
    writing = ("self.write(", "_write_one(", "INSERT ", "UPDATE ", "DELETE ")
    kinds = {"reads", "plumbing"}
    writes = sorted(
        name
        for name, found in declarations(Store).items()
        if found.kind in kinds and any(w in inspect.getsource(getattr(Store, name)) for w in writing)
    )
    assert not writes, f"declared as reads but they write: {writes}"


def test_a_new_store_method_without_a_declaration_is_found():
    class Grown(Store):
        def set_something_new(self, event_id: int) -> None:
            """A write nobody declared."""

    assert undeclared(Grown) == ["set_something_new"]


def test_answers_past_their_lifetime_are_let_go_without_waiting_for_a_full_cache(shared):
    # Codes typed at random (or an event= of a megabyte in a crafted URL) are kept
    # for their lifetime; after that they must not stay in memory until 4,096
    # answers pile up, which a quiet server may never reach.
    reads, _, clock = shared
    for n in range(50):
        reads.event_by_code(f"NOPE{n}" + "X" * 1000)
    clock.now += max(life.seconds for life in READS.values()) + 1
    reads.live(1)  # any later read
    assert list(reads._answers) == [("get_live", (1,))]


def test_what_cannot_be_an_event_code_is_neither_read_nor_kept(shared):
    reads, store, _ = shared
    store.event_by_code = lambda code: store.calls.append(code)
    for code in ["X" * 100_000, "", "fife16", "FI", "FIFE16<b>", "FIFE16\n"]:
        assert reads.event_by_code(code) is None
    assert store.calls == [] and reads._answers == {}
    reads.event_by_code("FIFE16")
    assert store.calls == ["FIFE16"]


def test_a_vote_leaves_the_results_to_their_lifetime(shared):
    # A storm of votes must not make every screen that shows the results read them again.
    reads, store, clock = shared
    for _ in range(50):
        store.cast_vote(1, 2, 3)
        reads.results(1)
    assert store.calls == ["poll_results"]
    clock.now += READS["poll_results"].seconds
    reads.results(1)
    assert store.calls == ["poll_results", "poll_results"]


def test_the_apps_store_can_be_copied_and_its_copy_still_drops(demo):
    import copy

    store, event = demo
    shared = SharedReads(store)
    assert shared.live(event.id).kind == "welcome"
    copy.copy(store).set_live(event.id, "wall")
    assert shared.live(event.id).kind == "wall"
