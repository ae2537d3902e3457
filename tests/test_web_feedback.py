"""The HTML Feedback page (issue 20): the evaluation form, one response per device, the closed states."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from eventkit.models import EVAL_TEXT_MAX_CHARS, LIKERT_LABELS
from eventkit.web import device
from eventkit.web import store as web_store
from tests.hostile import corpus
from tests.web_client import ORIGIN, Phone, joined, text_of, web_app


@pytest.fixture
def phone(app_db):
    return joined(app_db)


def _kinds(store, event) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in store.list_eval_items(event.id):
        out.setdefault(item.kind, []).append(item)
    return out


def _open(store, event, is_open: bool = True) -> None:
    store.set_eval_open(event.id, is_open)
    web_store.reads().expire_all()  # as another process would have changed it


def _feedback(p, **params):
    return p.client.get(f"{p.base}/feedback", params=params)


def _send(p, answers: dict, origin: str = ORIGIN):
    token = device.form_token(p.client.cookies.get("ek_device"))  # what every form of this phone carries
    data = {"form_token": token, **{f"item-{k}": str(v) for k, v in answers.items()}}
    return p.client.post(f"{p.base}/feedback", data=data, headers={"origin": origin})


def _me(store, event, p):
    return store.participant_by_token(event.id, p.client.cookies.get("ek_device"))


def test_the_form_asks_every_item_with_fieldsets_legends_and_radios(phone):
    store, event, p = phone
    _open(store, event)
    html = _feedback(p).text
    items = store.list_eval_items(event.id)
    assert html.count("<fieldset") == sum(1 for i in items if i.kind != "text")
    legends = re.findall(r'<legend class="question-text">([^<]+)</legend>', html)
    assert legends == [i.text for i in items if i.kind != "text"]
    for item in items:
        if item.kind == "likert":
            assert all(f">{label}</label>" in html for label in LIKERT_LABELS)
        if item.kind == "text":
            assert f'<label for="item-{item.id}" class="question-text">{item.text}</label>' in html
        else:
            assert html.count(f'name="item-{item.id}"') == 5
    focusable = re.findall(r"<(a|button|textarea|input(?![^>]*type=\"hidden\"))\b[^>]*>", html)
    assert focusable[:2] == ["a", "input"]  # the skip link, then the first answer (Tab stop 2)


def test_answers_are_saved_once_per_device_then_changed(phone):
    store, event, p = phone
    _open(store, event)
    kinds = _kinds(store, event)
    score, likert, text = kinds["score"][0], kinds["likert"][0], kinds["text"][0]
    sent = _send(p, {score.id: 4, likert.id: 5, text.id: "More breaks"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/e/{event.code}/feedback?sent=1"
    words = text_of(p.client.get(sent.headers["location"]).text)
    assert "Thank you, your feedback is saved. You can change it until the evaluation closes." in words
    assert "Send my feedback" not in words  # the thanks replaces the form
    assert store.my_evaluation(event.id, _me(store, event, p).id) == {score.id: 4, likert.id: 5, text.id: "More breaks"}
    form = _feedback(p, change="1").text
    assert f'name="item-{score.id}" value="4" id="item-{score.id}-4" checked' in form
    assert ">More breaks</textarea>" in form
    _send(p, {score.id: 2})
    assert store.count_eval_responses(event.id) == 1
    assert store.my_evaluation(event.id, _me(store, event, p).id) == {score.id: 2}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "Please answer at least one question."),
        ("score-9", "choose a value from 1 to 5"),
        ("long-text", "characters"),
    ],
)
def test_refused_answers_come_back_as_typed_with_the_reason(phone, answers, message):
    store, event, p = phone
    _open(store, event)
    kinds = _kinds(store, event)
    score, text = kinds["score"][0], kinds["text"][0]
    if answers == "score-9":
        answers = {score.id: 9, text.id: "Kept words"}
    elif answers == "long-text":
        answers = {score.id: 3, text.id: "x" * (EVAL_TEXT_MAX_CHARS + 1)}
    refused = _send(p, answers)
    assert refused.status_code == 400
    words = text_of(refused.text)
    assert "There is a problem" in words and message in words
    if answers:
        assert re.search(r'<li><a href="#item-\d+">', refused.text)
    if text.id in answers and answers[text.id] == "Kept words":
        assert ">Kept words</textarea>" in refused.text
    assert store.my_evaluation(event.id, _me(store, event, p).id) == {}


def test_closed_evaluation_thanks_those_who_answered_and_tells_the_rest(phone, app_db):
    """Today's defect: a closed evaluation told every phone it "opens at the end of the day",
    also the people who had answered."""
    store, event, p = phone
    other = Phone(web_app(), event.code)
    other.join()
    assert "The evaluation is not open yet." in text_of(_feedback(other).text)  # before it opens
    _open(store, event)
    _send(p, {_kinds(store, event)["score"][0].id: 5})
    _open(store, event, False)
    answered = text_of(_feedback(p).text)
    assert "Thanks, your answers are in." in answered
    assert "opens at the end of the day" not in answered and "Send my feedback" not in answered
    not_answered = text_of(_feedback(other).text)
    assert "The evaluation has closed." in not_answered and "opens at the end of the day" not in not_answered


def test_a_post_from_another_site_is_refused(phone):
    store, event, p = phone
    _open(store, event)
    assert _send(p, {_kinds(store, event)["score"][0].id: 5}, origin="https://evil.example").status_code == 403
    assert store.count_eval_responses(event.id) == 0


def test_a_post_after_it_closed_saves_nothing_and_says_so(phone):
    store, event, p = phone
    _open(store, event, False)
    refused = _send(p, {_kinds(store, event)["score"][0].id: 5})
    assert refused.status_code == 400 and "The evaluation is closed." in text_of(refused.text)
    assert store.count_eval_responses(event.id) == 0


def test_hostile_answers_are_kept_as_typed_and_inert(phone):
    store, event, p = phone
    _open(store, event)
    text = _kinds(store, event)["text"][0]
    failures = []
    for typed in corpus.accepted(EVAL_TEXT_MAX_CHARS):
        _send(p, {text.id: typed})
        form = _feedback(p, change="1").text
        saved = store.my_evaluation(event.id, _me(store, event, p).id)[text.id]
        inside = form.split("<main", 1)[1].split("</main>")[0]
        if "<script" in inside or f">{escape(saved)}</textarea>" not in inside:
            failures.append(typed[:60])
    assert failures == []


def test_each_written_answer_says_its_character_limit_tied_to_its_box(phone):
    # As the Wall and Table do: the hint sits under the label and the box names it (aria-describedby),
    # and with an error the box names both.
    store, event, p = phone
    _open(store, event)
    texts = _kinds(store, event)["text"]
    limit = f"Up to {EVAL_TEXT_MAX_CHARS:,} characters."
    html = _feedback(p).text
    for item in texts:
        assert f'<p class="hint" id="item-{item.id}-hint">{limit}</p>' in html
        assert re.search(rf'<textarea id="item-{item.id}"[^>]* aria-describedby="item-{item.id}-hint"', html)
    refused = _send(p, {texts[0].id: "x" * (EVAL_TEXT_MAX_CHARS + 1)}).text
    assert f'aria-describedby="item-{texts[0].id}-hint item-{texts[0].id}-error"' in refused
