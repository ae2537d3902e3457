"""Nothing injected on screen: hostile attendee text is rendered with st.text only.

The pages are driven with Streamlit's AppTest. Every accepted corpus entry
is posted (wall note, table note, pending note, evaluation answer); the
pages must show each exactly, in a text element, and no Markdown-rendering
element (markdown, caption, title, alerts...) may carry attendee text. The
query-string parameters take the corpus too, without an exception.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from eventkit import ui
from eventkit.access import security
from eventkit.models import EVAL_TEXT_MAX_CHARS, NOTE_MAX_CHARS, TABLE_NOTE_MAX_CHARS
from eventkit.storage import Store
from tests.app_pages import app_database, demo_in, open_page, shown_texts
from tests.hostile import corpus

# Element kinds whose body Streamlit renders as Markdown (or LaTeX/HTML).
MARKDOWN_KINDS = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "success",
    "warning",
    "error",
    "exception",
    "latex",
    "toast",
)


NOTES = corpus.accepted(NOTE_MAX_CHARS)
TABLE_NOTES = corpus.accepted(TABLE_NOTE_MAX_CHARS)


@pytest.fixture
def app_db(tmp_path, monkeypatch, demo_spec):
    """A fresh demo database that the app (and the test) both use."""
    with app_database(tmp_path / "eventkit.db", monkeypatch) as path:
        yield demo_in(path, demo_spec)


def _markdown_bodies(at: AppTest) -> list[str]:
    bodies = []
    for kind in MARKDOWN_KINDS:
        bodies.extend(str(getattr(e, "value", "") or getattr(e, "body", "")) for e in getattr(at, kind, []))
    bodies.extend(str(getattr(b, "label", "")) for b in at.button)
    return bodies


def _assert_only_as_text(at: AppTest, texts: list[str]) -> None:
    assert not at.exception, at.exception
    shown = shown_texts(at)
    missing = [t for t in texts if t not in shown]
    assert not missing, f"{len(missing)} notes not shown literally, e.g. {missing[:3]!r}"
    bodies = "\n".join(_markdown_bodies(at))
    # Short texts ("-", "?", "NULL") occur in ordinary copy; distinctive ones must not.
    leaked = [t for t in texts if len(t) >= 6 and t in bodies]
    assert not leaked, f"attendee text in a Markdown element: {leaked[:3]!r}"


def _post_all(store: Store, event, texts: list[str], post) -> None:
    """Post each text as a different participant (the posting limit is per participant)."""
    for text in texts:
        me = store.join(event.id, security.new_token(), table_no=1)
        post(me, text)


def test_wall_shows_every_hostile_note_as_plain_text(app_db):
    store, event = app_db
    prompt = store.list_prompts(event.id)[0]
    _post_all(store, event, NOTES, lambda me, t: store.add_note(prompt.id, me.id, t))
    at = open_page("pages/attendee_wall.py", event="FIFE16")
    assert len(at.text) < 2 * ui.PHONE_WALL_NOTES  # a phone lists the latest few by default
    at.toggle(key="wall-all").set_value(True).run()
    _assert_only_as_text(at, NOTES)
    assert at.subheader[0].value == f"{len(NOTES)} notes so far"
    assert len(NOTES) >= 150


def test_own_pending_notes_are_plain_text_too(app_db):
    store, event = app_db
    store.set_moderation(event.id, premoderate=True, word_filter=[])
    token = security.new_token()
    me = store.join(event.id, token)
    prompt = store.list_prompts(event.id)[0]
    mine = [t for t in NOTES if "<" in t or "[" in t or ":" in t][:5]  # the posting limit allows five
    for text in mine:
        store.add_note(prompt.id, me.id, text)
    at = open_page("pages/attendee_wall.py", event="FIFE16", p=token)
    _assert_only_as_text(at, mine)


def test_table_notes_are_plain_text(app_db):
    store, event = app_db
    table = store.table_by_number(event.id, 1)
    vignette = table.vignettes[0]
    store.give_consent(table.id, store.join(event.id, security.new_token(), table_no=1).id)
    _post_all(store, event, TABLE_NOTES, lambda me, t: store.add_table_note(vignette.id, me.id, "", t))
    token = security.new_token()
    store.join(event.id, token, table_no=1)
    at = open_page("pages/attendee_table.py", event="FIFE16", p=token, table="1")
    _assert_only_as_text(at, TABLE_NOTES)


def test_submitting_a_hostile_note_through_the_page(app_db):
    store, event = app_db
    at = open_page("pages/attendee_wall.py", event="FIFE16")
    at.text_area[0].input("<script>alert(1)</script> [x](javascript:alert(1)) :red[x]")
    at.button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Thanks! Your note is on the wall."]
    assert "<script>alert(1)</script> [x](javascript:alert(1)) :red[x]" in shown_texts(at)


REFUSALS = [
    ("   ", "Please write something first."),
    ("\u200b\u200b", "Please write something first."),
    ("x" * 1_000_000, "That is 1,000,000 characters; the limit is {limit:,}. Please shorten it."),
    ("y" * 2_001, "That is 2,001 characters; the limit is {limit:,}. Please shorten it."),
]


def _scribe(at: AppTest) -> tuple:
    return next(t for t in at.text_area if t.label == "Note"), next(b for b in at.button if b.label == "Add note")


@pytest.mark.parametrize(("text", "message"), REFUSALS, ids=["blank", "zero-width", "1MB", "2001"])
def test_refused_note_gets_a_clear_message_and_keeps_the_text(app_db, text, message):
    """Nothing cut short, nothing lost: the box takes any length, an over-long note is refused
    with the limit named, nothing is stored, and the text stays in the box to be shortened."""
    store, event = app_db
    at = open_page("pages/attendee_wall.py", event="FIFE16")
    assert not at.text_area[0].max_chars, "Streamlit would silently cut the note to max_chars"
    at.text_area[0].input(text)
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [message.format(limit=NOTE_MAX_CHARS)]
    assert at.text_area[0].value == text
    assert store.list_notes(event.id, ("visible", "pending", "hidden")) == []
    at.text_area[0].input("Shorter now.")
    at.button[0].click().run()
    assert [s.value for s in at.success] == ["Thanks! Your note is on the wall."] and not at.error
    assert at.text_area[0].value == "", "a posted note leaves the box empty for the next one"
    assert [n.text for n in store.list_notes(event.id)] == ["Shorter now."]


@pytest.mark.parametrize(
    ("size", "refused"), [(TABLE_NOTE_MAX_CHARS, False), (TABLE_NOTE_MAX_CHARS + 1, True), (1_000_000, True)]
)
def test_long_table_note_is_stored_whole_or_refused_and_kept(app_db, size, refused):
    store, event = app_db
    token = security.new_token()
    store.give_consent(store.table_by_number(event.id, 1).id, store.join(event.id, token, table_no=1).id)
    at = open_page("pages/attendee_table.py", event="FIFE16", p=token, table="1")
    box, add = _scribe(at)
    assert not box.max_chars
    box.input("n" * size)
    add.click().run()
    assert not at.exception
    box, _ = _scribe(at)
    notes = store.list_table_notes(store.table_by_number(event.id, 1).id)
    if refused:
        assert [e.value for e in at.error] == [
            f"That is {size:,} characters; the limit is {TABLE_NOTE_MAX_CHARS:,}. Please shorten it."
        ]
        assert box.value == "n" * size and notes == []
    else:
        assert [s.value for s in at.success] == ["Note added."] and box.value == ""
        assert [n.text for n in notes] == ["n" * size]


def test_long_evaluation_answer_is_refused_and_kept(app_db):
    store, event = app_db
    store.set_eval_open(event.id, True)
    token = security.new_token()
    me = store.join(event.id, token)
    item = next(i for i in store.list_eval_items(event.id) if i.kind == "text")
    at = open_page("pages/attendee_evaluation.py", event="FIFE16", p=token)
    box = at.text_area(key=f"eval-{item.id}")
    assert not box.max_chars
    box.input("e" * 1_000_000)
    next(b for b in at.button if b.label == "Send my feedback").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"“{item.text}”: That is 1,000,000 characters; the limit is {EVAL_TEXT_MAX_CHARS:,}. Please shorten it."
    ]
    assert at.text_area(key=f"eval-{item.id}").value == "e" * 1_000_000
    assert store.my_evaluation(event.id, me.id) == {}


def test_every_attendee_text_box_says_its_limit(app_db):
    store, event = app_db
    store.set_eval_open(event.id, True)
    token = security.new_token()
    store.join(event.id, token, table_no=1)
    for page, limit in [
        ("pages/attendee_wall.py", NOTE_MAX_CHARS),
        ("pages/attendee_table.py", TABLE_NOTE_MAX_CHARS),
        ("pages/attendee_evaluation.py", EVAL_TEXT_MAX_CHARS),
    ]:
        at = open_page(page, event="FIFE16", p=token)
        assert any(f"up to {limit:,} characters" in c.value.lower() for c in at.caption), page


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


@pytest.mark.slow  # about 150 page runs each
@pytest.mark.parametrize("page", ["pages/attendee_table.py", "pages/attendee_wall.py", "pages/privacy.py"])
def test_query_parameters_never_crash_a_page(app_db, page):
    """Hostile event=, table= and p= values: a clear message or a normal page, never an exception."""
    at = open_page(page)
    tried = 0
    for name, text in SAMPLE + DIGITS:
        for params in ({"event": text}, {"event": "FIFE16", "table": text}, {"event": "FIFE16", "p": text}):
            at.query_params.clear()
            at.query_params.update(params)
            at.run()
            tried += 1
            assert not at.exception, (name, params, at.exception)
            if "event" in params and params["event"] == "FIFE16":
                assert at.title, (name, params, "the page should still render for the demo event")
            p = at.query_params.get("p")
            assert p is None or p == text or security.looks_like_token(p), (name, params)
    assert tried >= 150
