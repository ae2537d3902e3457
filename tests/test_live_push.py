"""Live push: screens that are out of date are asked to redraw, a few at a time."""

from __future__ import annotations

import pytest

from eventkit.live import LivePush, Outcome, live_signature


class Fake:
    """A stand-in for the database (signatures) and for Streamlit (reruns)."""

    def __init__(self, outcome: Outcome = Outcome.ASKED) -> None:
        self.live: dict[int, tuple] = {1: ("welcome", None, None)}
        self.asked: list[str] = []
        self.parts: dict[str, str] = {}  # screen -> the part it was last asked to redraw
        self.changed: list[int] = []
        self.outcome = outcome
        self.reads: list[set[int]] = []  # the events asked for, one set per read

    def signatures(self, event_ids: set[int]) -> dict[int, tuple]:
        self.reads.append(set(event_ids))
        return {e: self.live[e] for e in event_ids if e in self.live}

    def rerun(self, ids: dict[str, str]) -> dict[str, Outcome]:
        self.asked.extend(ids)
        self.parts.update(ids)
        return {i: self.outcome for i in ids}

    def pusher(self, **kwargs) -> LivePush:
        return LivePush(self.signatures, self.rerun, self.changed.append, **kwargs)


def _screens(push: LivePush, n: int, shown=("welcome", None, None), event_id: int = 1) -> list[str]:
    ids = [f"s{i}" for i in range(n)]
    for screen in ids:
        push.watch(screen, event_id, shown)
    return ids


def test_up_to_date_screens_are_left_alone():
    fake = Fake()
    push = fake.pusher()
    _screens(push, 5)
    assert push.step(now=1.0) == 0
    assert fake.asked == []


def test_a_change_reruns_every_screen_of_the_event_in_batches():
    fake = Fake()
    push = fake.pusher(in_flight=4)
    ids = _screens(push, 10)
    push.step(now=0.5)
    fake.live[1] = ("wall", None, None)
    assert push.step(now=1.0) == 10
    assert fake.asked == ids[:4]  # no more than in_flight at once
    assert fake.changed == [1, 1]  # first seen at 0.5, changed at 1.0
    assert push.step(now=1.1) == 10  # nobody has redrawn yet: nothing more asked
    assert len(fake.asked) == 4
    for screen in ids[:4]:  # the four redraw, and say so
        push.watch(screen, 1, ("wall", None, None))
    assert push.step(now=1.2) == 6
    assert fake.asked == ids[:8]


def test_only_the_changed_event_is_redrawn():
    fake = Fake()
    fake.live[2] = ("welcome", None, None)
    push = fake.pusher()
    _screens(push, 2, event_id=1)
    push.watch("other", 2, ("welcome", None, None))
    fake.live[2] = ("poll", 7, "open")
    push.step(now=1.0)
    assert fake.asked == ["other"]


@pytest.mark.parametrize(
    ("outcome", "watched_after", "asked_again_at_once"),
    [
        (Outcome.GONE, 0, False),  # a closed phone is forgotten
        (Outcome.BUSY, 1, True),  # a phone running a vote is asked again next step
        (Outcome.ASKED, 1, False),  # waits for its redraw (or retry_after)
    ],
)
def test_what_happens_after_asking(outcome, watched_after, asked_again_at_once):
    fake = Fake(outcome)
    push = fake.pusher()
    _screens(push, 1)
    fake.live[1] = ("wall", None, None)
    push.step(now=1.0)
    assert push.watched() == watched_after
    push.step(now=1.1)
    assert (len(fake.asked) == 2) is asked_again_at_once


def test_a_rerun_that_never_redraws_is_asked_again_after_retry_after():
    fake = Fake()
    push = fake.pusher(retry_after=5.0)
    _screens(push, 1)
    fake.live[1] = ("wall", None, None)
    push.step(now=1.0)
    push.step(now=5.9)
    assert fake.asked == ["s0"]
    push.step(now=6.1)
    assert fake.asked == ["s0", "s0"]


def test_a_screen_that_confirms_before_asking_returns_is_not_left_pending():
    # A quick rerun may call watch() while rerun() is still returning.
    fake = Fake()
    push = fake.pusher(in_flight=1)
    ids = _screens(push, 2)

    def rerun_and_redraw_at_once(batch: dict[str, str]) -> dict[str, Outcome]:
        for screen in batch:
            push.watch(screen, 1, fake.live[1])
        return fake.rerun(batch)

    push._rerun = rerun_and_redraw_at_once
    fake.live[1] = ("wall", None, None)
    push.step(now=1.0)
    push.step(now=1.01)  # the first confirmed, so the budget lets the second go
    assert fake.asked == ids


@pytest.mark.parametrize(
    ("drawn_by", "redrawn"),
    [
        ("", ""),  # a screen whose page drew the live activity: the whole page
        ("frag-now", "frag-now"),  # drawn by a fragment: only that fragment
    ],
)
def test_the_part_that_drew_the_live_activity_is_the_part_redrawn(drawn_by, redrawn):
    fake = Fake()
    push = fake.pusher()
    push.watch("s0", 1, ("welcome", None, None), drawn_by)
    fake.live[1] = ("wall", None, None)
    push.step(now=1.0)
    assert fake.parts == {"s0": redrawn}


def test_shown_is_what_the_screen_last_drew():
    push = Fake().pusher()
    assert push.shown("s0") is None
    push.watch("s0", 1, ("welcome", None, None))
    push.watch("s0", 1, ("wall", None, None), "frag-now")  # its fragment redrew
    assert push.shown("s0") == ("wall", None, None)


def test_forgotten_screens_are_not_rerun():
    fake = Fake()
    push = fake.pusher()
    _screens(push, 2)
    push.forget("s0")
    fake.live[1] = ("wall", None, None)
    push.step(now=1.0)
    assert fake.asked == ["s1"]


def test_a_gone_event_is_skipped_and_an_unreadable_database_skips_the_tick():
    fake = Fake()
    push = fake.pusher()
    push.watch("gone", 99, ("welcome", None, None))  # not in fake.live: left out of the answer (deleted)
    push.watch("stale", 1, ("wall", None, None))  # out of date on event 1
    assert push.step(now=1.0) == 1
    assert fake.asked == ["stale"]

    def broken(event_ids: set[int]) -> dict:
        from eventkit.storage import StoreError

        raise StoreError("very busy")

    push._signatures = broken
    assert push.step(now=10.0) == 0
    assert fake.asked == ["stale"]


def test_every_watched_event_is_read_in_one_query_per_tick():
    fake = Fake()
    fake.live.update({2: ("wall", None, None), 3: ("welcome", None, None)})
    push = fake.pusher()
    for event_id in (1, 2, 3):
        for n in range(3):
            push.watch(f"e{event_id}-{n}", event_id, ("welcome", None, None))
    push.step(now=1.0)
    push.step(now=2.0)
    assert fake.reads == [{1, 2, 3}, {1, 2, 3}]


def test_live_signatures_reads_many_events_at_once_and_leaves_out_gone_ones(store, demo_spec):
    from dataclasses import replace

    from eventkit.live import live_signatures

    first = store.import_event(demo_spec)
    second = store.import_event(replace(demo_spec, code="OTHER1"))
    poll = store.list_polls(second)[0]
    store.set_live(second, "poll", poll.id)
    store.set_poll_state(poll.id, "open")
    store.set_results_visible(poll.id, True)
    store.set_eval_open(first, True)
    assert live_signatures(store, [first, second, 999_999]) == {
        first: ("welcome", None, None, None, True),
        second: ("poll", poll.id, "open", True, False),
    }
    assert live_signatures(store, [second]) == {second: live_signature(store, second)}


def test_the_signature_the_screen_draws_from_is_the_one_push_reads(demo):
    # What a phone records (signature of the reads it drew) and what push reads from the
    # database must agree in every state, or push reruns it for ever (or never).
    from eventkit.live import LiveSignature, signature

    store, event = demo
    poll = store.list_polls(event.id)[0]
    states = [
        lambda: store.set_live(event.id, "wall"),
        lambda: store.set_eval_open(event.id, True),
        lambda: store.set_live(event.id, "poll", poll.id),
        lambda: store.set_poll_state(poll.id, "open"),
        lambda: store.set_results_visible(poll.id, True),
        lambda: store.set_eval_open(event.id, False),
    ]
    for change in states:
        change()
        now = store.get_live(event.id)
        drawn = signature(now, store.get_poll(now.poll_id) if now.kind == "poll" else None)
        read = live_signature(store, event.id)
        assert drawn == read
        assert type(drawn) is type(read) is LiveSignature  # one type, so its fields cannot drift apart


def test_live_signature_follows_the_live_activity_and_poll_state(demo):
    store, event = demo
    poll = store.list_polls(event.id)[0]
    store.set_live(event.id, "welcome")
    assert live_signature(store, event.id) == ("welcome", None, None, None, False)
    store.set_live(event.id, "poll", poll.id)
    before = live_signature(store, event.id)
    store.set_poll_state(poll.id, "open")
    after = live_signature(store, event.id)
    assert (before.kind, before.poll_id) == (after.kind, after.poll_id) == ("poll", poll.id)
    assert after.poll_state == "open" != before.poll_state


def test_shared_answers_are_dropped_when_an_event_is_first_seen_and_at_each_change_only():
    # At first sight too: another process may have changed the event just before this one's
    # phones started following it, while this process's shared answers hold the state before.
    fake = Fake()
    push = fake.pusher()
    _screens(push, 2)
    push.step(now=1.0)
    assert fake.changed == [1]
    push.step(now=1.1)
    assert fake.changed == [1]  # nothing changed: nothing dropped
    fake.live[1] = ("wall", None, None)
    push.step(now=1.2)
    assert fake.changed == [1, 1]
