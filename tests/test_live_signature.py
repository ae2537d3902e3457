"""eventkit/live/signature.py: what is live at an event, read from the database and computed from a drawn page alike."""

from dataclasses import replace

from eventkit.live import LiveSignature, live_signature, live_signatures, signature


def test_live_signatures_reads_many_events_at_once_and_leaves_out_gone_ones(store, demo_spec):

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


def test_the_signature_a_page_draws_from_is_the_one_the_stream_reads(demo):
    # What the Now page says it shows (the signature of the reads it drew) and what the stream
    # hub reads from the database must agree in every state, or a phone reloads for ever (or never).

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
