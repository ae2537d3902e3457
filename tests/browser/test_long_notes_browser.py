"""Long words and URLs stay inside their note cards, and one note cannot fill the projector.

A 499-letter word (no spaces, the longest note allowed is 500) and a long URL
are posted to every wall question, after a short note. On the projector at
1920x1080 each card stays inside its column, no text runs out of its box,
a long note is cut to a few lines so the short one below it is still on the
screen, and the whole text is still in the page. On a phone every
note wraps inside its card (no sideways scrolling) and is shown whole on the HTML
wall, at 390 and 320 px wide.
"""

from __future__ import annotations

import pytest

from eventkit.access import security

WORD = "W" * 499  # W is the widest letter
URL = "https://example.org/" + "a-very-long-path-segment/" * 16 + "?q=" + "x" * 60
SHORT = "Short note that must stay on screen."

# Geometry of every note: its text box, the card around it and the column around that.
_NOTES_JS = """() => [...document.querySelectorAll('[data-testid="stText"]')].map(t => {
  const box = (e) => { if (!e) return null; const r = e.getBoundingClientRect();
                       return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height}; };
  return {
    text: t.textContent, wrap: getComputedStyle(t.firstElementChild || t).overflowWrap,
    scroll: t.scrollWidth, client: t.clientWidth, self: box(t),
    card: box(t.closest('[data-testid="stVerticalBlock"]')),
    column: box(t.closest('[data-testid="stColumn"]')),
  };
})"""


@pytest.fixture(scope="module")
def long_notes(app_server):
    store, event = app_server.store, app_server.event
    store.set_live(event.id, "wall")
    assert len(URL) <= 500
    for prompt in store.list_prompts(event.id):
        for text in (SHORT, URL, WORD):  # newest first on screen: the word, the URL, then the short note
            store.add_note(prompt.id, store.join(event.id, security.new_token()).id, text)
    return store.list_prompts(event.id)


def _notes(page, texts: list[str]) -> list[dict]:
    page.wait_for_function("(n) => document.querySelectorAll('[data-testid=\"stText\"]').length >= n", arg=len(texts))
    notes = [n for n in page.evaluate(_NOTES_JS) if n["text"] in texts]
    assert {n["text"] for n in notes} == set(texts), "every note is in the page, whole"
    return notes


def _assert_inside(notes: list[dict]) -> None:
    for n in notes:
        what = n["text"][:12]
        assert n["scroll"] <= n["client"], f"{what}: text runs out of its box"
        assert n["card"]["left"] <= n["self"]["left"] and n["self"]["right"] <= n["card"]["right"] + 0.5, what
        assert n["wrap"] == "anywhere", f"{what}: long words must break anywhere"


def test_projector_keeps_long_notes_in_their_cards_and_short(app_server, long_notes, projector):
    page = projector(app_server.page_url("/projector", event="FIFE16"))
    page.get_by_text("The wall: add your note on your phone").wait_for()
    notes = _notes(page, [WORD, URL, SHORT])
    assert len(notes) == 3 * len(long_notes)
    _assert_inside(notes)
    for n in notes:
        assert n["column"]["left"] <= n["card"]["left"] and n["card"]["right"] <= n["column"]["right"] + 0.5
        assert n["self"]["height"] <= 1080 / 4, f"{n['text'][:12]}: one note fills the column"
    for n in (n for n in notes if n["text"] == SHORT):
        assert n["self"]["bottom"] <= 1080, "a short note is pushed off the screen by two long ones"
    page.screenshot(path=str(app_server.log_path.parent / "projector_long_notes.png"))


# The HTML wall: each note a <p class="note"> in its card (<li>), in the list.
_PHONE_NOTES_JS = """() => [...document.querySelectorAll('main .notes .note')].map(t => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, height: r.height}; };
  return {text: t.textContent, wrap: getComputedStyle(t).overflowWrap, scroll: t.scrollWidth, client: t.clientWidth,
          self: box(t), card: box(t.closest('li'))};
})"""


@pytest.mark.parametrize("width", [390, 320])
def test_phone_wall_wraps_long_notes_inside_their_cards(app_server, long_notes, phone, width):
    page = phone(app_server.page_url("/", event="FIFE16"), viewport={"width": width, "height": 800})
    for prompt in long_notes:
        page.goto(app_server.page_url("/e/FIFE16/wall", q=prompt.id, all=1))
        notes = [n for n in page.evaluate(_PHONE_NOTES_JS) if n["text"] in (WORD, URL, SHORT)]
        assert sorted(n["text"] for n in notes) == sorted([WORD, URL, SHORT]), "every note is in the page, whole"
        _assert_inside(notes)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the phone scrolls sideways"
        word = next(n for n in notes if n["text"] == WORD)
        assert word["self"]["height"] > 300, "the phone shows the whole note, not a clipped one"
    page.screenshot(path=str(app_server.log_path.parent / f"phone_long_notes_{width}.png"), full_page=True)
