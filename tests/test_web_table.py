"""The HTML Table page (issue 20): the table link, the picker, consent with its clear state, the scribe's notes."""

from __future__ import annotations

import re

import pytest

from eventkit.access import security
from eventkit.models import TABLE_NOTE_MAX_CHARS
from tests.hostile import corpus
from tests.web_client import ORIGIN, Phone, text_of, web_app


@pytest.fixture
def phone(app_db):
    store, event = app_db
    return store, event, Phone(web_app(), event.code)


def _table(p, **params):
    return p.client.get(f"{p.base}/table", params=params)


def _post(p, path: str, data: dict, origin: str = ORIGIN):
    token = re.search(r'name="form_token" value="([^"]+)"', _table(p).text).group(1)
    return p.client.post(f"{p.base}/table/{path}", data={"form_token": token, **data}, headers={"origin": origin})


def _about(store, event, number: int = 1, prompt: int = 0) -> str:
    vignette = store.table_by_number(event.id, number).vignettes[0]
    return f"{vignette.id}-{prompt}"


def _me(store, event, p):
    return store.participant_by_token(event.id, p.client.cookies.get("ek_device"))


def test_the_table_link_lands_on_the_table_page_not_now(phone):
    store, event, p = phone
    printed = p.client.get("/", params={"event": event.code, "table": "2"})
    cookie_first = p.client.get(printed.headers["location"])  # a first visit gets its cookie and comes back
    joined = p.client.get(cookie_first.headers["location"])
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/e/{event.code}/table"  # it was /e/CODE: Now
    page = p.client.get(joined.headers["location"])
    assert page.status_code == 200
    assert "<h1>" + store.table_by_number(event.id, 2).label + "</h1>" in page.text
    assert p.join().headers["location"] == f"/e/{event.code}"  # the event's own link still opens Now


def test_a_phone_not_seated_chooses_its_table(phone):
    store, event, p = phone
    p.join()
    picker = _table(p)
    assert "Which table are you at?" in text_of(picker.text)
    labels = re.findall(r'<label for="table[^"]*">([^<]+)</label>', picker.text)
    assert labels == [t.label for t in store.list_tables(event.id)]
    assert _post(p, "seat", {}).status_code == 400  # nothing chosen: says so
    answer = _post(p, "seat", {"table": "3"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}/table?done=seated"
    assert _me(store, event, p).table_no == 3
    words = text_of(p.client.get(answer.headers["location"]).text)
    assert f"You are at {store.table_by_number(event.id, 3).label}." in words


def test_consent_shows_one_clear_state_after_a_refused_note(phone):
    """Today's defect: after ticking consent, the red "Nobody at this table has agreed…" stayed
    under "1 of 1 person … has agreed"."""
    store, event, p = phone
    p.join(table=1)
    refused = _post(p, "note", {"about": _about(store, event), "note": "Waiting times"})
    assert refused.status_code == 400
    assert "Nobody at this table has agreed to recording yet, so the note was not saved." in text_of(refused.text)
    assert ">Waiting times</textarea>" in refused.text  # the typed note is kept
    given = _post(p, "consent", {"agree": "yes"})
    assert given.status_code == 303
    words = text_of(p.client.get(given.headers["location"]).text)
    assert "1 of 1 person at this table has agreed to recording." in words
    assert "Nobody at this table has agreed" not in words
    assert "You have agreed" in words and "Withdraw my consent" in words
    assert store.has_consent(store.table_by_number(event.id, 1).id, _me(store, event, p).id)


def test_withdrawing_consent_says_so_and_notes_wait_again(phone):
    store, event, p = phone
    p.join(table=1)
    _post(p, "consent", {"agree": "yes"})
    withdrawn = _post(p, "consent", {"agree": "no"})
    words = text_of(p.client.get(withdrawn.headers["location"]).text)
    assert "Your consent is withdrawn." in words
    assert "0 of 1 person at this table has agreed to recording." in words
    assert "Nobody at this table has agreed to recording yet" in words
    assert "I agree to recording" in words


def test_a_note_is_saved_with_consent_and_listed(phone):
    store, event, p = phone
    p.join(table=1)
    _post(p, "consent", {"agree": "yes"})
    table = store.table_by_number(event.id, 1)
    answer = _post(p, "note", {"about": _about(store, event, prompt=1), "note": "Share the data sooner"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}/table?done=note"
    words = text_of(p.client.get(answer.headers["location"]).text)
    assert "Note added to your table's notes." in words and "1 note from this table" in words
    assert f"{table.vignettes[0].title} · {table.vignettes[0].prompts[0]} Share the data sooner" in words
    assert [n.prompt for n in store.list_table_notes(table.id)] == [table.vignettes[0].prompts[0]]


@pytest.mark.parametrize("text", ["", "x" * (TABLE_NOTE_MAX_CHARS + 1)])
def test_a_refused_note_keeps_its_text(phone, text):
    store, event, p = phone
    p.join(table=1)
    _post(p, "consent", {"agree": "yes"})
    answer = _post(p, "note", {"about": _about(store, event), "note": text})
    assert answer.status_code == 400 and "There is a problem" in text_of(answer.text)
    assert f">{text}</textarea>" in answer.text
    assert store.list_table_notes(store.table_by_number(event.id, 1).id) == []


def test_the_posting_limit_holds_and_keeps_the_text(phone):
    store, event, p = phone
    p.join(table=1)
    _post(p, "consent", {"agree": "yes"})
    for n in range(security.SCRIBE_LIMIT):
        assert _post(p, "note", {"about": _about(store, event), "note": f"note {n}"}).status_code == 303
    answer = _post(p, "note", {"about": _about(store, event), "note": "one too many"})
    assert answer.status_code == 400 and ">one too many</textarea>" in answer.text
    assert len(store.list_table_notes(store.table_by_number(event.id, 1).id)) == security.SCRIBE_LIMIT


def test_a_case_of_another_table_is_refused(phone):
    store, event, p = phone
    p.join(table=1)
    _post(p, "consent", {"agree": "yes"})
    answer = _post(p, "note", {"about": _about(store, event, number=2), "note": "Elsewhere"})
    assert answer.status_code == 400 and "Choose the case the note is about." in text_of(answer.text)


def test_a_post_from_another_site_is_refused(phone):
    store, event, p = phone
    p.join(table=1)
    assert _post(p, "consent", {"agree": "yes"}, origin="https://evil.example").status_code == 403
    assert not store.has_consent(store.table_by_number(event.id, 1).id, _me(store, event, p).id)


def test_the_vignettes_and_their_prompts_are_shown(phone):
    store, event, p = phone
    p.join(table=2)
    words = text_of(_table(p).text)
    for vignette in store.table_by_number(event.id, 2).vignettes:
        assert vignette.title in words
        assert all(prompt in words for prompt in vignette.prompts)


def test_headings_do_not_skip_a_level(phone):
    store, event, p = phone
    p.join(table=1)
    for page in (_table(p).text, _table(p, choose="1").text):
        levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_hostile_notes_are_inert(phone):
    store, event, p = phone
    p.join(table=1)
    _post(p, "consent", {"agree": "yes"})
    vignette = store.table_by_number(event.id, 1).vignettes[0]
    plain = None
    failures = []
    for text in ["Plain words", *corpus.accepted(TABLE_NOTE_MAX_CHARS)]:
        someone = store.join(event.id, security.new_token(), 1)
        store.add_table_note(vignette.id, someone.id, "", text)
        html = _table(p).text
        tags = re.findall(r"<\s*([a-zA-Z][\w-]*)", re.sub(r"(?s)<style>.*?</style>", "", html))
        if plain is None:
            plain = [t for t in tags if t not in ("li", "p")]
        if [t for t in tags if t not in ("li", "p")] != plain or " ".join(text.split()) not in text_of(html):
            failures.append(text[:60])
    assert failures == []


def test_the_first_control_is_within_three_tab_stops(phone):
    store, event, p = phone
    p.join()
    focusable = re.compile(r"<(a|button|select|textarea|input(?![^>]*type=\"hidden\"))\b[^>]*>")
    assert focusable.findall(_table(p).text)[:2] == ["a", "input"]  # the skip link, then the first table
    p.join(table=1)
    first = focusable.findall(_table(p).text)[:2]
    assert first == ["a", "button"]  # the skip link, then "I agree to recording"
