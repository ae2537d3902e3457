"""The HTML attendee pages in Chromium with JavaScript off (issue 20): join from a printed link, vote, post,
read the table, consent, add the scribe's notes, send the evaluation.

With $EVENTKIT_SCREENSHOTS set to a folder, every page is also saved there at
390x844 and 320x640 (for looking at, not compared).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_app_server, until_shown

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"390x844": {"width": 390, "height": 844}, "320x640": {"width": 320, "height": 640}}


@pytest.fixture(scope="module")
def html_server(tmp_path_factory):
    with start_app_server(tmp_path_factory.mktemp("web_server")) as server:
        yield server


def _shoot(page, name: str) -> None:
    folder = os.environ.get("EVENTKIT_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{folder}/{name}-{size}.png", full_page=True)
    page.set_viewport_size(SIZES["390x844"])


def test_join_and_vote_without_javascript(html_server, browser):
    server, store, event = html_server, html_server.store, html_server.event
    context = browser.new_context(viewport=SIZES["390x844"], java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/join")
        _shoot(page, "join")
        page.get_by_label("Event code").fill("nothere")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("alert")).to_contain_text("There is no event with the code")
        _shoot(page, "join-error")

        first = page.goto(f"{server.url}/?event={event.code}&table=2")  # a printed table card
        assert page.url == f"{server.url}/e/{event.code}/table"  # the table's page, not Now
        weight = len(first.body())
        expect(page.get_by_role("heading", level=1)).to_have_text(store.table_by_number(event.id, 2).label)
        page.get_by_role("link", name="Now", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
        _shoot(page, "welcome")
        token = next(c["value"] for c in context.cookies() if c["name"] == "ek_device")
        me = store.participant_by_token(event.id, token)
        assert me.table_no == 2

        choice = next(p for p in store.list_polls(event.id) if p.kind == "choice" and p.correct_option)
        store.set_poll_state(choice.id, "open")
        store.set_live(event.id, "poll", choice.id)
        until_shown(page, f"{server.url}/e/{event.code}", choice.question)
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == choice.options[0].label
        page.get_by_role("button", name=choice.correct_option.label).click()
        expect(page.get_by_role("status")).to_contain_text(f"Saved: your answer “{choice.correct_option.label}”")
        _shoot(page, "choice-saved")
        assert store.my_vote(choice.id, me.id) == choice.correct_option.id

        estimate = next(p for p in store.list_polls(event.id) if p.kind == "estimate")
        store.set_poll_state(estimate.id, "open")
        store.set_live(event.id, "poll", estimate.id)
        until_shown(page, f"{server.url}/e/{event.code}", estimate.question)
        box = page.get_by_label(estimate.question)
        box.fill("120")
        page.get_by_role("button", name="Send my estimate").click()
        expect(page.get_by_role("status")).to_contain_text("Saved: your estimate 120")
        expect(box).to_have_count(0)  # saved: shown as text, so the page follows the room again
        page.get_by_role("link", name="Change my estimate").click()
        box.fill("5000")
        page.get_by_role("button", name="Send my estimate").click()
        expect(page.get_by_role("alert")).to_contain_text("Your estimate must be a number from 0 to 1,000")
        expect(box).to_have_value("5000")
        expect(page.locator("main")).to_contain_text(
            "Not saved. Your earlier estimate 120 thousand is still the one recorded."
        )
        _shoot(page, "estimate-error")
        assert store.my_vote(estimate.id, me.id) == 120
        # Without JavaScript, the page with the saved estimate reloads by itself and shows the reveal.
        page.goto(f"{server.url}/e/{event.code}")
        store.set_poll_state(estimate.id, "revealed")
        expect(page.locator("main")).to_contain_text("You answered 120", timeout=25_000)

        store.set_poll_state(choice.id, "revealed")
        store.set_results_visible(choice.id, True)
        store.set_live(event.id, "poll", choice.id)
        until_shown(page, f"{server.url}/e/{event.code}", "you were right")
        _shoot(page, "revealed")

        page.get_by_role("link", name="Wall").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Wall")
        page.get_by_label("Your note (anonymous)").fill("")
        page.get_by_role("button", name="Post note").click()
        expect(page.get_by_role("alert")).to_be_visible()
        page.get_by_label("Your note (anonymous)").fill("More time at the tables, please")
        page.get_by_role("button", name="Post note").click()
        expect(page.get_by_role("status")).to_contain_text("Your note is on the wall")
        page.get_by_role("button", name="+1").first.click()
        expect(page.get_by_role("status")).to_contain_text("your +1 is counted")
        expect(page.locator("main")).to_contain_text("+1 (1) · you agreed")
        _shoot(page, "wall")
        assert [n.plus_ones for n in store.list_notes(event.id)] == [1]

        page.get_by_role("link", name="Privacy notice").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
        _shoot(page, "privacy")
    finally:
        context.close()
    assert weight <= 30_000, f"first visit {weight} bytes"


def test_table_and_feedback_without_javascript(html_server, browser):
    server, store, event = html_server, html_server.store, html_server.event
    context = browser.new_context(viewport=SIZES["390x844"], java_script_enabled=False)
    page = context.new_page()
    base = f"{server.url}/e/{event.code}"
    try:
        page.goto(f"{base}/join")
        page.get_by_role("link", name="Table", exact=True).click()
        expect(page.get_by_role("group", name="Which table are you at?")).to_be_visible()
        _shoot(page, "table-picker")
        page.get_by_role("button", name="This is my table").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose your table.")
        _shoot(page, "table-picker-error")
        table = store.table_by_number(event.id, 3)
        page.get_by_label(table.label, exact=True).check()
        page.get_by_role("button", name="This is my table").click()
        expect(page.get_by_role("status")).to_contain_text(f"You are at {table.label}.")
        expect(page.locator("main")).to_contain_text("Nobody at this table has agreed to recording yet")
        _shoot(page, "table-no-consent")
        page.get_by_label("Note", exact=True).fill("Waiting lists are the first thing people ask about")
        page.get_by_role("button", name="Add note").click()
        expect(page.get_by_role("alert")).to_contain_text("so the note was not saved")
        expect(page.get_by_label("Note", exact=True)).to_have_value(
            "Waiting lists are the first thing people ask about"
        )
        _shoot(page, "table-note-refused")
        page.get_by_role("button", name="I agree to recording").click()
        expect(page.get_by_role("status")).to_contain_text("you have agreed")
        expect(page.locator("main")).to_contain_text("1 of 1 person at this table has agreed to recording.")
        expect(page.locator("main")).not_to_contain_text("Nobody at this table has agreed")
        page.get_by_label("Note", exact=True).fill("Waiting lists are the first thing people ask about")
        page.get_by_role("button", name="Add note").click()
        expect(page.get_by_role("status")).to_contain_text("Note added")
        expect(page.locator("main")).to_contain_text("1 note from this table")
        _shoot(page, "table-consented")
        assert [n.text for n in store.list_table_notes(table.id)] == [
            "Waiting lists are the first thing people ask about"
        ]

        page.get_by_role("link", name="Feedback", exact=True).click()
        expect(page.locator("main")).to_contain_text("The evaluation is not open yet.")
        _shoot(page, "feedback-not-open")
        store.set_eval_open(event.id, True)
        until_shown(page, f"{base}/feedback", "Send my feedback")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name").startswith("item-")  # the first answer: Tab stop 2
        _shoot(page, "feedback-form")
        page.get_by_role("button", name="Send my feedback").click()
        expect(page.get_by_role("alert")).to_contain_text("Please answer at least one question.")
        _shoot(page, "feedback-error")
        items = store.list_eval_items(event.id)
        first = page.get_by_role("group", name=items[0].text)
        first.get_by_label("4", exact=True).check()
        text = next(i for i in items if i.kind == "text")
        page.get_by_label(text.text).fill("More time at the tables")
        page.get_by_role("button", name="Send my feedback").click()
        expect(page.get_by_role("status")).to_contain_text("Thank you, your feedback is saved.")
        _shoot(page, "feedback-sent")
        me = store.participant_by_token(
            event.id, next(c["value"] for c in context.cookies() if c["name"] == "ek_device")
        )
        assert store.my_evaluation(event.id, me.id) == {items[0].id: 4, text.id: "More time at the tables"}
        store.set_eval_open(event.id, False)
        until_shown(page, f"{base}/feedback", "Thanks, your answers are in.")
        expect(page.locator("main")).not_to_contain_text("opens at the end of the day")
        _shoot(page, "feedback-closed-answered")
    finally:
        context.close()


def _axe(page) -> list[str]:
    """Every axe-core violation on the page, of any impact."""
    page.add_script_tag(content=AXE.read_text())
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['impact']} {v['id']}: {' '.join(map(str, n['target']))}" for v in results["violations"] for n in v["nodes"]
    ]


def test_axe_finds_nothing_on_any_html_page(html_server, browser):
    # JavaScript on for axe itself (and the page's policy bypassed to load it); the pages have no script.
    server, store, event = html_server, html_server.store, html_server.event
    context = browser.new_context(viewport=SIZES["390x844"], bypass_csp=True)
    page = context.new_page()
    found = {}
    try:
        page.goto(f"{server.url}/join")
        found["join"] = _axe(page)
        page.goto(f"{server.url}/join?event=nothere")
        found["join-error"] = _axe(page)
        page.goto(f"{server.url}/e/{event.code}/join")
        store.set_live(event.id, "welcome")
        until_shown(page, f"{server.url}/e/{event.code}", "Keep this page open")
        found["welcome"] = _axe(page)
        for poll in store.list_polls(event.id)[:2]:
            store.set_poll_state(poll.id, "open")
            store.set_results_visible(poll.id, True)
            store.set_live(event.id, "poll", poll.id)
            until_shown(page, f"{server.url}/e/{event.code}", poll.question)
            found[f"{poll.kind}-open"] = _axe(page)
            store.set_poll_state(poll.id, "revealed")
            until_shown(page, f"{server.url}/e/{event.code}", "How the room answered")
            found[f"{poll.kind}-revealed"] = _axe(page)
        page.goto(f"{server.url}/e/{event.code}/wall")
        page.get_by_label("Your note (anonymous)").fill("")
        page.get_by_role("button", name="Post note").click()
        found["wall-error"] = _axe(page)
        page.get_by_label("Your note (anonymous)").fill("A note for axe")
        page.get_by_role("button", name="Post note").click()
        found["wall"] = _axe(page)
        page.goto(f"{server.url}/e/{event.code}/privacy")
        found["privacy"] = _axe(page)
        page.goto(f"{server.url}/e/{event.code}/table?choose=1")
        found["table-picker"] = _axe(page)
        page.get_by_role("button", name="This is my table").click()
        found["table-picker-error"] = _axe(page)
        page.get_by_label(store.list_tables(event.id)[0].label, exact=True).check()
        page.get_by_role("button", name="This is my table").click()
        found["table"] = _axe(page)
        page.get_by_role("button", name="Add note").click()
        found["table-note-error"] = _axe(page)
        page.get_by_role("button", name="I agree to recording").click()
        page.get_by_label("Note", exact=True).fill("A note for axe")
        page.get_by_role("button", name="Add note").click()
        found["table-consented"] = _axe(page)
        store.set_eval_open(event.id, False)
        until_shown(page, f"{server.url}/e/{event.code}/feedback", "Your feedback")
        found["feedback-closed"] = _axe(page)
        store.set_eval_open(event.id, True)
        until_shown(page, f"{server.url}/e/{event.code}/feedback", "Send my feedback")
        found["feedback-form"] = _axe(page)
        page.get_by_role("button", name="Send my feedback").click()
        found["feedback-error"] = _axe(page)
        page.get_by_role("group", name=store.list_eval_items(event.id)[0].text).get_by_label("5", exact=True).check()
        page.get_by_role("button", name="Send my feedback").click()
        found["feedback-sent"] = _axe(page)
    finally:
        context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_keep_alive_replies_do_not_wait_for_a_delayed_ack(html_server):
    # Without TCP_NODELAY on the listening socket (the App's lifespan) each reply on a kept-alive
    # connection waited ~40 ms for the client's delayed ACK (measured: median 44 ms against 0.7 ms).
    import http.client
    import statistics
    from urllib.parse import urlsplit

    address = urlsplit(html_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    times = []
    for _ in range(15):
        started = time.perf_counter()
        connection.request("GET", "/join")
        connection.getresponse().read()
        times.append(time.perf_counter() - started)
    connection.close()
    assert statistics.median(times) < 0.02, f"median {statistics.median(times) * 1000:.1f} ms"


def test_with_javascript_now_follows_the_room_by_itself(html_server, browser):
    server, store, event = html_server, html_server.store, html_server.event
    context = browser.new_context(viewport=SIZES["390x844"])
    page = context.new_page()
    try:
        store.set_live(event.id, "welcome")
        page.goto(f"{server.url}/e/{event.code}/join")
        until_shown(page, f"{server.url}/e/{event.code}", "Keep this page open")
        poll = store.list_polls(event.id)[2]
        store.set_poll_state(poll.id, "open")
        store.set_live(event.id, "poll", poll.id)
        started = time.monotonic()
        expect(page.get_by_role("heading", level=1)).to_have_text(poll.question, timeout=15_000)
        followed = time.monotonic() - started
        _shoot(page, "followed-with-javascript")
    finally:
        context.close()
    assert followed < 10, f"followed after {followed:.1f} s"
