"""A phone at 390x844 in a real browser: what a person sees where they tap.

- Sending the 12-question feedback form from its bottom shows the thanks in view.
- The keyboard reaches the first answer in a few Tab stops, each with a visible ring.
- A phone on the Wall hears of every change of what is live, with a link to it.
- An estimate poll reaches phones as fast as a choice poll.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, close_page_not_found, wait_for_streamlit

FOLLOW_WITHIN_MS = 5_000  # pushed: well under a second on a quiet machine; slack for a busy one
MAX_STOPS_BEFORE_ANSWER = 5  # skip link, the page's scroll area, three page links


def reset(store, event) -> None:
    for poll in store.list_polls(event.id):
        store.set_poll_state(poll.id, "draft")
        store.set_results_visible(poll.id, False)
    store.set_live(event.id, "welcome")
    store.set_eval_open(event.id, False)


def test_the_feedback_thanks_shows_where_the_person_tapped(app_server, phone):
    store, event = app_server.store, app_server.event
    reset(store, event)
    store.set_eval_open(event.id, True)
    page = phone(app_server.page_url("/feedback", event=event.code))
    close_page_not_found(page)
    score = next(i for i in store.list_eval_items(event.id) if i.kind == "score")
    page.locator('[data-testid="stRadio"]').filter(has_text=score.text).get_by_text("4", exact=True).click()
    send = page.get_by_role("button", name="Send my feedback")
    send.scroll_into_view_if_needed()
    wait_for_streamlit(page)
    assert send.bounding_box()["y"] > 0  # scrolled: the button is far below the top of the form
    send.click()
    thanks = page.get_by_text("Thank you, your feedback is saved", exact=False)
    expect(thanks).to_be_visible()
    wait_for_streamlit(page)
    page.wait_for_timeout(300)  # let the browser settle its scroll position
    box = thanks.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    page.screenshot(path=str(app_server.log_path.parent / "feedback_thanks.png"))
    page.get_by_role("button", name="Change my answers").click()
    expect(page.get_by_role("button", name="Send my feedback")).to_be_visible()
    assert store.count_eval_responses(event.id) == 1


BASE_LOADED = "() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('Every page'))"

# What has focus: its label, whether it shows a ring (outline of 2 px or more, or a
# box-shadow ring) and whether its centre is on screen and not covered.
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2);
  const x = r.left + r.width / 2, y = r.top + Math.min(r.height / 2, 20);
  const top = document.elementFromPoint(x, y);
  return {what: e.tagName + ' ' + (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 40),
          text: (e.innerText || '').trim(), ring: ring, unobscured: !!top && (e === top || e.contains(top))};
}"""


def test_the_keyboard_reaches_the_first_answer_soon_with_a_visible_ring_at_every_stop(app_server, phone):
    store, event = app_server.store, app_server.event
    reset(store, event)
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    page = phone(app_server.page_url("/", event=event.code))
    first = poll.options[0].label
    expect(page.get_by_role("button", name=first, exact=True)).to_be_visible()
    # The focus ring is in base.css, which the page script adds: under load it can arrive
    # after the first answer is drawn (CI saw the first stop, Streamlit's skip link, ringless).
    wait_for_streamlit(page)
    page.wait_for_function(BASE_LOADED)
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1]["text"] == first:
            break
    assert stops[-1]["text"] == first, [s["what"] for s in stops]
    assert len(stops) - 1 <= MAX_STOPS_BEFORE_ANSWER, [s["what"] for s in stops]
    assert [s["what"] for s in stops if not s["ring"]] == []  # WCAG 2.4.7: focus visible
    assert [s["what"] for s in stops if not s["unobscured"]] == []  # WCAG 2.4.11: not hidden
    # The page you are on is a marked label, not a link: a focused link cannot pass for it.
    expect(page.get_by_role("link", name=re.compile(r"\bNow$"))).to_have_count(0)
    expect(page.locator(".st-key-ek-nav-here")).to_contain_text("Now")


def test_a_phone_on_the_wall_hears_of_every_change_of_what_is_live(app_server, phone):
    store, event = app_server.store, app_server.event
    reset(store, event)
    poll = store.list_polls(event.id)[0]
    page = phone(app_server.page_url("/wall", event=event.code))
    close_page_not_found(page)
    expect(page.get_by_role("heading", name="Wall")).to_be_visible()
    steps = [
        (lambda: store.set_live(event.id, "tables"), "Table discussions have started"),
        (lambda: store.set_live(event.id, "poll", poll.id), "A question is about to open"),
        (lambda: store.set_poll_state(poll.id, "open"), "A question is open now"),
        (lambda: store.set_poll_state(poll.id, "revealed"), "The answer is out"),
    ]
    for change, banner in steps:
        change()
        expect(page.get_by_role("link", name=re.compile(banner))).to_be_visible(timeout=FOLLOW_WITHIN_MS)
    page.get_by_role("link", name=re.compile("The answer is out")).click()
    wait_for_streamlit(page)
    expect(page.get_by_text("You did not answer this one. The answer is", exact=False)).to_be_visible()
    page.get_by_role("link", name=re.compile("Wall")).click()
    wait_for_streamlit(page)
    store.set_live(event.id, "wall")  # the page's own activity: no banner
    expect(page.get_by_role("link", name=re.compile("The answer is out"))).to_have_count(0, timeout=FOLLOW_WITHIN_MS)


def test_an_estimate_poll_reaches_phones_as_fast_as_a_choice_poll(app_server, phone):
    # Reported: 4-5.4 s for the estimate against 0.3-1.3 s for choice polls. The
    # same code path draws both (eventkit/ui/voting.py); this keeps it so.
    store, event = app_server.store, app_server.event
    reset(store, event)
    phones = [phone(app_server.page_url("/", event=event.code)) for _ in range(2)]
    polls = store.list_polls(event.id)[:3]
    assert [p.kind for p in polls] == ["choice", "estimate", "choice"]
    took = {}
    for poll in polls:  # what Next question does: make it live, then open it
        started = time.monotonic()
        store.set_live(event.id, "poll", poll.id)
        store.set_poll_state(poll.id, "open")
        for page in phones:
            shown = (
                page.get_by_role("button", name="Send my estimate")
                if poll.kind == "estimate"
                else page.get_by_role("button", name=poll.options[0].label, exact=True)
            )
            expect(shown).to_be_visible(timeout=10_000)
        took[f"Q{poll.position} {poll.kind}"] = round(time.monotonic() - started, 2)
        store.set_poll_state(poll.id, "revealed")
    print(f"poll reached both phones after: {took}")
    assert max(took.values()) < FOLLOW_WITHIN_MS / 1000 / 2, took
