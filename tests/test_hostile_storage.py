"""Nothing injected, nothing lost: every attendee text field takes the whole hostile corpus.

Each input is either stored exactly as eventkit.text.clean_text makes it
(NFC, control characters and bidi overrides stripped) or refused with a
clear TextError/StoreError, and a refusal stores nothing. The join code and
the query-string parameters (event, table, p) take the corpus too.

Each field is one test that loops over the whole corpus on its own fresh
database and fails naming every input it went wrong on (tests/every.py).
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from eventkit.access import security
from eventkit.models import EVAL_TEXT_MAX_CHARS, NOTE_MAX_CHARS, TABLE_NOTE_MAX_CHARS
from eventkit.storage import Store, StoreError
from eventkit.text import TextError, clean_text
from tests.every import assert_every
from tests.hostile import corpus

CORPUS = corpus.build()
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture
def demo_db(fresh_location, demo_spec):
    """A fresh demo database per test (so no test depends on another), on each engine; each input joins as a new participant."""
    store = Store(fresh_location)
    event = store.get_event(store.import_event(demo_spec))
    store.set_eval_open(event.id, True)
    return store, event


def _newcomer(store: Store, event):
    return store.join(event.id, security.new_token(), table_no=1)


def _expected(text: str, limit: int) -> tuple[str | None, str | None]:
    """(stored text, refusal message) as the cleaning rules define them."""
    try:
        return clean_text(text, limit), None
    except TextError as err:
        return None, str(err)


def _assert_inert(stored: str) -> None:
    """Independent of clean_text: what is stored has no control or bidi characters and is NFC."""
    assert stored == unicodedata.normalize("NFC", stored)
    assert not any(unicodedata.category(c) in ("Cc", "Cs", "Co") and c != "\n" for c in stored)
    assert not BIDI & set(stored)
    assert stored == stored.strip()


def _ordinary(text: str) -> list[str]:
    """Letters, digits, punctuation and symbols, in order: what an attendee reads."""
    return [c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c)[0] in "LNPS"]


def _assert_literal(stored: str, typed: str) -> None:
    """Independent of clean_text: nothing an attendee reads was dropped, escaped or added."""
    assert _ordinary(stored) == _ordinary(typed)


def _assert_decision(text: str, limit: int, refused: bool) -> None:
    """Independent of clean_text: refused when nothing readable is left or it is over the limit,
    stored when it is readable and within the limit (in between, cleaning decides)."""
    readable = len(_ordinary(text))
    if readable == 0 or readable > limit:
        assert refused, "should be refused"
    elif len(text) <= limit:
        assert not refused, "should be stored"


def _assert_clear(message: str) -> None:
    assert message and len(message) < 200
    assert not any(word in message.lower() for word in ("traceback", "sqlite", "constraint", "none"))


def test_corpus_is_big_varied_and_matches_its_snapshot():
    assert len(CORPUS) >= 200
    assert len({t for _, t in CORPUS}) >= 200
    assert len({name for name, _ in CORPUS}) == len(CORPUS)
    snapshot = json.loads(corpus.SNAPSHOT.read_text(encoding="utf-8"))
    assert snapshot == corpus.snapshot_entries(), "corpus changed: run python -m tests.hostile.corpus"
    lengths = [len(t) for _, t in CORPUS]
    assert max(lengths) >= corpus.MEGABYTE and min(lengths) == 0


def test_wall_note_takes_the_whole_corpus(demo_db):
    """Each input is stored as cleaned or refused with a clear message; afterwards the
    database is intact and holds exactly one note per accepted input (nothing half-stored)."""
    store, event = demo_db
    prompt = store.list_prompts(event.id)[0]

    def check(text: str) -> None:
        me = _newcomer(store, event)
        expected, refusal = _expected(text, NOTE_MAX_CHARS)
        _assert_decision(text, NOTE_MAX_CHARS, bool(refusal))
        if refusal:
            with pytest.raises(TextError) as err:
                store.add_note(prompt.id, me.id, text)
            assert str(err.value) == refusal
            _assert_clear(refusal)
            assert store.notes_by_participant(event.id, me.id) == []
            return
        note = store.add_note(prompt.id, me.id, text)
        [stored] = store.notes_by_participant(event.id, me.id)
        assert stored.text == note.text == expected
        assert stored.id in {n.id for n in store.list_notes(event.id, ("visible", "pending"))}
        _assert_inert(stored.text)
        _assert_literal(stored.text, text)

    assert_every(CORPUS, check)
    assert store.integrity_ok()
    accepted = sum(1 for _, t in CORPUS if _expected(t, NOTE_MAX_CHARS)[1] is None)
    assert len(store.list_notes(event.id, ("visible", "pending", "hidden"))) == accepted
    assert len(CORPUS) - accepted >= 20  # the blanks and the 1 MB strings at least
    assert accepted >= 200, "nearly all of the corpus is ordinary-length text that must be stored"


def test_table_note_takes_the_whole_corpus(demo_db):
    store, event = demo_db
    table = store.table_by_number(event.id, 1)
    vignette = table.vignettes[0]

    def check(text: str) -> None:
        me = _newcomer(store, event)
        store.give_consent(table.id, me.id)  # table notes are recorded only with consent
        before = [n.id for n in store.list_table_notes(table.id)]
        expected, refusal = _expected(text, TABLE_NOTE_MAX_CHARS)
        _assert_decision(text, TABLE_NOTE_MAX_CHARS, bool(refusal))
        if refusal:
            with pytest.raises(TextError) as err:
                store.add_table_note(vignette.id, me.id, vignette.prompts[0], text)
            assert str(err.value) == refusal
            _assert_clear(refusal)
            assert [n.id for n in store.list_table_notes(table.id)] == before
            return
        note = store.add_table_note(vignette.id, me.id, vignette.prompts[0], text)
        [stored] = [n for n in store.list_table_notes(table.id) if n.id == note.id]
        assert stored.text == expected
        _assert_inert(stored.text)
        _assert_literal(stored.text, text)

    assert_every(CORPUS, check)
    assert store.integrity_ok()
    accepted = sum(1 for _, t in CORPUS if _expected(t, TABLE_NOTE_MAX_CHARS)[1] is None)
    assert len(store.list_table_notes(table.id)) == accepted


def test_evaluation_free_text_takes_the_whole_corpus(demo_db):
    store, event = demo_db
    item = next(i for i in store.list_eval_items(event.id) if i.kind == "text")

    def check(text: str) -> None:
        me = _newcomer(store, event)
        expected, refusal = _expected(text, EVAL_TEXT_MAX_CHARS)
        if text.strip():
            _assert_decision(text, EVAL_TEXT_MAX_CHARS, bool(refusal))
        if not text.strip():
            # A blank answer is skipped, and a form with nothing in it is refused.
            with pytest.raises(StoreError, match="at least one question"):
                store.submit_evaluation(event.id, me.id, {item.id: text})
        elif refusal:
            with pytest.raises(TextError) as err:
                store.submit_evaluation(event.id, me.id, {item.id: text})
            assert str(err.value) == f"“{item.text}”: {refusal}"
            _assert_clear(refusal)
        else:
            store.submit_evaluation(event.id, me.id, {item.id: text})
            assert store.my_evaluation(event.id, me.id) == {item.id: expected}
            _assert_inert(expected)
            _assert_literal(expected, text)
            return
        assert store.my_evaluation(event.id, me.id) == {}

    assert_every(CORPUS, check)
    assert store.integrity_ok()
    accepted = sum(1 for _, t in CORPUS if t.strip() and _expected(t, EVAL_TEXT_MAX_CHARS)[1] is None)
    assert store.count_eval_responses(event.id) == accepted


def test_join_code_finds_no_event_and_never_crashes(demo_db):
    store, _ = demo_db

    def check(text: str) -> None:
        assert store.event_by_code(text) is None

    assert_every(CORPUS, check)


def test_participant_token_param(demo_db):
    """A hostile p= is never taken as a token (the page issues a fresh one), and even
    if joined with, it is only ever stored as a one-way hash."""
    store, event = demo_db

    def check(text: str) -> None:
        if security.looks_like_token(text):  # only plain URL-safe strings pass, e.g. "0x7fffffffffffffff"
            assert all(c.isascii() and (c.isalnum() or c in "-_") for c in text)
        if "\x00" in text or any(unicodedata.category(c) == "Cs" for c in text) or len(text) > 10_000:
            return  # cannot arrive in a URL; the check above is what guards the page
        p = store.join(event.id, text)
        assert store.participant_by_token(event.id, text) == p

    assert_every(CORPUS, check)
