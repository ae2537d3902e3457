"""The HTML Wall (issue 20): post, wait for approval, the posting limit, +1 once, text kept, hostile text inert."""

from __future__ import annotations

import re

import pytest

from eventkit.access import security
from eventkit.models import NOTE_MAX_CHARS
from eventkit.web import store as web_store
from tests.hostile import corpus
from tests.web_client import Phone, text_of, web_app


@pytest.fixture
def phone(app_db):
    store, event = app_db
    p = Phone(web_app(), event.code)
    p.join()
    prompt = store.list_prompts(event.id)[0]
    return store, event, p, prompt


def _wall(p, **params):
    return p.client.get(f"{p.base}/wall", params=params)


def _token(p) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', _wall(p).text).group(1)


def _post(p, prompt_id, text, **headers):
    data = {"form_token": _token(p), "prompt": str(prompt_id), "note": text}
    return p.client.post(f"{p.base}/wall/post", data=data, headers=headers or {"origin": "http://testserver"})


def _agree(p, prompt_id, note_id):
    data = {"form_token": _token(p), "prompt": str(prompt_id), "note": str(note_id)}
    return p.client.post(f"{p.base}/wall/agree", data=data, headers={"origin": "http://testserver"})


def test_a_note_is_posted_and_listed(phone):
    store, event, p, prompt = phone
    answer = _post(p, prompt.id, "More time at the tables")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/e/{event.code}/wall?q={prompt.id}&posted=visible"
    web_store.reads().expire_all()
    words = text_of(p.client.get(answer.headers["location"]).text)
    assert "Thanks! Your note is on the wall." in words
    assert "1 note so far" in words and "More time at the tables" in words


def test_under_pre_approval_the_note_waits_and_says_so(phone):
    store, event, p, prompt = phone
    store.set_moderation(event.id, premoderate=True, word_filter=[])
    web_store.reads().expire_all()
    answer = _post(p, prompt.id, "Needs a look first")
    words = text_of(p.client.get(answer.headers["location"]).text)
    assert "will appear once a facilitator has approved it" in words
    assert "Your note, waiting for approval Needs a look first" in words
    assert "0 notes so far" in words


@pytest.mark.parametrize("text", ["", "   ", "x" * (NOTE_MAX_CHARS + 1)])
def test_a_refused_note_keeps_its_text_and_says_why(phone, text):
    store, event, p, prompt = phone
    answer = _post(p, prompt.id, text)
    assert answer.status_code == 400
    assert "There is a problem" in text_of(answer.text)
    assert f">{text}</textarea>" in answer.text
    assert store.list_notes(event.id) == []


def test_the_posting_limit_holds_and_keeps_the_text(phone):
    store, event, p, prompt = phone
    for n in range(security.POST_LIMIT):
        assert _post(p, prompt.id, f"note {n}").status_code == 303
    answer = _post(p, prompt.id, "one too many")
    assert answer.status_code == 400
    assert ">one too many</textarea>" in answer.text
    assert len(store.list_notes(event.id)) == security.POST_LIMIT


def test_plus_one_counts_once_per_device(phone):
    store, event, p, prompt = phone
    _post(p, prompt.id, "Agree with me")
    note = store.list_notes(event.id)[0]
    web_store.reads().expire_all()
    assert _agree(p, prompt.id, note.id).status_code == 303
    _agree(p, prompt.id, note.id)
    other = Phone(p.client.app, event.code)
    other.join()
    _agree(other, prompt.id, note.id)
    web_store.reads().expire_all()
    assert store.list_notes(event.id)[0].plus_ones == 2
    assert "+1 (2) · you agreed" in text_of(_wall(p).text)


def test_a_prompt_or_note_of_another_event_is_refused(phone, demo_spec):
    store, event, p, prompt = phone
    other_id = store.import_event(demo_spec.__class__(**{**demo_spec.__dict__, "code": "OTHER1"}))
    other_prompt = store.list_prompts(other_id)[0]
    assert _post(p, other_prompt.id, "Into the other event").status_code == 400
    someone = store.join(other_id, "o" * 22)
    store.add_note(other_prompt.id, someone.id, "Elsewhere")
    foreign = store.list_notes(other_id)[0]
    assert _agree(p, prompt.id, foreign.id).status_code == 400
    assert store.list_notes(event.id) == [] and store.list_notes(other_id)[0].plus_ones == 0


def test_a_post_from_another_site_is_refused(phone):
    store, event, p, prompt = phone
    assert _post(p, prompt.id, "forged", origin="https://evil.example").status_code == 403
    assert store.list_notes(event.id) == []


def test_headings_do_not_skip_a_level(phone):
    _, _, p, prompt = phone
    _post(p, prompt.id, "A note")
    levels = [int(n) for n in re.findall(r"<h([1-6])", _wall(p).text)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_hostile_notes_are_inert(phone):
    store, event, p, prompt = phone
    plain = None
    failures = []
    for text in ["Plain words", *corpus.accepted(NOTE_MAX_CHARS)]:
        someone = store.join(event.id, security.new_token())
        store.add_note(prompt.id, someone.id, text)
        web_store.reads().expire_all()
        html = _wall(p, all="1").text
        tags = re.findall(r"<\s*([a-zA-Z][\w-]*)", re.sub(r"(?s)<style>.*?</style>", "", html))
        tags = [t for t in tags if t not in ("li", "p", "form", "input", "button", "span")]
        if plain is None:
            plain = tags
        if tags != plain or " ".join(text.split()) not in text_of(html):
            failures.append(text[:60])
    assert failures == []
