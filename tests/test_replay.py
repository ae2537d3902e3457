"""A replay of the seed event (Fife, 18 May 2016) through the core API.

42 attendees at 4 tables take part in every activity, with choices drawn
from a seeded random generator; the test keeps its own tally in Python and
checks the store's rows and results against it.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from eventkit.access.security import new_token
from eventkit.storage import Store

ATTENDEES = 42
TABLES = 4
CHANGERS_PER_POLL = 10
PLUS_ONERS = 20
EVALUATORS = 30
EDITORS = 5
COMMENTS = [
    "Knowing who to refer people to",
    "Data protection rules are unclear",
    "More time at the tables please",
    "Meeting the CARF advisers",
    "Housing should have been here",
]


def count(store, sql, *params):
    with store.read() as db:
        return db.execute(sql, params).fetchone()[0]


@pytest.fixture(scope="module")
def replay(new_database, demo_spec):
    """Run the whole day once per engine for this module; returns (store, event, tally, participants)."""
    return run_the_day(Store(new_database("replay")), demo_spec)


def run_the_day(store, demo_spec):
    event = store.get_event(store.import_event(demo_spec))
    rng = random.Random(42)
    tally: dict = {"options": {}, "estimates": {}, "changes": {}, "plus_ones": Counter(), "eval": {}}

    people = [store.join(event.id, new_token(), i % TABLES + 1) for i in range(ATTENDEES)]

    # 1. myth-busting polls: open, everyone votes, some change their mind, close, reveal
    for poll in store.list_polls(event.id):
        store.set_live(event.id, "poll", poll.id)
        store.set_poll_state(poll.id, "open")
        answers = {}
        for p in people:
            if poll.kind == "choice":
                answers[p.id] = rng.choice(poll.options).id
                store.cast_vote(poll.id, p.id, answers[p.id])
            else:
                answers[p.id] = round(rng.uniform(poll.min_value, poll.max_value), 1)
                store.cast_estimate(poll.id, p.id, answers[p.id])
        changers = rng.sample(people, CHANGERS_PER_POLL)
        for p in changers:
            if poll.kind == "choice":
                answers[p.id] = rng.choice([o.id for o in poll.options if o.id != answers[p.id]])
                store.cast_vote(poll.id, p.id, answers[p.id])
            else:
                before = answers[p.id]
                while answers[p.id] == before:
                    answers[p.id] = round(rng.uniform(poll.min_value, poll.max_value), 1)
                store.cast_estimate(poll.id, p.id, answers[p.id])
        store.set_poll_state(poll.id, "closed")
        store.set_poll_state(poll.id, "revealed")
        tally["changes"][poll.id] = len(changers)
        if poll.kind == "choice":
            tally["options"][poll.id] = Counter(answers.values())
        else:
            tally["estimates"][poll.id] = sorted(answers.values())

    # 2. the anonymous wall: one note each, round robin over the prompts; some +1s
    store.set_live(event.id, "wall")
    prompts = store.list_prompts(event.id)
    notes = [
        store.add_note(prompts[i % len(prompts)].id, p.id, f"{rng.choice(COMMENTS)} (from {p.pseudonym})")
        for i, p in enumerate(people)
    ]
    for p in rng.sample(people, PLUS_ONERS):
        for note in rng.sample(notes, rng.randint(1, 5)):
            assert store.plus_one(note.id, p.id) is True
            tally["plus_ones"][note.id] += 1
        assert store.plus_one(note.id, p.id) is False  # twice is once

    # 3. table vignettes: the first person at each table consents and scribes
    store.set_live(event.id, "tables")
    for table in store.list_tables(event.id):
        scribe = next(p for p in people if p.table_no == table.number)
        store.give_consent(table.id, scribe.id)
        for vignette in table.vignettes:
            for prompt in vignette.prompts[:2]:
                store.add_table_note(vignette.id, scribe.id, prompt, f"Table {table.number}: {rng.choice(COMMENTS)}")

    # 4. exit evaluation: 30 submit, 5 of them edit theirs afterwards
    store.set_live(event.id, "evaluation")
    store.set_eval_open(event.id, True)
    items = store.list_eval_items(event.id)

    def answers_for():
        return {
            i.id: rng.choice(COMMENTS)
            if i.kind == "text" and rng.random() < 0.6
            else None
            if i.kind == "text"
            else rng.randint(1, 5)
            for i in items
        }

    evaluators = rng.sample(people, EVALUATORS)
    for p in evaluators:
        tally["eval"][p.id] = answers_for()
        store.submit_evaluation(event.id, p.id, tally["eval"][p.id])
    for p in rng.sample(evaluators, EDITORS):
        tally["eval"][p.id] = answers_for()
        store.submit_evaluation(event.id, p.id, tally["eval"][p.id])
    store.set_eval_open(event.id, False)

    return store, event, tally, people


def test_participants(replay):
    store, event, _, people = replay
    assert store.count_participants(event.id) == ATTENDEES
    assert count(store, "SELECT COUNT(*) FROM participants WHERE event_id = ?", event.id) == ATTENDEES
    assert [p.pseudonym for p in people[:3]] == ["P001", "P002", "P003"]
    assert people[-1].pseudonym == "P042"


def test_votes(replay):
    store, event, tally, _ = replay
    polls = store.list_polls(event.id)
    assert all(p.state == "revealed" for p in polls)
    for poll in polls:
        assert store.vote_count(poll.id) == ATTENDEES
        assert count(store, "SELECT COUNT(*) FROM votes WHERE poll_id = ?", poll.id) == ATTENDEES
        assert count(store, "SELECT SUM(changes) FROM votes WHERE poll_id = ?", poll.id) == tally["changes"][poll.id]
        results = store.poll_results(poll.id)
        assert results.votes == results.total == ATTENDEES and results.manual_total == 0
        if poll.kind == "choice":
            expected = tally["options"][poll.id]
            assert {c.option_id: c.votes for c in results.counts} == {o.id: expected[o.id] for o in poll.options}
            assert sum(c.votes for c in results.counts) == ATTENDEES
            with store.read() as db:
                rows = dict(
                    db.execute(
                        "SELECT option_id, COUNT(*) FROM votes WHERE poll_id = ? GROUP BY option_id", [poll.id]
                    ).fetchall()
                )
            assert rows == dict(expected)
        else:
            assert list(results.estimates) == tally["estimates"][poll.id]


def test_tallies_are_not_degenerate(replay):
    """Guard the guard: the random choices spread over several options."""
    _, _, tally, _ = replay
    assert all(len(counter) >= 3 for counter in tally["options"].values())
    assert all(len(set(values)) > ATTENDEES // 2 for values in tally["estimates"].values())
    assert sum(tally["plus_ones"].values()) > PLUS_ONERS


def test_wall(replay):
    store, event, tally, _ = replay
    notes = store.list_notes(event.id)
    assert len(notes) == ATTENDEES
    assert count(store, "SELECT COUNT(*) FROM notes") == ATTENDEES
    per_prompt = Counter(n.prompt_id for n in notes)
    assert sorted(per_prompt.values()) == [10, 10, 11, 11]
    assert {n.id: n.plus_ones for n in notes if n.plus_ones} == dict(tally["plus_ones"])
    assert count(store, "SELECT COUNT(*) FROM note_plus_ones") == sum(tally["plus_ones"].values())
    assert count(store, "SELECT COUNT(DISTINCT participant_id) FROM note_plus_ones") == PLUS_ONERS


def test_tables(replay):
    store, event, _, _ = replay
    assert count(store, "SELECT COUNT(*) FROM consents") == TABLES
    assert count(store, "SELECT COUNT(*) FROM table_notes") == TABLES * 2 * 2
    summary = store.table_summary(event.id)
    assert [(r["number"], r["seated"], r["consents"], r["notes"]) for r in summary] == [
        (1, 11, 1, 4),
        (2, 11, 1, 4),
        (3, 10, 1, 4),
        (4, 10, 1, 4),
    ]
    for table in store.list_tables(event.id):
        notes = store.list_table_notes(table.id)
        assert all(n.text.startswith(f"Table {table.number}:") for n in notes)
        assert Counter(n.vignette_id for n in notes) == {v.id: 2 for v in table.vignettes}


def test_evaluation(replay):
    store, event, tally, _ = replay
    assert store.count_eval_responses(event.id) == EVALUATORS
    assert count(store, "SELECT COUNT(*) FROM eval_responses") == EVALUATORS
    kept = {pid: {k: v for k, v in answers.items() if v is not None} for pid, answers in tally["eval"].items()}
    assert count(store, "SELECT COUNT(*) FROM eval_answers") == sum(len(a) for a in kept.values())
    for pid, answers in kept.items():
        assert store.my_evaluation(event.id, pid) == answers
    score = store.list_eval_items(event.id)[0]
    expected_total = sum(a[score.id] for a in kept.values())
    assert count(store, "SELECT SUM(value_int) FROM eval_answers WHERE item_id = ?", score.id) == expected_total


def test_live_ends_on_evaluation_and_file_is_sound(replay):
    store, event, _, _ = replay
    assert store.get_live(event.id).kind == "evaluation"
    assert not store.get_event(event.id).eval_open
    assert store.integrity_ok()
