"""The control panel's next action is in view without scrolling, at 1280×800 and on a 390×844 phone.

At each phase of the day (welcome, a poll open, revealed, the wall) the panel
is measured in Chromium: *Next question* and, while a poll is live, *Open voting*,
*Close voting* and *Reveal answer* end above the bottom of the viewport, with
the page scrolled to the top as it opens. Set EVENTKIT_SHOTS to a folder to keep a
screenshot of each phase (also at 1920×1080).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventkit.event.demo import DEMO_PASSCODE
from tests.browser.conftest import wait_for_streamlit
from tests.every import assert_every

SIZES = {"laptop": (1280, 800), "phone": (390, 844), "full-hd": (1920, 1080)}
PHASES = ["welcome", "poll open", "revealed", "estimate", "wall", "tables", "evaluation"]
POLL_BUTTONS = ["Close voting", "Reveal answer"]  # and Open voting, or Re-open voting once revealed


def arrange(server, phase: str) -> str:
    """Make `phase` live through the store; returns the start of the status line the panel then shows."""
    store, event = server.store, server.event
    first, second = store.list_polls(event.id)[:2]
    if phase in ("poll open", "revealed"):
        store.set_poll_state(first.id, "open" if phase == "poll open" else "revealed")
        store.set_live(event.id, "poll", first.id)
        return "Live: Q1 · " + ("voting open" if phase == "poll open" else "answer shown")
    if phase == "estimate":
        store.set_poll_state(second.id, "open")
        store.set_live(event.id, "poll", second.id)
        return "Live: Q2 · voting open"
    store.set_live(event.id, phase)
    return {"welcome": "Live: Welcome", "wall": "Live: The wall", "tables": "Live: Table discussions"}.get(
        phase, "Live: Evaluation"
    )


def signed_in_panel(browser, server, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(server.page_url("/facilitator", event="FIFE16"))
    wait_for_streamlit(page)
    page.get_by_label("Facilitator passcode").fill(DEMO_PASSCODE)
    page.get_by_role("button", name="Open the control panel").click()
    expect(page.get_by_role("heading", name="Control panel")).to_be_visible()
    return context, page


def bottoms(page, names: list[str]) -> dict[str, float]:
    """The bottom edge (px from the top of the viewport) of each button, scrolled to the top."""
    page.evaluate("window.scrollTo(0, 0); document.querySelector('[data-testid=stMain]')?.scrollTo(0, 0)")
    found = {}
    for name in names:
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None, name
        found[name] = box["y"] + box["height"]
    return found


@pytest.mark.parametrize("size", list(SIZES))
def test_next_question_and_the_poll_buttons_are_in_view_at_every_phase(app_server, browser, size):
    width, height = SIZES[size]
    context, page = signed_in_panel(browser, app_server, (width, height))
    shots = os.environ.get("EVENTKIT_SHOTS")
    measured: list[tuple[str, dict[str, float]]] = []
    try:
        for phase in PHASES:
            status = arrange(app_server, phase)
            expect(page.get_by_text(status).first).to_be_visible(timeout=15_000)
            wait_for_streamlit(page)
            opening = "Re-open voting (answer already shown)" if phase == "revealed" else "Open voting"
            live_poll = phase in ("poll open", "revealed", "estimate")
            names = [opening, *POLL_BUTTONS, "Next question"] if live_poll else ["Next question"]
            measured.append((f"{size} {phase}", bottoms(page, names)))
            if shots:
                page.screenshot(path=str(Path(shots) / f"panel-{width}x{height}-{phase.replace(' ', '-')}.png"))
    finally:
        context.close()

    def check(edges: dict[str, float]) -> None:
        late = {name: round(edge) for name, edge in edges.items() if not 0 < edge <= height}
        assert not late, f"below the {height} px viewport: {late}"

    assert_every(measured, check)
