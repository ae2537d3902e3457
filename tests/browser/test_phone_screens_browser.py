"""Every HTML attendee screen on a phone in Chromium: it fits, it is reached by keyboard, focus shows (issue 20).

- A tour of every attendee screen (join and its error, welcome, a choice poll, the
  answer saved, an estimate poll, an estimate refused with the error summary, the
  estimate sent, the reveal with "you were right", an opinion poll's reveal, Now
  inviting to the wall, the Wall with notes and a +1 and its error, the Table with consent, vignettes and
  the scribe's notes, Feedback not open yet, the form, its error, sent, the
  privacy notice, the closed door, a set-aside phone's refusal), with JavaScript
  on and off. On each, at 390×844, at 320×640 and at 195×422 (a 390 px phone at
  200 % zoom lays out in 195 CSS px): no sideways scrolling, every control and
  every line of text inside the screen's width and of a tappable size, and what
  a POST answered with (saved, or the error summary) in view without scrolling;
  with JavaScript on, axe-core finds no violation of any impact on each screen.
- The first answer is within 3 Tab stops from page load (a choice poll, an
  estimate poll, the feedback form), with a visible focus ring at every stop.

With $EVENTKIT_SCREENSHOTS set to a folder, every screen is saved there at
390×844, 320×640 and 195×422 ("zoom200") as <screen>-<size>-js-on|off.png (for looking at, not compared).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventkit.storage.base import utc_now
from eventkit.storage.participants import CLOSED_MESSAGE
from eventkit.storage.set_aside import SET_ASIDE_MESSAGE
from tests.browser.conftest import missing, until_shown

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"390x844": {"width": 390, "height": 844}, "320x640": {"width": 320, "height": 640}}
ZOOM_200 = {"width": 195, "height": 422}  # a 390x844 phone at 200 % zoom, in CSS px
SMALLEST_TARGET_PX = 24  # WCAG 2.5.8 target size (minimum) for buttons and form controls

# Sideways scrolling; anything laid out outside the width; controls too small to tap; the top of the
# page's answer to a POST (role status or alert) below the first screen; a link drawn as a button but
# underlined; a 1-5 score split over two rows at 320 px or wider (a lone "5" on its own row), or with
# a number not clearly nearer its own circle than the next; a column of text under 5em wide.
LAYOUT = """(smallest) => {
  const width = document.documentElement.clientWidth, height = window.innerHeight;
  const name = (e) => (e.tagName + ' ' + (e.innerText || e.value || e.name || e.id || '').trim()).slice(0, 40);
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const all = [...document.querySelectorAll('main *, footer *')].filter(e => !e.closest('.skip') && shown(e));
  const outside = all.filter(e => { const r = e.getBoundingClientRect(); return r.left < -0.5 || r.right > width + 0.5; });
  const controls = [...document.querySelectorAll('button, input:not([type=hidden]), select, textarea, .button')];
  const answer = document.querySelector('[role=status], [role=alert]');
  const rows = (group) => new Set([...group.querySelectorAll('input')].map(i => Math.round(i.getBoundingClientRect().top)));
  return {
    underlined: [...document.querySelectorAll('a.button')].filter(e => getComputedStyle(e).textDecorationLine !== 'none').map(name),
    // A score's number must sit clearly nearer its own circle than the next one (at least twice as near).
    ambiguousScales: [...document.querySelectorAll('.radios.inline .radio')].filter(r => {
      const own = r.querySelector('input').getBoundingClientRect(), label = r.querySelector('label').getBoundingClientRect();
      const next = r.nextElementSibling && r.nextElementSibling.querySelector('input').getBoundingClientRect();
      return next && Math.abs(next.top - own.top) < 1 && next.left - label.right < 2 * (label.left - own.right);
    }).map(name),
    // A column of words too narrow to read (under 5em): words broken letter by letter at 200 % zoom.
    narrowText: [...document.querySelectorAll('main p, main li, main h1, main h2, main h3')].filter(e =>
      shown(e) && e.textContent.trim().split(/\\s+/).length > 1
      && e.clientWidth < 5 * parseFloat(getComputedStyle(e).fontSize)).map(name),
    splitScales: width < 320 ? [] : [...document.querySelectorAll('.radios.inline')].filter(g => rows(g).size > 1).map(name),
    sideways: document.documentElement.scrollWidth > width,
    outside: outside.map(name),
    unseen: controls.filter(e => !shown(e)).map(name),
    small: controls.filter(e => shown(e) && e.getBoundingClientRect().height < smallest).map(name),
    answerBelow: !!answer && answer.getBoundingClientRect().top + window.scrollY >= height,
  };
}"""

# What has focus: its name, whether it shows a ring (an outline of 2 px or more, or a box-shadow)
# and whether its centre (its first line's, for a link that wraps) is on screen and not covered.
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  const box = e.getClientRects()[0] || r;  // a link that wraps: its first line's box, not the paragraph's width
  const x = box.left + box.width / 2, y = box.top + Math.min(box.height / 2, 20);
  const top = document.elementFromPoint(x, y);
  return {what: (e.tagName + ' ' + (e.innerText || e.name || e.id || '').trim()).slice(0, 40),
          id: e.id, name: e.name || '', ring: ring, unobscured: !!top && (e === top || e.contains(top))};
}"""


def _reset(store, event) -> None:
    for poll in store.list_polls(event.id):
        store.set_poll_state(poll.id, "draft")
        store.set_results_visible(poll.id, False)
    store.set_live(event.id, "welcome")
    store.set_eval_open(event.id, False)
    store.set_joining_open(event.id, True)


def _live(store, event, poll, state: str = "open") -> None:
    store.set_poll_state(poll.id, state)
    store.set_results_visible(poll.id, state == "revealed")
    store.set_live(event.id, "poll", poll.id)


class Tour:
    """Looks at each screen as it comes: its layout at every size, and a screenshot if asked."""

    def __init__(self, page, javascript: bool):
        self.page, self.mode = page, "js-on" if javascript else "js-off"
        self.folder = os.environ.get("EVENTKIT_SCREENSHOTS")
        self.found: dict[str, dict] = {}
        self.seen: list[str] = []
        self.axe = AXE.read_text() if javascript else None  # axe needs JavaScript (the page's policy bypassed)

    def look(self, screen: str) -> None:
        self.page.wait_for_load_state()
        self.seen.append(screen)
        for size, viewport in [*SIZES.items(), ("200%", ZOOM_200)]:
            self.page.set_viewport_size(viewport)
            layout = self.page.evaluate(LAYOUT, SMALLEST_TARGET_PX)
            if wrong := {what: v for what, v in layout.items() if v}:
                self.found[f"{screen} {size} {self.mode}"] = wrong
            if self.folder:
                Path(self.folder).mkdir(parents=True, exist_ok=True)
                label = size if size in SIZES else "zoom200"  # 195x422: the 390 px phone at 200 % zoom
                self.page.screenshot(path=f"{self.folder}/{screen}-{label}-{self.mode}.png", full_page=True)
        self.page.set_viewport_size(SIZES["390x844"])
        if self.axe is not None and (violations := self.axe_violations()):
            self.found[f"{screen} axe"] = violations

    def axe_violations(self) -> list[str]:
        """Every axe-core violation on the page, of any impact."""
        self.page.add_script_tag(content=self.axe)
        results = self.page.evaluate("async () => await axe.run(document)")
        assert len(results["passes"]) > 10, "axe looked at nothing"
        return [
            f"{v['impact']} {v['id']}: {' '.join(map(str, n['target']))}"
            for v in results["violations"]
            for n in v["nodes"]
        ]


def walk_every_screen(server, browser, javascript: bool) -> Tour:
    """Walk one phone through every attendee screen, looking at each."""
    store, event, url = server.store, server.event, server.url
    now, base = f"{server.url}/e/{event.code}", f"{server.url}/e/{event.code}"
    polls = store.list_polls(event.id)
    choice = next(p for p in polls if p.kind == "choice" and p.correct_option)
    opinion = next(p for p in polls if p.kind == "choice" and not p.correct_option)
    estimate = next(p for p in polls if p.kind == "estimate")
    _reset(store, event)
    context = browser.new_context(viewport=SIZES["390x844"], java_script_enabled=javascript, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    tour = Tour(page, javascript)
    try:
        page.goto(f"{url}/join")
        expect(page.get_by_label("Event code")).to_be_visible()
        tour.look("join")
        page.goto(f"{url}/join?event=nothere")
        expect(page.get_by_role("alert")).to_contain_text("There is no event with the code")
        tour.look("join-error")

        page.goto(f"{url}/?event={event.code}&table=2")  # the table card's link: seated at table 2
        until_shown(page, now, "Keep this page open")
        tour.look("welcome")

        _live(store, event, choice)
        until_shown(page, now, choice.question)
        tour.look("choice-poll")
        page.get_by_role("button", name=choice.correct_option.label).click()
        expect(page.get_by_role("status")).to_contain_text("Saved: your answer")
        tour.look("choice-saved")

        _live(store, event, estimate)
        until_shown(page, now, estimate.question)
        tour.look("estimate-poll")
        box = page.get_by_label(estimate.question)
        box.fill(str(int(estimate.max_value) * 10 + 1))
        page.get_by_role("button", name="Send my estimate").click()
        expect(page.get_by_role("alert")).to_contain_text("Your estimate must be a number from")
        tour.look("estimate-error")
        page.get_by_label(estimate.question).fill(str(int(estimate.min_value) + 1))
        page.get_by_role("button", name="Send my estimate").click()
        expect(page.get_by_role("status")).to_contain_text("Saved: your estimate")
        tour.look("estimate-sent")

        _live(store, event, choice, "revealed")
        until_shown(page, now, "you were right")
        tour.look("reveal-right")

        _live(store, event, opinion)
        until_shown(page, now, opinion.question)
        page.get_by_role("button", name=opinion.options[1].label).click()
        expect(page.get_by_role("status")).to_contain_text("Saved: your answer")
        _live(store, event, opinion, "revealed")
        until_shown(page, now, "How the room answered")
        expect(page.locator("main")).not_to_contain_text("you were right")
        tour.look("opinion-reveal")

        store.set_live(event.id, "wall")
        until_shown(page, now, "The wall is open")
        tour.look("now-wall-invite")
        page.get_by_role("link", name="Go to the wall").click()
        page.get_by_role("button", name="Post note").click()
        expect(page.get_by_role("alert")).to_be_visible()
        tour.look("wall-error")
        page.get_by_label("Your note (anonymous)").fill(f"Shared referral forms would save time ({tour.mode})")
        page.get_by_role("button", name="Post note").click()
        expect(page.get_by_role("status")).to_contain_text("Your note is on the wall")
        page.get_by_role("button", name="+1").first.click()
        expect(page.get_by_role("status")).to_contain_text("your +1 is counted")
        tour.look("wall")

        page.goto(f"{base}/table")
        expect(page.get_by_role("heading", level=1)).to_have_text(store.table_by_number(event.id, 2).label)
        page.get_by_role("button", name="I agree to recording").click()
        expect(page.get_by_role("status")).to_contain_text("you have agreed")
        page.get_by_label("Note", exact=True).fill("Who calls the GP first? Agree one named contact.")
        page.get_by_role("button", name="Add note").click()
        expect(page.get_by_role("status")).to_contain_text("Note added")
        tour.look("table")

        # Not open yet (the first tour), or closed once it was opened (the second): no form either way.
        until_shown(page, f"{base}/feedback", "Your feedback")
        expect(page.get_by_role("button", name="Send my feedback")).to_have_count(0)
        tour.look("feedback-not-open")
        store.set_eval_open(event.id, True)
        until_shown(page, f"{base}/feedback", "Send my feedback")
        tour.look("feedback-form")
        page.get_by_role("button", name="Send my feedback").click()
        expect(page.get_by_role("alert")).to_contain_text("Please answer at least one question.")
        tour.look("feedback-error")
        first = store.list_eval_items(event.id)[0]
        page.get_by_role("group", name=first.text).get_by_label("4", exact=True).check()
        page.get_by_role("button", name="Send my feedback").click()
        expect(page.get_by_role("status")).to_contain_text("Thank you, your feedback is saved.")
        tour.look("feedback-sent")

        page.goto(f"{base}/privacy")
        expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
        tour.look("privacy")
    finally:
        context.close()

    # A new phone at a closed door; then a phone a facilitator set aside, posting a note.
    context = browser.new_context(viewport=SIZES["390x844"], java_script_enabled=javascript, bypass_csp=True)
    context.set_default_timeout(15_000)
    tour.page = page = context.new_page()
    try:
        store.set_joining_open(event.id, False)
        page.goto(f"{url}/?event={event.code}")
        expect(page.get_by_role("heading", level=1)).to_have_text("You cannot join just now")
        expect(page.locator("main")).to_contain_text(CLOSED_MESSAGE)
        tour.look("door-closed")
        store.set_joining_open(event.id, True)
        start = utc_now()
        time.sleep(0.01)
        page.goto(f"{url}/?event={event.code}")  # joins: Now
        expect(page).to_have_url(now)
        time.sleep(0.01)
        assert store.set_aside_joined_between(event.id, start, utc_now()) == 1
        page.goto(f"{base}/wall")
        page.get_by_label("Your note (anonymous)").fill("Sent from a phone that was set aside")
        page.get_by_role("button", name="Post note").click()
        expect(page.get_by_role("alert")).to_contain_text(SET_ASIDE_MESSAGE)
        expect(page.get_by_label("Your note (anonymous)")).to_have_value("Sent from a phone that was set aside")
        tour.look("set-aside")
    finally:
        for window in store.list_set_asides(event.id):
            store.restore_set_aside(event.id, window.id)
        store.set_joining_open(event.id, True)
        context.close()
    return tour


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_every_attendee_screen_fits_320_px_and_200_percent_zoom(app_server, browser, javascript):
    if not AXE.exists():
        missing(f"{AXE} missing: run `npm ci --prefix tests/browser`")
    tour = walk_every_screen(app_server, browser, javascript)
    assert len(tour.seen) == 21, tour.seen
    assert tour.found == {}


def _stops_until(page, reached) -> list[dict]:
    """Tab from page load (at most 3 times) until `reached(stop)`; every stop on the way."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if reached(stops[-1]):
            break
    return stops


def test_the_first_answer_is_within_three_tab_stops_with_a_visible_ring(app_server, browser):
    store, event = app_server.store, app_server.event
    polls = store.list_polls(event.id)
    choice = next(p for p in polls if p.kind == "choice")
    estimate = next(p for p in polls if p.kind == "estimate")
    now = f"{app_server.url}/e/{event.code}"
    _reset(store, event)
    context = browser.new_context(viewport=SIZES["390x844"])
    page = context.new_page()
    found = {}
    try:
        page.goto(f"{app_server.url}/?event={event.code}")
        screens = [
            ("choice poll", lambda: _live(store, event, choice), now, choice.question, lambda s: s["id"] == "answer"),
            (
                "estimate poll",
                lambda: _live(store, event, estimate),
                now,
                "Send my estimate",
                lambda s: s["id"] == "estimate",
            ),
            (
                "feedback form",
                lambda: store.set_eval_open(event.id, True),
                f"{now}/feedback",
                "Send my feedback",
                lambda s: s["name"].startswith("item-"),
            ),
        ]
        for screen, arrange, address, marker, reached in screens:
            arrange()
            until_shown(page, address, marker)
            stops = _stops_until(page, reached)
            what = [s["what"] for s in stops]
            if not reached(stops[-1]):
                found[screen] = f"not reached in 3 Tab stops: {what}"
            elif missing := [s["what"] for s in stops if not s["ring"] or not s["unobscured"]]:
                found[screen] = f"no visible focus ring (or covered) at: {missing}"
    finally:
        context.close()
    assert found == {}
    assert stops[0]["what"].startswith("A Skip to main content"), stops  # the first stop of every page
