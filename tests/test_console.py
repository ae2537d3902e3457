"""Facilitator actions: only a Console (passcode) can perform them; each changes the stored state."""

from __future__ import annotations

import pytest

from eventkit.access import security
from eventkit.access.console import Console, ConsoleLocked, parse_words
from eventkit.storage import StoreError


@pytest.fixture
def con(demo):
    store, event = demo
    return Console.unlock(store, event.id, "fife-demo")


def _people(store, event, n):
    return [store.join(event.id, f"console-test-token-{i:04d}") for i in range(n)]


@pytest.mark.parametrize("passcode", ["", "wrong", "FIFE-DEMO", "fife-demo ", None])
def test_a_wrong_passcode_gives_no_console(demo, passcode):
    store, event = demo
    with pytest.raises(ConsoleLocked):
        Console.unlock(store, event.id, passcode)


def test_a_console_cannot_be_made_without_the_passcode(demo):
    store, event = demo
    with pytest.raises(ConsoleLocked):
        Console(store, event.id, store.facilitator_hash(event.id))


def test_an_event_without_a_passcode_cannot_be_unlocked(demo):
    store, event = demo
    store.set_facilitator_hash(event.id, "")
    with pytest.raises(ConsoleLocked, match="no facilitator passcode"):
        Console.unlock(store, event.id, "")


def test_changing_the_passcode_locks_open_consoles(demo, con):
    store, event = demo
    store.set_facilitator_hash(event.id, security.hash_passcode("new-one", n=16))
    with pytest.raises(ConsoleLocked):
        con.set_live("wall")
    assert store.get_live(event.id).kind == "welcome"


@pytest.mark.parametrize(
    "action, state, visible",
    [
        ("open_poll", "open", False),
        ("close_poll", "closed", False),
        ("reveal", "revealed", True),
    ],
)
def test_poll_state_changes(demo, con, action, state, visible):
    store, event = demo
    poll = store.list_polls(event.id)[0]
    getattr(con, action)(poll.id)
    after = store.get_poll(poll.id)
    assert (after.state, after.results_visible) == (state, visible)


def test_results_are_hidden_by_default_and_can_be_shown_and_hidden(demo, con):
    store, event = demo
    poll = store.list_polls(event.id)[0]
    con.open_poll(poll.id)
    assert store.get_poll(poll.id).results_visible is False
    con.show_results(poll.id, True)
    assert store.get_poll(poll.id).results_visible is True
    con.show_results(poll.id, False)
    assert store.get_poll(poll.id).results_visible is False


def test_reveal_stops_voting(demo, con):
    store, event = demo
    poll = store.list_polls(event.id)[0]
    (someone,) = _people(store, event, 1)
    con.open_poll(poll.id)
    store.cast_vote(poll.id, someone.id, poll.options[0].id)
    con.reveal(poll.id)
    with pytest.raises(StoreError):
        store.cast_vote(poll.id, someone.id, poll.options[1].id)
    assert store.vote_count(poll.id) == 1


def test_next_closes_the_current_poll_and_opens_the_next_one_live(demo, con):
    store, event = demo
    first, second = store.list_polls(event.id)[:2]
    con.set_live("poll", first.id)
    con.open_poll(first.id)
    assert con.next_poll(first.id) == second.id
    assert store.get_poll(first.id).state == "closed"
    assert store.get_poll(second.id).state == "open"
    assert store.get_live(event.id).poll_id == second.id


def test_next_after_the_last_poll_does_nothing(demo, con):
    store, event = demo
    last = store.list_polls(event.id)[-1]
    con.set_live("poll", last.id)
    assert con.next_poll(last.id) is None
    assert store.get_live(event.id).poll_id == last.id


def test_next_from_no_poll_starts_the_first(demo, con):
    store, event = demo
    first = store.list_polls(event.id)[0]
    assert con.next_poll(None) == first.id
    assert store.get_poll(first.id).state == "open"


# Each row: polls' states before (by position), what is live ("welcome" or a position),
# the picked position, then the position Next question opens (None: nothing) and the
# states after. Never skips a draft, never reopens a poll already asked.
NEXT_CASES = [
    ("welcome, Q1 picked: Q1 opens (README step 4)", "dddd", "welcome", 1, 1, "oddd"),
    ("welcome, nothing picked: the first draft", "dddd", "welcome", None, 1, "oddd"),
    ("wall after Q1-Q2 were asked, Q1 picked: Q3", "rrdd", "wall", 1, 3, "rrod"),
    ("Q1 live and open: Q1 closes, Q2 opens", "oddd", 1, 1, 2, "codd"),
    ("Q2 live, Q4 picked (a draft): Q4", "rodd", 2, 4, 4, "rcdo"),
    ("Q1 live and revealed, Q3 asked out of order: Q2", "rdrd", 1, 1, 2, "rord"),
    ("Q2 live, Q3 already asked: the next draft, Q4", "rord", 2, 2, 4, "rcro"),
    ("last poll live and open: nothing, it stays open", "rrro", 4, 4, None, "rrro"),
    ("every poll asked, wall live: nothing", "rrrr", "wall", 1, None, "rrrr"),
]
STATE = {"d": "draft", "o": "open", "c": "closed", "r": "revealed"}


@pytest.mark.parametrize("name, before, live, picked, opened, after", NEXT_CASES, ids=[c[0] for c in NEXT_CASES])
def test_next_question_opens_the_next_unasked_poll(demo, con, name, before, live, picked, opened, after):
    store, event = demo
    polls = store.list_polls(event.id)[:4]
    for p in store.list_polls(event.id)[4:]:
        store.set_poll_state(p.id, "revealed")  # the demo has 8: use the first four
    for p, code in zip(polls, before, strict=True):
        store.set_poll_state(p.id, STATE[code])
    live_id = None if isinstance(live, str) else polls[live - 1].id
    store.set_live(event.id, "poll", live_id) if live_id else store.set_live(event.id, live)
    got = con.next_poll(live_id, polls[picked - 1].id if picked else None)
    assert got == (polls[opened - 1].id if opened else None)
    assert "".join(store.get_poll(p.id).state[0] for p in polls) == after
    assert store.get_live(event.id).poll_id == (got or live_id)


def test_next_question_refuses_when_what_is_live_changed_meanwhile(demo, con):
    """A double tap (or a second panel) must not skip a question."""
    store, event = demo
    first, second, third = store.list_polls(event.id)[:3]
    assert con.next_poll(None, first.id) == first.id
    with pytest.raises(StoreError, match="just changed"):
        con.next_poll(None, first.id)  # the same press again, from a screen that still showed Welcome
    assert con.next_poll(first.id, first.id) == second.id
    with pytest.raises(StoreError, match="just changed"):
        con.next_poll(first.id, first.id)
    assert store.get_live(event.id).poll_id == second.id and store.get_poll(third.id).state == "draft"


@pytest.mark.parametrize("kind", ["welcome", "wall", "tables", "evaluation"])
def test_set_live(demo, con, kind):
    store, event = demo
    con.set_live(kind)
    assert store.get_live(event.id).kind == kind


def test_actions_refuse_another_events_poll(demo, con, demo_spec):
    store, _ = demo
    from dataclasses import replace

    other = store.import_event(replace(demo_spec, code="OTHER1"))
    foreign = store.list_polls(other)[0]
    for action in (con.open_poll, con.close_poll, con.reveal):
        with pytest.raises(StoreError):
            action(foreign.id)
    assert store.get_poll(foreign.id).state == "draft"


def test_manual_counts_are_kept_apart_from_phone_votes(demo, con):
    store, event = demo
    poll = store.list_polls(event.id)[0]
    people = _people(store, event, 3)
    con.open_poll(poll.id)
    for p in people:
        store.cast_vote(poll.id, p.id, poll.options[0].id)
    con.set_manual_counts(poll.id, {poll.options[0].id: 5, poll.options[3].id: 12})
    results = store.poll_results(poll.id)
    assert results.votes == 3
    assert results.manual_total == 17
    assert results.total == 20
    assert [(c.votes, c.manual) for c in results.counts] == [(3, 5), (0, 0), (0, 0), (0, 12)]


def test_moderation_hide_unhide_approve_never_deletes(demo, con):
    store, event = demo
    prompt = store.list_prompts(event.id)[0]
    (someone,) = _people(store, event, 1)
    note = store.add_note(prompt.id, someone.id, "A note")
    con.hide_note(note.id)
    assert store.list_notes(event.id) == []
    assert [n.status for n in store.notes_for_moderation(event.id)] == ["hidden"]
    con.show_note(note.id)
    assert [n.text for n in store.list_notes(event.id)] == ["A note"]


def test_pre_approval_and_word_filter_hold_notes_until_approved(demo, con):
    store, event = demo
    prompt = store.list_prompts(event.id)[0]
    (someone,) = _people(store, event, 1)
    con.set_moderation(False, ["rubbish"])
    held = store.add_note(prompt.id, someone.id, "This is Rubbish")
    fine = store.add_note(prompt.id, someone.id, "Fine")
    con.set_moderation(True, [])
    waiting = store.add_note(prompt.id, someone.id, "Waiting")
    assert {n.id for n in store.pending_notes(event.id)} == {held.id, waiting.id}
    assert [n.id for n in store.notes_for_moderation(event.id)][:2] == [waiting.id, held.id]
    con.show_note(waiting.id)
    assert {n.id for n in store.list_notes(event.id)} == {fine.id, waiting.id}


def test_moderating_another_events_note_is_refused(demo, con, demo_spec):
    store, _ = demo
    from dataclasses import replace

    other = store.import_event(replace(demo_spec, code="OTHER2"))
    someone = store.join(other, "other-event-token-0001")
    note = store.add_note(store.list_prompts(other)[0].id, someone.id, "Not yours")
    with pytest.raises(StoreError):
        con.hide_note(note.id)
    assert store.list_notes(other)[0].status == "visible"


def test_response_rate_counts_responses_over_joined_devices(demo, con):
    store, event = demo
    people = _people(store, event, 60)
    con.set_eval_open(True)
    item = store.list_eval_items(event.id)[0]
    for p in people[:15]:
        store.submit_evaluation(event.id, p.id, {item.id: 4})
    store.submit_evaluation(event.id, people[0].id, {item.id: 5})  # an edit is not a second response
    assert store.response_rate(event.id) == (15, 60)
    con.set_eval_open(False)
    with pytest.raises(StoreError):
        store.submit_evaluation(event.id, people[20].id, {item.id: 3})


def test_votes_per_poll_against_joined_devices(demo, con):
    store, event = demo
    first = store.list_polls(event.id)[0]
    people = _people(store, event, 4)
    con.open_poll(first.id)
    for p in people[:3]:
        store.cast_vote(first.id, p.id, first.options[1].id)
    votes = store.votes_per_poll(event.id)
    assert votes[first.id] == 3 and sum(votes.values()) == 3
    assert store.response_rate(event.id)[1] == 4


def test_repeat_poll_before_and_after(demo, con):
    store, event = demo
    polls = store.list_polls(event.id)
    first, repeat = polls[0], polls[-1]
    assert repeat.repeat_of == first.id  # the demo marks the last poll as a repeat of the first
    people = _people(store, event, 2)
    for poll, option in ((first, 0), (repeat, 3)):
        con.open_poll(poll.id)
        for p in people:
            store.cast_vote(poll.id, p.id, poll.options[option].id)
    before, after = store.before_after(repeat.id)
    assert before.counts[0].votes == 2 and after.counts[3].votes == 2
    assert store.before_after(first.id) is None


@pytest.mark.parametrize(
    "poll_index, earlier_index, ok",
    [
        (2, 0, True),  # choice repeats an earlier choice
        (2, None, True),  # unmark
        (0, 2, False),  # a later poll cannot be the original
        (2, 1, False),  # an estimate cannot be repeated by a choice poll
        (2, 2, False),  # not itself
    ],
)
def test_marking_a_repeat(demo, con, poll_index, earlier_index, ok):
    store, event = demo
    polls = store.list_polls(event.id)
    earlier = None if earlier_index is None else polls[earlier_index].id
    if ok:
        con.set_repeat_of(polls[poll_index].id, earlier)
        assert store.get_poll(polls[poll_index].id).repeat_of == earlier
    else:
        with pytest.raises(StoreError):
            con.set_repeat_of(polls[poll_index].id, earlier)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", []),
        ("Rubbish\n  idiot ", ["rubbish", "idiot"]),
        ("a, b,,c\nA", ["a", "b", "c"]),
    ],
)
def test_parse_words(text, words):
    assert parse_words(text) == words
