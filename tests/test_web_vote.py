"""Voting on the HTML Now page (issue 20): POST, 303, the page says what was saved; every POST checked."""

from __future__ import annotations

import re

import pytest

from eventkit.web import answers
from eventkit.web import store as web_store
from tests.hostile import corpus
from tests.web_client import joined, text_of


@pytest.fixture
def phone(app_db):
    return joined(app_db)


def _open(store, event, kind: str, *, correct: bool = True):
    polls = [x for x in store.list_polls(event.id) if x.kind == kind and answers.has_right_answer(x) == correct]
    poll = polls[0]
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    return _seen(poll)


def _seen(value=None):
    """The test changed the database behind the pages' shared reads (as another process would)."""
    web_store.reads().expire_all()
    return value


def _me(store, event, p):
    return store.participant_by_token(event.id, p.client.cookies.get("ek_device"))


def test_a_vote_is_saved_once_per_device_and_can_be_changed(phone):
    store, event, p = phone
    poll = _open(store, event, "choice")
    first, second = poll.options[0], poll.options[1]
    answer = p.vote(poll.id, first.id)
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}?saved=1"
    html = p.now(saved="1").text
    assert f"Saved: your answer “{first.label}”." in text_of(html)
    assert f'http-equiv="refresh" content="10; url=/e/{event.code}"' in html  # the reload does not say it again
    p.vote(poll.id, second.id)
    p.vote(poll.id, second.id)
    assert store.vote_count(poll.id) == 1
    assert store.my_vote(poll.id, _me(store, event, p).id) == second.id
    assert f"✓ {second.label} (your answer)" in text_of(p.now().text)


def test_the_first_answer_is_within_three_tab_stops(phone):
    store, event, p = phone
    _open(store, event, "choice")
    html = p.now().text
    focusable = re.findall(r"<(a|button|input(?![^>]*type=\"hidden\"))\b[^>]*>", html)
    assert focusable[:2] == ["a", "button"]  # the skip link, then the first answer


def test_an_estimate_out_of_range_is_refused_keeping_the_typed_value(phone):
    store, event, p = phone
    poll = _open(store, event, "estimate")
    assert p.estimate(poll.id, "120").status_code == 303
    refused = p.estimate(poll.id, "5,000")
    assert refused.status_code == 400
    words = text_of(refused.text)
    assert "There is a problem" in words
    assert f"Your estimate must be a number from {poll.min_value:,g} to {poll.max_value:,g}" in words
    assert 'value="5,000"' in refused.text  # what was typed stays in the box
    assert "Not saved. Your earlier estimate 120" in words
    assert "is recorded" not in words  # the earlier value is not shown as the new one
    assert refused.text.count('href="#estimate"') == 1
    assert store.my_vote(poll.id, _me(store, event, p).id) == 120


def test_an_estimate_that_is_not_a_number_says_so(phone):
    store, event, p = phone
    poll = _open(store, event, "estimate")
    for typed in ("", "lots", "1e999"):
        refused = p.estimate(poll.id, typed)
        assert refused.status_code == 400, typed
        assert "Not saved. You have no estimate recorded yet." in text_of(refused.text)
    assert store.vote_count(poll.id) == 0


def test_a_closed_poll_refuses_and_says_why(phone):
    store, event, p = phone
    poll = _open(store, event, "choice")
    token = p.form_token()
    store.set_poll_state(poll.id, "closed")
    _seen()
    answer = p.client.post(
        f"/e/{event.code}/vote",
        data={"form_token": token, "poll": str(poll.id), "option": str(poll.options[0].id)},
        headers={"origin": "http://testserver"},
    )
    assert "Voting on this question is closed." in text_of(answer.text)
    assert store.vote_count(poll.id) == 0


@pytest.mark.parametrize(
    "how",
    ["no form token", "a wrong form token", "a foreign Origin", "a foreign Referer", "an opaque origin", "no cookie"],
)
def test_a_post_not_from_this_page_is_refused(phone, how):
    store, event, p = phone
    poll = _open(store, event, "choice")
    data = {"poll": str(poll.id), "option": str(poll.options[0].id), "form_token": p.form_token()}
    headers = {"origin": "http://testserver"}
    if how == "no form token":
        del data["form_token"]
    elif how == "a wrong form token":
        data["form_token"] = "0" * 32
    elif how == "a foreign Origin":
        headers = {"origin": "https://evil.example"}
    elif how == "a foreign Referer":
        headers = {"referer": "https://evil.example/form.html"}
    elif how == "an opaque origin":
        headers = {"origin": "null"}
    elif how == "no cookie":
        p.client.cookies.clear()
    answer = p.client.post(f"/e/{event.code}/vote", data=data, headers=headers)
    assert answer.status_code == 403
    assert "Nothing was saved" in text_of(answer.text)
    assert store.vote_count(poll.id) == 0


def test_a_post_without_origin_or_referer_passes_on_its_token(phone):
    # Old browsers send neither on a same-site POST; the form token decides.
    store, event, p = phone
    poll = _open(store, event, "choice")
    assert p.vote(poll.id, poll.options[0].id, origin=None).status_code == 303
    assert store.vote_count(poll.id) == 1


def test_the_reveal_says_you_were_right_only_where_there_is_a_right_answer(phone):
    store, event, p = phone
    quiz = _open(store, event, "choice")
    p.vote(quiz.id, quiz.correct_option.id)
    store.set_poll_state(quiz.id, "revealed")
    _seen()
    assert "you were right" in text_of(p.now().text)
    opinion = _open(store, event, "choice", correct=False)
    p.vote(opinion.id, opinion.options[0].id)
    store.set_poll_state(opinion.id, "revealed")
    _seen()
    words = text_of(p.now().text)
    assert f"You answered “{opinion.options[0].label}”." in words
    assert "you were right" not in words and "the answer is" not in words


def test_a_page_with_a_box_to_type_in_never_reloads_itself(phone):
    store, event, p = phone
    assert 'http-equiv="refresh"' in p.now().text  # the welcome follows the room without JavaScript
    _open(store, event, "estimate")
    html = p.now().text
    assert 'http-equiv="refresh"' not in html
    # So without JavaScript it does not say it changes by itself: it says when it follows again.
    without_js = " ".join(re.findall(r"(?s)<noscript>(.*?)</noscript>", html))
    assert "Without JavaScript this page stays as it is while the box is here" in text_of(without_js)
    assert "Check what is on now" in text_of(html)


def test_a_saved_estimate_is_text_and_the_page_follows_the_room_again(phone):
    # Before: the box stayed after saving, so the page without JavaScript never reloaded and missed the reveal.
    store, event, p = phone
    poll = _open(store, event, "estimate")
    assert p.estimate(poll.id, "120").status_code == 303
    html = p.now(saved="1").text
    words = text_of(html)
    assert 'id="estimate"' not in html and "Send my estimate" not in words
    assert "Saved: your estimate 120" in words and "Your estimate 120 " in words, words[:700]
    assert f'href="/e/{event.code}?change=1">Change my estimate</a>' in html
    assert f'http-equiv="refresh" content="10; url=/e/{event.code}"' in html
    changing = p.now(change="1").text
    assert 'id="estimate"' in changing and 'value="120"' in changing
    assert 'http-equiv="refresh"' not in changing  # nothing typed is reloaded away
    assert p.estimate(poll.id, "130").status_code == 303
    assert store.vote_count(poll.id) == 1 and store.my_vote(poll.id, _me(store, event, p).id) == 130
    store.set_poll_state(poll.id, "revealed")
    _seen()
    assert "You answered 130" in text_of(p.now().text)


def test_a_refused_change_shows_the_box_again_with_what_was_typed(phone):
    store, event, p = phone
    poll = _open(store, event, "estimate")
    p.estimate(poll.id, "120")
    refused = p.estimate(poll.id, "lots")
    assert refused.status_code == 400 and 'value="lots"' in refused.text
    assert 'http-equiv="refresh"' not in refused.text


def _tags(html: str) -> list[str]:
    return re.findall(r"<\s*([a-zA-Z][\w-]*)", re.sub(r"(?s)<style>.*?</style>", "", html))


def test_hostile_text_is_inert(phone):
    # Every hostile text the app accepts, as the event title, a poll's question and an option:
    # shown as typed, and the page has exactly the elements it has with plain words.
    store, event, p = phone
    poll = _open(store, event, "choice")

    def page_with(text: str) -> str:
        with store.write() as db:
            db.execute("UPDATE polls SET question = ? WHERE id = ?", [text, poll.id])
            db.execute("UPDATE poll_options SET label = ? WHERE id = ?", [text, poll.options[0].id])
            db.execute("UPDATE events SET title = ? WHERE id = ?", [text, event.id])
        return _seen(p.now().text)

    plain = _tags(page_with("Plain words"))
    failures = []
    for text in corpus.accepted(200):
        html = page_with(text)
        if _tags(html) != plain or " ".join(text.split()) not in text_of(html):
            failures.append(text[:60])
    assert failures == []


def test_what_is_live_changes_with_every_kind_of_change(phone):
    # follow.js loads Now again when this changes: opening, closing, revealing, showing results, next poll.
    store, event, p = phone
    seen = [p.client.get(f"/e/{event.code}/live").text]
    poll = _open(store, event, "choice")
    seen.append(p.client.get(f"/e/{event.code}/live").text)
    for change in (
        lambda: store.set_results_visible(poll.id, True),
        lambda: store.set_poll_state(poll.id, "closed"),
        lambda: store.set_poll_state(poll.id, "revealed"),
        lambda: _open(store, event, "estimate"),
        lambda: store.set_live(event.id, "wall"),
        lambda: store.set_eval_open(event.id, True),
    ):
        change()
        _seen()
        seen.append(p.client.get(f"/e/{event.code}/live").text)
    assert len(set(seen)) == len(seen), seen
    assert f'data-live="{seen[-1]}"' in p.now().text


def test_the_welcome_names_the_event_once_as_its_one_heading_and_a_question_under_the_event_line(phone):
    store, event, p = phone

    def main_of(html: str) -> str:
        return re.search(r"(?s)<main[^>]*>(.*)</main>", html).group(1)

    welcome = main_of(p.now().text)
    assert 'class="event"' not in welcome  # the title is the heading: not also the small event line above it
    assert re.findall(r"(?s)<h1>(.*?)</h1>", welcome) == [event.title]
    poll = _open(store, event, "choice")
    question = main_of(p.now().text)
    assert f'<p class="event">{event.title}</p>' in question and question.count("<h1>") == 1
    assert poll.question in text_of(question)
