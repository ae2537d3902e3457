"""eventkit/live/reads.py: shared answers, their lifetimes, and the writes that drop them."""

from __future__ import annotations

import inspect
import threading
import time

import pytest

from eventkit.live import reads as live_reads
from eventkit.live.reads import (
    EVENT,
    LEFT_TO_LIFETIME,
    LIVE,
    READS,
    VOTES,
    WALL,
    WRITES,
    DroppingStore,
    SharedReads,
)
from eventkit.storage import Store, StoreError


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CountingStore:
    """Counts database reads; answers what `state` says."""

    def __init__(self) -> None:
        self.state = {"live": "welcome", "notes": ["a"]}
        self.calls: list[str] = []

    def get_live(self, event_id: int) -> str:
        self.calls.append("get_live")
        return self.state["live"]

    def event_by_code(self, code: str) -> None:
        return None

    def list_notes(self, event_id: int) -> list[str]:
        self.calls.append("list_notes")
        return self.state["notes"]

    def set_live(self, event_id: int, kind: str) -> None:
        self.state["live"] = kind

    def add_note(self, text: str) -> None:
        if not text:
            raise StoreError("Please type a note first.")
        self.state["notes"] = [*self.state["notes"], text]

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


def test_a_write_through_the_dropping_store_drops_what_it_makes_stale_and_nothing_else(shared):
    reads, store, _ = shared
    writer = DroppingStore(store, reads)
    reads.live(1), reads.visible_notes(1)
    writer.add_note("new")  # WALL: the notes go, what is live stays
    assert reads.visible_notes(1) == ["a", "new"]
    assert reads.live(1) == "welcome"
    assert store.calls == ["get_live", "list_notes", "list_notes"]
    writer.set_live(1, "wall")
    assert reads.live(1) == "wall"


def test_a_refused_write_still_drops_and_raises(shared):
    reads, store, _ = shared
    reads.visible_notes(1)
    with pytest.raises(StoreError):
        DroppingStore(store, reads).add_note("")
    reads.visible_notes(1)
    assert store.calls == ["list_notes", "list_notes"]


def test_other_store_calls_pass_through_unchanged(shared):
    reads, store, _ = shared
    writer = DroppingStore(store, reads)
    assert writer.my_vote(1, 2) == 7
    assert writer.state is store.state


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
    reads.changed({LIVE})  # what the facilitator's write (or push) does
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


def test_every_read_and_write_named_in_the_tables_is_a_store_method_and_topic():
    topics = {EVENT, LIVE, VOTES, WALL, live_reads.TABLES, live_reads.FEEDBACK, live_reads.PEOPLE}
    problems = [f"{name}: not a Store method" for name in [*READS, *WRITES] if not callable(getattr(Store, name, None))]
    problems += [
        f"{name}: unknown topic {t}" for name, life in READS.items() for t in life.dropped_by if t not in topics
    ]
    problems += [f"{name}: unknown topic {t}" for name, ts in WRITES.items() for t in ts if t not in topics]
    problems += [
        f"{name}: changes nothing a shared read shows"
        for name, ts in WRITES.items()
        if not any(ts & life.dropped_by for life in READS.values())
    ]
    assert not problems, problems


# Every other Store method, sorted by hand: writes that change nothing a shared
# read shows (staff secrets, sign-in attempts, coding, backups), reads that are
# not shared (one person's, or staff pages' own), and connections. A new Store
# method fails the test below until someone says which it is, or puts it in
# reads.py's tables: a write missing from WRITES would leave phones and the
# projector on stale answers for a lifetime.
NOT_SHARED_WRITES = {
    "add_staff_pass",
    "add_theme",
    "backup_to",
    "begin_sign_in",
    "clear_all_login_failures",
    "clear_login_failures",
    "create_admin_password_hash",
    "delete_staff_pass",
    "delete_staff_passes",
    "delete_theme",
    "rename_theme",
    "set_admin_password_hash",
    "set_codings",
    "sign_in_succeeded",
}
UNSHARED_READS = {
    "activity_times",
    "admin_password_hash",
    "analysis_matrix",
    "applied_migrations",
    "codable_items",
    "count_eval_responses",
    "count_login_failures",
    "count_participants",
    "describe",
    "eval_value_counts",
    "event_row_counts",
    "expired_events",
    "export_estimates",
    "export_eval_answers",
    "export_manual_counts",
    "export_participants",
    "export_spec",
    "export_table_notes",
    "export_votes",
    "export_wall_notes",
    "facilitator_hash",
    "get_event",
    "get_poll",
    "has_consent",
    "integrity_ok",
    "list_eval_items",
    "list_events",
    "list_table_notes",
    "list_themes",
    "live_signatures",
    "login_wait_seconds",
    "my_evaluation",
    "my_plus_ones",
    "my_vote",
    "notes_by_participant",
    "notes_per_prompt",
    "participant_by_token",
    "pending_notes",
    "recent_joins",
    "staff_pass",
    "table_by_number",
    "table_consent_count",
    "table_row_counts",
}
CONNECTIONS = {"close", "read", "read_snapshot", "release_connection", "write"}


def test_every_store_method_is_sorted_once():
    groups = [set(READS), set(WRITES), set(LEFT_TO_LIFETIME), NOT_SHARED_WRITES, UNSHARED_READS, CONNECTIONS]
    methods = {name for name in dir(Store) if not name.startswith("_") and callable(getattr(Store, name))}
    unsorted = sorted(name for name in methods if sum(name in group for group in groups) != 1)
    assert not unsorted, f"Store methods in no group or in two (see reads.py's WRITES): {unsorted}"
    writes = {name for name in UNSHARED_READS if "INSERT" in inspect.getsource(getattr(Store, name))}
    assert not writes, f"sorted as reads but they write: {sorted(writes)}"


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
    store.poll_results = lambda poll_id: store.calls.append("poll_results") or "results"
    store.cast_vote = lambda *args: None
    writer = DroppingStore(store, reads)
    for _ in range(50):
        writer.cast_vote(1, 2, 3)
        reads.results(1)
    assert store.calls == ["poll_results"]
    clock.now += READS["poll_results"].seconds
    reads.results(1)
    assert store.calls == ["poll_results", "poll_results"]


def test_a_dropping_store_can_be_copied():
    import copy

    reads = SharedReads(CountingStore())
    writer = DroppingStore(reads.store, reads)
    assert copy.copy(writer).my_vote(1, 2) == 7
