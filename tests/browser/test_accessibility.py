"""axe-core on every staff screen: no serious or critical violation; on organiser pages none at all.

The projector's screens at 1920x1080, and the staff pages (facilitator sign-in
and every tab of the control panel, every organiser page) at 1280x800. The
HTML attendee pages are held to every axe rule, any impact, in
test_phone_screens_browser.py (every screen on its tour) and
test_web_phone_browser.py (the table picker and the form errors too). axe-core comes from the
npm registry, pinned in tests/browser/package.json (`npm ci --prefix
tests/browser`), and is injected into the live page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventkit.access import security
from tests.browser.conftest import ADMIN_PASSWORD, close_page_not_found, missing, wait_for_streamlit

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN_AXE = "async () => await axe.run(document)"
BASE_LOADED = "() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('Every page'))"
STAFF = {"width": 1280, "height": 800}

# (rule id, substring of the node's CSS target) that come from Streamlit's own
# markup and cannot be changed by the app. One, minor: st.file_uploader's drop zone is
# <section role="presentation" tabindex="-1" aria-label="…">: focusable and labelled,
# so the presentation role is ignored (seating page; Streamlit 1.67's markup).
STREAMLIT_OWN: set[tuple[str, str]] = {("presentation-role-conflict", "section")}


def _poll(store, event_id: int, kind: str):
    return next(p for p in store.list_polls(event_id) if p.kind == kind)


def _reset(store, event_id: int) -> None:
    for poll in store.list_polls(event_id):
        store.set_poll_state(poll.id, "draft")
        store.set_results_visible(poll.id, False)
    store.set_live(event_id, "welcome")
    store.set_eval_open(event_id, False)
    store.set_joining_open(event_id, True)


def arrange_wall_notes(store, event):
    author = store.join(event.id, security.new_token())
    prompt = store.list_prompts(event.id)[0]
    store.add_note(prompt.id, author.id, "More shared data on referrals, please.")
    store.add_note(prompt.id, author.id, "<b>x</b> [a](javascript:alert(1)) # H")
    return "/wall", "More shared data on referrals, please."


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        missing(f"{AXE} missing: run `npm ci --prefix tests/browser`")
    return AXE.read_text()


def blocking_violations(results: dict, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """One line per violation node of the given impacts not known to be Streamlit's own."""
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if any(rule == violation["id"] and part in target for rule, part in STREAMLIT_OWN):
                continue
            lines.append(f"{violation['impact']} {violation['id']}: {target}\n    {node['failureSummary']}")
    return lines


def check_page(page, axe_source: str, impacts: tuple[str, ...] = BLOCKING) -> None:
    """Run axe on the page once the app is idle; assert no violation of the given impacts
    (serious or critical unless told)."""
    wait_for_streamlit(page)
    page.wait_for_function(BASE_LOADED)
    page.evaluate("document.fonts.ready")
    page.add_script_tag(content=axe_source)
    results = page.evaluate(RUN_AXE)
    if blocking_violations(results, impacts):
        # Once seen under load: a caption checked mid-rerun (faded while stale, or the
        # attendee pages polling). A real violation persists, so look again once idle.
        page.wait_for_timeout(1_500)
        wait_for_streamlit(page)
        results = page.evaluate(RUN_AXE)
    # A check that ran on nothing proves nothing: axe must have looked at the page.
    assert len(results["passes"]) > 15, [p["id"] for p in results["passes"]]
    assert blocking_violations(results, impacts) == []


def _live_poll(store, event, state: str) -> None:
    poll = _poll(store, event.id, "choice")
    store.set_poll_state(poll.id, "open")
    store.cast_vote(poll.id, store.join(event.id, security.new_token()).id, poll.options[0].id)
    store.set_poll_state(poll.id, state)
    store.set_results_visible(poll.id, state == "revealed")
    store.set_live(event.id, "poll", poll.id)


PROJECTOR_SCREENS = {  # arrange, then text that shows it is drawn
    "welcome": (lambda store, event: store.set_live(event.id, "welcome"), "Event code"),
    "poll-open": (lambda store, event: _live_poll(store, event, "open"), "so far"),
    "poll-revealed": (lambda store, event: _live_poll(store, event, "revealed"), "The answer:"),
    "wall": (
        lambda store, event: arrange_wall_notes(store, event) and store.set_live(event.id, "wall"),
        "The wall: add your note",
    ),
    "tables": (lambda store, event: store.set_live(event.id, "tables"), "Table discussions"),
    "evaluation": (lambda store, event: store.set_live(event.id, "evaluation"), "have answered"),
}


@pytest.mark.parametrize("screen", PROJECTOR_SCREENS)
def test_projector_screen_has_no_serious_axe_violation(screen, app_server, projector, axe_source):
    store, event = app_server.store, app_server.event
    _reset(store, event.id)
    arrange, marker = PROJECTOR_SCREENS[screen]
    arrange(store, event)
    page = projector(app_server.page_url("/projector", event=event.code))
    expect(page.get_by_text(marker, exact=False).first).to_be_visible(timeout=10_000)
    check_page(page, axe_source)


def _signed_in(page, path: str):
    """An organiser page, signed in with the organiser password."""
    box = page.get_by_label("Organiser password")
    box.wait_for()
    box.fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Organiser password")).to_have_count(0, timeout=20_000)
    return page


ORGANISER_PAGES = [
    "/organiser",
    "/organiser-editor",
    "/organiser-dashboard",
    "/organiser-coding",
    "/organiser-report",
    "/organiser-exports",
    "/organiser-seating",
    "/organiser-qr",
]


ANY_IMPACT = ("minor", "moderate", "serious", "critical")
# Each organiser page, and each further tab of it, as (path, tab or None).
ORGANISER_SCREENS = [(path, None) for path in ORGANISER_PAGES] + [
    ("/organiser-editor", tab) for tab in ("Polls", "Wall and evaluation", "Tables", "Event file")
]


@pytest.mark.parametrize("path, tab", ORGANISER_SCREENS)
def test_organiser_page_has_no_axe_violation_of_any_impact(path, tab, app_server, browser, axe_source):
    """Staff pages are held to every axe rule, minor and moderate ones too (issue 21)."""
    context = browser.new_context(viewport=STAFF)
    try:
        page = context.new_page()
        page.goto(app_server.page_url(path))
        wait_for_streamlit(page)
        close_page_not_found(page)
        _signed_in(page, path)
        expect(page.locator("h1").first).to_be_visible()
        if tab is not None:
            page.get_by_role("tab", name=tab).click()
            wait_for_streamlit(page)
        check_page(page, axe_source, ANY_IMPACT)
    finally:
        context.close()


def test_sign_out_page_has_no_axe_violation_of_any_impact(app_server, browser, axe_source):
    """The sign-out page is plain HTML served by a route (eventkit/web/staff_routes.py), not Streamlit."""
    context = browser.new_context(viewport=STAFF, bypass_csp=True)  # the page's policy would refuse axe
    try:
        page = context.new_page()
        page.goto(app_server.page_url("/staff/sign-out"))  # a form: opening it signs nobody out
        expect(page.get_by_role("heading", name="Not signed in")).to_be_visible(timeout=20_000)  # no pass here
        page.add_script_tag(content=axe_source)
        results = page.evaluate(RUN_AXE)
        assert len(results["passes"]) > 10, [p["id"] for p in results["passes"]]
        assert blocking_violations(results, ANY_IMPACT) == []
    finally:
        context.close()


FACILITATOR_PASSCODE = "fife-demo"  # the demo event's


def test_control_panel_sign_in_and_every_tab_have_no_serious_axe_violation(app_server, browser, axe_source):
    store, event = app_server.store, app_server.event
    _reset(store, event.id)
    _live_poll(store, event, "open")
    context = browser.new_context(viewport=STAFF)
    try:
        page = context.new_page()
        page.goto(app_server.page_url("/facilitator", event=event.code))
        passcode = page.get_by_label("Facilitator passcode")
        passcode.wait_for()
        check_page(page, axe_source)
        passcode.fill(FACILITATOR_PASSCODE)
        page.get_by_role("button", name="Open the control panel").click()
        expect(page.get_by_role("heading", name="Control panel")).to_be_visible(timeout=20_000)
        for tab in ("Run of show", "Poll", "Wall", "Tables", "Evaluation"):
            page.get_by_role("tab", name=tab).click()
            check_page(page, axe_source)
    finally:
        context.close()
