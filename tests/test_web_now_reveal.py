"""The HTML Now and Wall pages: what the retired Streamlit attendee tests held that the other HTML tests
did not (the reveal with its source and verdicts, the room's answers, the estimate's range, notes per
question, a busy database's try-again, the join form's typed code)."""

from __future__ import annotations

import time

import pytest

from eventkit.web import answers
from eventkit.web import store as web_store
from tests import engines
from tests.web_client import Phone, text_of, web_app


@pytest.fixture
def phone(app_db):
    store, event = app_db
    p = Phone(web_app(), event.code)
    p.join()
    return store, event, p


def _open(store, event, kind: str = "choice"):
    poll = next(x for x in store.list_polls(event.id) if x.kind == kind and answers.has_right_answer(x))
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    return _seen(store.get_poll(poll.id))


def _seen(value=None):
    """The test changed the database behind the pages' shared reads (as another process would)."""
    web_store.reads().expire_all()
    return value


def _me(store, event, p):
    return store.participant_by_token(event.id, p.client.cookies.get("ek_device"))


def test_a_revealed_poll_shows_the_answer_and_its_source(phone):
    store, event, p = phone
    poll = _open(store, event)
    store.set_poll_state(poll.id, "revealed")
    words = text_of(_seen(p.now()).text)
    assert f"You did not answer this one. The answer is “{poll.correct_option.label}”." in words
    assert ("Source: " in words) == bool(poll.source)
    assert "<button" not in p.now().text  # no answer buttons once voting is over


def _answer(poll, which: str):
    """The vote to cast for a case: right, wrong, or an estimate near or far from the truth."""
    if poll.kind == "estimate":
        return {"near": poll.true_value * 1.05, "far": poll.true_value / 2, "exact": poll.true_value}[which]
    wrong = next(o for o in poll.options if not o.is_correct)
    return {"right": poll.correct_option, "wrong": wrong}[which].id


@pytest.mark.parametrize(
    ("kind", "which", "says"),
    [
        ("choice", "right", "You answered {mine} — you were right."),
        ("choice", "wrong", "You answered {mine} — the answer is {truth}."),
        ("estimate", "exact", "You answered {mine} — you were right."),
        ("estimate", "near", "You answered {mine} — you were right (within 10% of {truth})."),
        ("estimate", "far", "You answered {mine} — the answer is {truth}."),
    ],
)
def test_after_the_reveal_the_phone_says_whether_you_were_right(phone, kind, which, says):
    store, event, p = phone
    poll = _open(store, event, kind)
    value = _answer(poll, which)
    (store.cast_estimate if kind == "estimate" else store.cast_vote)(poll.id, _me(store, event, p).id, value)
    store.set_poll_state(poll.id, "revealed")
    truth = poll.true_value if kind == "estimate" else poll.correct_option.id
    expected = says.format(mine=answers.answer_text(poll, value), truth=answers.answer_text(poll, truth))
    assert expected in text_of(_seen(p.now()).text)


def test_the_phone_shows_the_rooms_answers_when_the_projector_does(phone):
    store, event, p = phone
    poll = _open(store, event)
    first, second = poll.options[0], poll.options[1]
    for i, option in enumerate((first, first, first, second)):
        store.cast_vote(poll.id, store.join(event.id, chr(97 + i) * 22).id, option.id)
    assert "How the room answered" not in text_of(_seen(p.now()).text)  # hidden while the projector hides them
    store.set_results_visible(poll.id, True)
    words = text_of(_seen(p.now()).text)
    assert "How the room answered" in words
    assert "3 answers (75%)" in words and "1 answer (25%)" in words
    assert p.vote(poll.id, second.id).status_code == 303  # my own vote, then the results again
    time.sleep(0.6)  # the room's answers are shared for half a second (eventkit/live/reads.py), by design
    words = text_of(_seen(p.now()).text)
    assert "your answer" in words
    assert "3 answers (60%)" in words and "2 answers (40%)" in words


def test_the_estimate_box_says_the_allowed_range(phone):
    store, event, p = phone
    poll = _open(store, event, "estimate")
    hint = f"Your estimate: a number from {poll.min_value:,g} to {poll.max_value:,g} {poll.unit}"
    assert hint in text_of(p.now().text)


def test_notes_of_another_question_are_not_shown(phone):
    store, event, p = phone
    author = store.join(event.id, "b" * 22)
    first, second = store.list_prompts(event.id)[:2]
    store.add_note(second.id, author.id, "Only under the second prompt.")
    _seen()
    assert "Only under the second prompt." not in text_of(p.client.get(f"{p.base}/wall").text)
    assert "Only under the second prompt." in text_of(p.client.get(f"{p.base}/wall", params={"q": second.id}).text)


@pytest.fixture
def hold_write_lock(app_db, monkeypatch):
    """Another writer holds the database's write lock until release() (short busy timeout)."""
    store, _ = app_db
    monkeypatch.setattr("eventkit.storage.db.BUSY_TIMEOUT_MS", 50)
    store.close()  # the timeout is set when a connection (or PostgreSQL's pool) opens
    web_store.store().close()
    held = []
    yield lambda: held.append(engines.hold_write_lock(store)), lambda: held.pop()()
    for release in held:
        release()


def test_a_vote_the_busy_database_cannot_take_says_try_again_and_the_retry_counts(phone, hold_write_lock):
    store, event, p = phone
    hold, release = hold_write_lock
    poll = _open(store, event)
    hold()
    answer = p.vote(poll.id, poll.options[0].id)
    words = text_of(answer.text)
    assert "very busy" in words and "try again" in words, words
    assert store.vote_count(poll.id) == 0
    release()
    assert p.vote(poll.id, poll.options[0].id).status_code == 303
    assert store.vote_count(poll.id) == 1


def test_joining_when_the_database_is_too_busy_offers_try_again(app_db, hold_write_lock):
    store, event = app_db
    hold, release = hold_write_lock
    newcomer = Phone(web_app(), event.code)
    hold()
    answer = newcomer.join()
    assert answer.status_code == 503
    assert "very busy" in text_of(answer.text) and "Try again" in answer.text
    assert store.count_participants(event.id) == 0
    release()
    assert newcomer.join().status_code == 303
    assert store.count_participants(event.id) == 1


@pytest.mark.parametrize("typed", ["fife16", "  FIFE16 "])
def test_the_join_form_takes_a_typed_code(app_db, typed):
    store, event = app_db
    p = Phone(web_app(), event.code)
    assert "Event code" in text_of(p.client.get("/join").text)
    answer = p.client.get("/join", params={"event": typed})
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}/join"
    cookie_check = p.client.get(answer.headers["location"])  # a first visit: the cookie, then back
    assert cookie_check.headers["location"] == f"/e/{event.code}/join?c=1"
    assert store.count_participants(event.id) == 0
    assert p.client.get(cookie_check.headers["location"]).headers["location"] == f"/e/{event.code}"
    assert store.count_participants(event.id) == 1


def test_an_unknown_code_of_any_length_is_shown_cut_and_joins_nobody(app_db):
    store, event = app_db
    p = Phone(web_app(), event.code)
    answer = p.client.get("/join", params={"event": "x" * 200})
    assert answer.status_code == 404
    assert f"There is no event with the code “{'x' * 20}”" in text_of(answer.text)
    assert store.count_participants(event.id) == 0
