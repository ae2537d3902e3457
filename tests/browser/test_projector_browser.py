"""The projector follows a phone's vote by itself, within 2 seconds, without a reload."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

UPDATE_WITHIN_MS = 2_000


def test_projector_shows_a_new_vote_within_two_seconds(app_server, phone, projector):
    store, event = app_server.store, app_server.event
    poll = store.list_polls(event.id)[0]
    # The facilitator opens the poll, shows live results and makes it live (same DB file).
    store.set_poll_state(poll.id, "open")
    store.set_results_visible(poll.id, True)
    store.set_live(event.id, "poll", poll.id)

    screen = projector(app_server.page_url("/projector", event=event.code))
    expect(screen.get_by_text("0 answers", exact=True)).to_be_visible()
    screen.evaluate("window.__not_reloaded = true")

    attendee = phone(app_server.page_url("/", event=event.code))
    attendee.get_by_role("button", name="About half").click()
    expect(attendee.get_by_text("is recorded", exact=False)).to_be_visible()
    acknowledged = time.monotonic()

    expect(screen.get_by_text("1 answer", exact=True)).to_be_visible(timeout=UPDATE_WITHIN_MS)
    elapsed = time.monotonic() - acknowledged
    assert elapsed < UPDATE_WITHIN_MS / 1000
    assert screen.evaluate("window.__not_reloaded === true"), "the projector reloaded the page"
    assert screen.locator('[data-testid="stHeader"]').is_hidden()  # no Streamlit chrome
    print(f"projector updated {elapsed:.2f}s after the vote was acknowledged")


def test_projector_switches_when_the_facilitator_changes_what_is_live(app_server, projector):
    store, event = app_server.store, app_server.event
    store.set_live(event.id, "welcome")
    screen = projector(app_server.page_url("/projector", event=event.code))
    expect(screen.get_by_text(f"Event code  {event.code}", exact=True)).to_be_visible()
    store.set_live(event.id, "tables")
    expect(screen.get_by_text("Table discussions", exact=True)).to_be_visible(timeout=4_000)


# --- Layout: fills the screen, legible from the back, how to join on every screen ---------

MIN_TEXT_SHARE = 0.021  # every text at least 2.1% of the screen's height (23 px on 1080 lines)
FILL_SHARE = 0.55  # a question screen uses more than half the height above the footer

MEASURE = """() => {
  const vis = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const footer = document.querySelector('.st-key-ek-footer');
  const fr = footer ? footer.getBoundingClientRect() : null;
  const texts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stText"], [data-testid="stMain"] [data-testid="stCaptionContainer"]')].filter(vis);
  const body = texts.filter(t => !footer || !footer.contains(t));
  // A text in a box that clips it (the wall's columns) shows only down to the box's bottom.
  const shownBottom = (t) => { const box = t.closest('.st-key-ek-wall-columns');
    return Math.min(t.getBoundingClientRect().bottom, box ? box.getBoundingClientRect().bottom : Infinity); };
  return {
    width: innerWidth, height: innerHeight, scrollWidth: document.documentElement.scrollWidth,
    footer: fr && {top: fr.top, bottom: fr.bottom, text: footer.innerText},
    smallest: texts.map(t => [parseFloat(getComputedStyle(t).fontSize), t.innerText.slice(0, 30)]).sort((a, b) => a[0] - b[0])[0],
    lowest: Math.max(0, ...body.map(shownBottom)),
    under_footer: fr ? body.filter(t => shownBottom(t) > fr.top + 1).map(t => t.innerText.slice(0, 30)) : [],
    no_alt: [...document.querySelectorAll('img')].filter(i => !(i.getAttribute('alt') || '').trim()).length,
    question: Math.max(0, ...[...document.querySelectorAll('[class*="st-key-ek-question-"] [data-testid="stText"]')].map(t => parseFloat(getComputedStyle(t).fontSize))),
  };
}"""


def _arrange_poll(store, event, state: str):
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    store.set_results_visible(poll.id, state == "revealed")
    if state == "revealed":
        store.set_poll_state(poll.id, "revealed")
    store.set_live(event.id, "poll", poll.id)


def _fill_the_wall(store, event):
    """Six long notes under every prompt: more than a projector's columns hold."""
    from eventkit.access import security

    long = "A longer note that runs over three or four lines on the projector, to see where it ends. " * 2
    for prompt in store.list_prompts(event.id):
        for _ in range(6):
            store.add_note(prompt.id, store.join(event.id, security.new_token()).id, long.strip())
    store.set_live(event.id, "wall")


LAYOUT_SCREENS = [  # name, arrange, text that shows it is drawn, must it fill the screen
    ("welcome", lambda s, e: s.set_live(e.id, "welcome"), "Anonymous: no name", True),
    ("poll-open", lambda s, e: _arrange_poll(s, e, "open"), "so far", True),
    ("poll-revealed", lambda s, e: _arrange_poll(s, e, "revealed"), "of the room got it right", False),
    ("wall", lambda s, e: s.set_live(e.id, "wall"), "The wall: add your note", False),
    ("wall-full", _fill_the_wall, "Newest 5 of", True),
    ("tables", lambda s, e: s.set_live(e.id, "tables"), "Discuss:", False),
    ("evaluation", lambda s, e: s.set_live(e.id, "evaluation"), "have answered", False),
]


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)], ids=["1920x1080", "1280x800"])
def test_every_projector_screen_is_legible_and_says_how_to_join(app_server, browser, size):
    from eventkit.access import security

    store, event = app_server.store, app_server.event
    for poll in store.list_polls(event.id):
        store.set_poll_state(poll.id, "draft")
    voter = store.join(event.id, security.new_token())
    store.set_poll_state(store.list_polls(event.id)[0].id, "open")
    store.cast_vote(store.list_polls(event.id)[0].id, voter.id, store.list_polls(event.id)[0].options[0].id)
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(app_server.page_url("/projector", event=event.code))
    failures = []
    try:
        for name, arrange, marker, fills in LAYOUT_SCREENS:
            arrange(store, event)
            expect(page.get_by_text(marker, exact=False).first).to_be_visible(timeout=10_000)
            page.wait_for_timeout(1_000)  # the next timed redraw has settled
            m = page.evaluate(MEASURE)
            page.screenshot(path=str(app_server.log_path.parent / f"projector-{name}-{width}.png"))
            footer = m["footer"]
            if (
                not footer
                or abs(footer["bottom"] - height) > 2
                or event.code not in footer["text"]
                or f"?event={event.code}" not in footer["text"]
            ):
                failures.append(f"{name}: no join footer with the address and code along the bottom: {footer}")
                continue
            if m["smallest"][0] < MIN_TEXT_SHARE * height:
                failures.append(
                    f"{name}: text of {m['smallest'][0]:.1f}px is too small for the back row: {m['smallest'][1]!r}"
                )
            if m["under_footer"]:
                failures.append(f"{name}: text hidden under the footer: {m['under_footer']}")
            if m["scrollWidth"] > width:
                failures.append(f"{name}: wider than the screen ({m['scrollWidth']}px)")
            if m["no_alt"]:
                failures.append(f"{name}: {m['no_alt']} image(s) without alt text")
            if fills and m["lowest"] < FILL_SHARE * footer["top"]:
                failures.append(
                    f"{name}: content ends at {m['lowest']:.0f}px of {footer['top']:.0f}px: the screen is mostly empty"
                )
            if name == "poll-open" and m["question"] < 0.05 * height:
                failures.append(f"poll-open: question at {m['question']:.0f}px")
    finally:
        context.close()
    assert failures == []
