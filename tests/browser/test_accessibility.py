"""axe-core on every attendee screen at phone size: no serious or critical violation.

axe-core comes from the npm registry, pinned in tests/browser/package.json
(`npm ci --prefix tests/browser`), and is injected into the live page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import missing, wait_for_streamlit
from eventkit import security

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN_AXE = "async () => await axe.run(document)"
STYLESHEET_LOADED = "() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('Attendee screens'))"

# (rule id, substring of the node's CSS target) that come from Streamlit's own
# markup and cannot be changed by the app. Empty: every violation found so far
# was fixed in eventkit/static/attendee.css or the pages.
STREAMLIT_OWN: set[tuple[str, str]] = set()


def _poll(store, event_id: int, kind: str):
    return next(p for p in store.list_polls(event_id) if p.kind == kind)


def _reset(store, event_id: int) -> None:
    for poll in store.list_polls(event_id):
        store.set_poll_state(poll.id, "draft")
    store.set_live(event_id, "welcome")
    store.set_eval_open(event_id, False)
    store.set_joining_open(event_id, True)


def arrange_choice_poll(store, event):
    poll = _poll(store, event.id, "choice")
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    return "/", poll.options[0].label


def arrange_estimate_poll(store, event):
    poll = _poll(store, event.id, "estimate")
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    return "/", "Send my estimate"


def arrange_wall_notes(store, event):
    author = store.join(event.id, security.new_token())
    prompt = store.list_prompts(event.id)[0]
    store.add_note(prompt.id, author.id, "More shared data on referrals, please.")
    store.add_note(prompt.id, author.id, "<b>x</b> [a](javascript:alert(1)) # H")
    return "/wall", "More shared data on referrals, please."


def arrange_closed_door(store, event):
    store.set_joining_open(event.id, False)  # a new phone (no link yet) at a closed door
    return "/", "Joining is closed"


def arrange_feedback_open(store, event):
    store.set_eval_open(event.id, True)
    return "/feedback", "Send my feedback"


SCREENS = {
    "join": lambda store, event: ("/", "Join an event"),
    "now-welcome": lambda store, event: ("/", "Keep this page open"),
    "now-choice-poll": arrange_choice_poll,
    "now-estimate-poll": arrange_estimate_poll,
    "wall-with-notes": arrange_wall_notes,
    "table": lambda store, event: ("/table", "Table 2"),
    "feedback-open": arrange_feedback_open,
    "privacy": lambda store, event: ("/privacy", "What we never store."),
    "closed-door": arrange_closed_door,
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        missing(f"{AXE} missing: run `npm ci --prefix tests/browser`")
    return AXE.read_text()


def blocking_violations(results: dict) -> list[str]:
    """One line per serious/critical violation node not known to be Streamlit's own."""
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if any(rule == violation["id"] and part in target for rule, part in STREAMLIT_OWN):
                continue
            lines.append(f"{violation['impact']} {violation['id']}: {target}\n    {node['failureSummary']}")
    return lines


@pytest.mark.parametrize("screen", SCREENS)
def test_attendee_screen_has_no_serious_axe_violation(screen, app_server, phone, axe_source):
    store, event = app_server.store, app_server.event
    _reset(store, event.id)
    path, marker = SCREENS[screen](store, event)
    query = {} if screen == "join" else {"event": event.code, "table": 2}
    page = phone(app_server.page_url(path, **query))
    expect(page.get_by_text(marker, exact=False).first).to_be_visible()
    wait_for_streamlit(page)
    page.wait_for_function(STYLESHEET_LOADED)
    page.evaluate("document.fonts.ready")
    page.add_script_tag(content=axe_source)
    results = page.evaluate(RUN_AXE)
    if blocking_violations(results):
        # Once seen under load: a caption checked mid-rerun (the attendee pages poll
        # every 3 s). A real violation persists, so look again once the app is idle.
        page.wait_for_timeout(1_000)
        wait_for_streamlit(page)
        results = page.evaluate(RUN_AXE)
    # A check that ran on nothing proves nothing: axe must have looked at the page.
    assert len(results["passes"]) > 15, [p["id"] for p in results["passes"]]
    assert blocking_violations(results) == []
