"""Nothing injected on a phone: hostile attendee text on the HTML pages is shown as typed, and inert.

The pages are driven over HTTP (Starlette's TestClient). The whole accepted
corpus is shown on each page that lists attendee text: the Wall
(tests/test_web_wall.py, test_hostile_notes_are_inert), the Table's notes
(tests/test_web_table.py), the evaluation's answers (tests/test_web_feedback.py)
and polls (tests/test_web_vote.py). Here: a phone's own notes waiting for
approval, text refused for its length (kept as typed, the limit named), and
hostile values in the address (code, table, token, question), never a crash.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from markupsafe import escape

from eventkit.models import EVAL_TEXT_MAX_CHARS, NOTE_MAX_CHARS, TABLE_NOTE_MAX_CHARS
from eventkit.web import device
from eventkit.web import store as web_store
from tests.every import assert_every
from tests.hostile import corpus
from tests.web_client import ORIGIN, Phone, text_of, web_app

NOTES = corpus.accepted(NOTE_MAX_CHARS)
# Tags a page may carry; attendee text must add none.
TAG = re.compile(r"<\s*([a-zA-Z][\w-]*)")


@pytest.fixture
def phone(app_db):
    store, event = app_db
    p = Phone(web_app(), event.code)
    p.join(table=1)
    return store, event, p


def _post(p: Phone, path: str, data: dict):
    token = device.form_token(p.client.cookies.get("ek_device"))
    return p.client.post(f"{p.base}/{path}", data={"form_token": token, **data}, headers={"origin": ORIGIN})


def _tags(html: str) -> list[str]:
    return TAG.findall(re.sub(r"(?s)<style>.*?</style>|<script>.*?</script>", "", html))


def test_own_pending_notes_are_shown_as_typed_and_inert(phone):
    store, event, p = phone
    store.set_moderation(event.id, premoderate=True, word_filter=[])
    web_store.reads().expire_all()
    prompt = store.list_prompts(event.id)[0]
    plain = _tags(p.client.get(f"{p.base}/wall").text)
    mine = [t for t in NOTES if "<" in t or "[" in t or ":" in t][:5]  # the posting limit allows five
    for text in mine:
        assert _post(p, "wall/post", {"prompt": str(prompt.id), "note": text}).status_code == 303
    html = p.client.get(f"{p.base}/wall").text
    words = text_of(html)
    assert [t for t in mine if " ".join(t.split()) not in words] == []
    assert _tags(html).count("div") == plain.count("div") + len(mine)  # one box per waiting note, nothing else
    assert [t for t in _tags(html) if t not in ("div", "p")] == [t for t in plain if t not in ("div", "p")]


def test_a_hostile_note_posted_through_the_page_is_shown_as_typed(phone):
    store, event, p = phone
    prompt = store.list_prompts(event.id)[0]
    text = "<script>alert(1)</script> [x](javascript:alert(1)) :red[x]"
    answer = _post(p, "wall/post", {"prompt": str(prompt.id), "note": text})
    assert answer.status_code == 303
    html = p.client.get(answer.headers["location"]).text
    assert str(escape(text)) in html and "<script>alert(1)" not in html
    assert "Thanks! Your note is on the wall." in text_of(html)


REFUSALS = [
    ("   ", "Please write something first."),
    ("\u200b\u200b", "Please write something first."),
    ("x" * 1_000_000, "That is 1,000,000 characters; the limit is {limit:,}. Please shorten it."),
    ("y" * 2_001, "That is 2,001 characters; the limit is {limit:,}. Please shorten it."),
]


@pytest.mark.parametrize(("text", "message"), REFUSALS, ids=["blank", "zero-width", "1MB", "2001"])
def test_refused_note_gets_a_clear_message_and_keeps_the_text(phone, text, message):
    """Nothing cut short, nothing lost: the box takes any length, an over-long note is refused
    with the limit named, nothing is stored, and the text stays in the box to be shortened."""
    store, event, p = phone
    prompt = store.list_prompts(event.id)[0]
    page = p.client.get(f"{p.base}/wall").text
    assert "maxlength" not in page.split('name="note"', 1)[1].split(">", 1)[0], "the browser would cut the note"
    answer = _post(p, "wall/post", {"prompt": str(prompt.id), "note": text})
    assert answer.status_code == 400
    assert message.format(limit=NOTE_MAX_CHARS) in text_of(answer.text)
    assert f">{text}</textarea>" in answer.text
    assert store.list_notes(event.id, ("visible", "pending", "hidden")) == []
    answer = _post(p, "wall/post", {"prompt": str(prompt.id), "note": "Shorter now."})
    assert answer.status_code == 303
    assert "></textarea>" in p.client.get(answer.headers["location"]).text  # empty for the next note
    assert [n.text for n in store.list_notes(event.id)] == ["Shorter now."]


@pytest.mark.parametrize(
    ("size", "refused"), [(TABLE_NOTE_MAX_CHARS, False), (TABLE_NOTE_MAX_CHARS + 1, True), (1_000_000, True)]
)
def test_long_table_note_is_stored_whole_or_refused_and_kept(phone, size, refused):
    store, event, p = phone
    _post(p, "table/consent", {"agree": "yes"})
    table = store.table_by_number(event.id, 1)
    answer = _post(p, "table/note", {"about": f"{table.vignettes[0].id}-0", "note": "n" * size})
    notes = store.list_table_notes(table.id)
    if refused:
        assert answer.status_code == 400
        assert f"That is {size:,} characters; the limit is {TABLE_NOTE_MAX_CHARS:,}. Please shorten it." in text_of(
            answer.text
        )
        assert f">{'n' * size}</textarea>" in answer.text and notes == []
    else:
        assert answer.status_code == 303
        assert [n.text for n in notes] == ["n" * size]


def test_long_evaluation_answer_is_refused_and_kept(phone):
    store, event, p = phone
    store.set_eval_open(event.id, True)
    web_store.reads().expire_all()
    item = next(i for i in store.list_eval_items(event.id) if i.kind == "text")
    answer = _post(p, "feedback", {f"item-{item.id}": "e" * 1_000_000})
    assert answer.status_code == 400
    assert f"That is 1,000,000 characters; the limit is {EVAL_TEXT_MAX_CHARS:,}." in text_of(answer.text)
    assert f">{'e' * 1_000_000}</textarea>" in answer.text
    me = store.participant_by_token(event.id, p.client.cookies.get("ek_device"))
    assert store.my_evaluation(event.id, me.id) == {}


def test_the_wall_and_table_text_boxes_say_their_limit(phone):
    store, event, p = phone
    _post(p, "table/consent", {"agree": "yes"})
    for page, limit in [("wall", NOTE_MAX_CHARS), ("table", TABLE_NOTE_MAX_CHARS)]:
        assert f"Up to {limit:,} characters." in text_of(p.client.get(f"{p.base}/{page}").text), page


# Text that cannot travel in a URL at all (lone surrogates) is left out: it never reaches a page.
SAMPLE = [(n, t) for n, t in corpus.sample() if t.encode("utf-8", "replace").decode() == t]
DIGITS = [
    ("superscript", "²"),
    ("arabic_indic", "١"),
    ("fullwidth", "１"),
    ("negative", "-1"),
    ("huge", "99999999999999999999"),
    ("float", "1.5"),
    ("zero", "0"),
]


@pytest.mark.slow  # about 1,000 requests
def test_hostile_values_in_the_address_never_crash_a_page(phone):
    """Hostile event codes, table=, p=, q= and paths: a clear page or a redirect, never a crash,
    never the raw value in the page, never a participant for a made-up token."""
    store, event, p = phone
    joined = store.count_participants(event.id)

    def check(text: str) -> None:
        quoted = quote(text, safe="")
        for path, params in [
            ("/", {"event": text}),
            ("/", {"event": event.code, "table": text}),
            ("/join", {"event": text}),
            (f"/e/{quoted}", {}),
            (f"/e/{quoted}/wall", {}),
            (f"{p.base}/join", {"table": text}),
            (f"{p.base}/join", {"p": text}),
            (f"{p.base}/wall", {"q": text}),
            (f"{p.base}/table", {"choose": text}),
            (f"{p.base}/privacy", {}),
        ]:
            answer = p.client.get(path, params=params)
            assert answer.status_code in (200, 303, 400, 404), (path, params, answer.status_code)
            if len(text) >= 6 and "<" in text:
                assert text not in answer.text, (path, params)

    assert_every([(name, text) for name, text in SAMPLE + DIGITS], check)
    assert store.count_participants(event.id) == joined  # this phone's cookie: no new device, no token taken
    assert len(SAMPLE + DIGITS) >= 15
