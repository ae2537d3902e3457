"""A whole facilitated day on the HTML phone pages, with an event built from scratch (issue 20).

The organiser builds the event in the editor (tests/browser/day_builder.py); the
facilitator runs the day from the control panel while the projector (1920×1080)
and three phones follow: two with JavaScript on (390×844; they follow the
facilitator by themselves, never reloaded by hand) and one with JavaScript off
(320×640; it follows through its `<noscript>` refresh). The printed links
`/?event=CODE[&table=N]` open the HTML pages. Steps, as the README runs the day:
the door closed (a latecomer turned away) and reopened; every poll opened in
order from Welcome with Next question, the reveal with "you were right", an
estimate out of range refused with what was typed kept, show of hands on a poll
other than the live one, the last Next question saying so; the wall with notes,
a +1 and a hide; the tables with consent and a scribe's note; the evaluation
opened, answered and closed; Welcome again. Each phone's follow time after each
step is measured and printed (run with -s). At the end the organiser's ZIP holds
exactly what the phones and the panel did.

Waits are for text on screen, never fixed sleeps. Screenshots of every phone at
every step go to $EVENTKIT_SCREENSHOTS (default /tmp/shots/whole-day), for looking at.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from eventkit.storage.participants import CLOSED_MESSAGE
from eventkit.web.now import REFRESH_SECONDS
from tests.browser.conftest import start_app_server, wait_for_streamlit
from tests.browser.day_builder import (
    CHOICE,
    CODE,
    ESTIMATE,
    EVALUATION,
    LAPTOP,
    PASSCODE,
    PROMPT,
    TABLE,
    build_event,
    check_event_as_built,
    click,
    csv_rows,
    next_question_caption,
    pick,
    screens,
    tab,
)

JS_ON = {"width": 390, "height": 844}
JS_OFF = {"width": 320, "height": 640}
PROJECTOR = {"width": 1920, "height": 1080}
FOLLOW_S = 10.0  # a JavaScript phone follows within a few seconds; generous for a busy box
FOLLOW_MS = 10_000  # the projector, likewise
NOSCRIPT_S = REFRESH_SECONDS + 6.0  # a phone without JavaScript reloads every REFRESH_SECONDS; margin for the box
NOTES = {"ann": "Shared referral forms save time", "bo": "One phone number for all partners", "cy": "Meet monthly"}
HIDDEN = "cy"  # the facilitator hides cy's note
SCRIBE_NOTE = "Call the GP first"
FEEDBACK = {"ann": ("4", "More time at the tables"), "bo": ("5", "Nothing"), "cy": ("3", "A longer lunch")}
CHOICES = {"ann": "Benefits advice", "bo": "Housing", "cy": "Benefits advice"}  # ann and cy are right
ESTIMATES = {"ann": 900, "bo": 1150, "cy": 1250}  # bo and cy are within 10% of 1,200
HANDS = 3  # show of hands for "Housing" on Q1


class Phone:
    """One attendee's phone: its own browser context (own cookie), JavaScript on or off."""

    def __init__(self, browser, name: str, javascript: bool, shots: Path):
        self.name, self.javascript, self.shots = name, javascript, shots
        self.context = browser.new_context(viewport=JS_ON if javascript else JS_OFF, java_script_enabled=javascript)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()

    @property
    def label(self) -> str:
        return f"{self.name} (JS {'on' if self.javascript else 'off'})"

    def shoot(self, step: str) -> None:
        mode = "js-on" if self.javascript else "js-off"
        self.page.screenshot(path=str(self.shots / f"{step}-{self.name}-{mode}.png"))

    def me(self, store, event_id: int):
        """The participant this phone's cookie stands for."""
        token = next(c["value"] for c in self.context.cookies() if c["name"] == "ek_device")
        return store.participant_by_token(event_id, token)

    def main(self):
        return self.page.locator("main")

    def follows(self, text: str, since: float) -> float:
        """Wait (without touching the page) until Now shows `text`; the seconds since the facilitator's click."""
        bound = FOLLOW_S if self.javascript else NOSCRIPT_S
        expect(self.main()).to_contain_text(text, timeout=int(bound * 1000) + 5_000)
        took = time.monotonic() - since
        assert took <= bound, f"{self.label} took {took:.1f} s to show {text!r} (bound {bound} s)"
        return took


@pytest.fixture(scope="module")
def day_server(tmp_path_factory):
    with start_app_server(tmp_path_factory.mktemp("whole_day")) as server:
        yield server


def step(panel, button: str, phones: list[Phone], text: str, times: dict, name: str) -> None:
    """The facilitator presses `button`; every phone must show `text` by itself; record how long each took."""
    since = time.monotonic()
    click(panel, button)
    for phone in phones:
        times.setdefault(name, {})[phone.label] = phone.follows(text, since)
        phone.shoot(name)


def test_a_whole_day_on_the_html_phones(day_server, browser, tmp_path):
    url, store = day_server.url, day_server.store
    shots = Path(os.environ.get("EVENTKIT_SCREENSHOTS", "/tmp/shots/whole-day"))
    shots.mkdir(parents=True, exist_ok=True)
    times: dict[str, dict[str, float]] = {}
    ann, bo, cy = phones = [
        Phone(browser, "ann", True, shots),
        Phone(browser, "bo", True, shots),
        Phone(browser, "cy", False, shots),
    ]
    try:
        with screens(browser, tmp_path) as open_page:
            organiser = build_event(open_page, url)
            event, choice, estimate, table = check_event_as_built(store)

            # Before people arrive: the projector shows the welcome; the panel opens with the passcode.
            projector = open_page(f"{url}/projector?event={CODE}", PROJECTOR)
            expect(projector.get_by_text(f"Event code  {CODE}")).to_be_visible()
            panel = open_page(f"{url}/facilitator?event={CODE}", LAPTOP)
            panel.get_by_label("Facilitator passcode").fill(PASSCODE)
            click(panel, "Open the control panel")
            expect(panel.get_by_role("heading", name="Control panel")).to_be_visible()

            # The printed links: ann scans the event QR; bo and cy the QR on table 1's card (its table page).
            ann.page.goto(f"{url}/?event={CODE}")
            expect(ann.page).to_have_url(f"{url}/e/{CODE}")
            for phone in (bo, cy):
                phone.page.goto(f"{url}/?event={CODE}&table=1")
                expect(phone.page).to_have_url(f"{url}/e/{CODE}/table")
                expect(phone.page.get_by_role("heading", level=1)).to_contain_text(TABLE["name"])
                phone.shoot("0-table-card")
                phone.page.get_by_role("link", name="Now", exact=True).click()
            for phone in phones:
                expect(phone.main()).to_contain_text("Welcome to the partnership day.")
                phone.shoot("1-welcome")
            assert store.count_participants(event.id) == 3
            assert [phone.me(store, event.id).table_no for phone in phones] == [None, 1, 1]

            # The door: Close joining once the room is in. The projector drops its QR code and says so; a new
            # phone is turned away with the reason; Reopen joining lets latecomers in again.
            panel.get_by_text("Joining: open").click()  # the door is folded under its state
            click(panel, "Close joining")
            expect(projector.get_by_text(re.compile("^Joining is closed"))).to_have_count(2, timeout=FOLLOW_MS)
            expect(projector.get_by_role("img")).to_have_count(0)
            latecomer = Phone(browser, "latecomer", True, shots)
            try:
                answer = latecomer.page.goto(f"{url}/?event={CODE}&table=1")
                assert answer is not None and answer.status == 403
                expect(latecomer.page.get_by_role("heading", level=1)).to_have_text("You cannot join just now")
                expect(latecomer.main()).to_contain_text(CLOSED_MESSAGE)
                latecomer.shoot("1-door-closed")
            finally:
                latecomer.context.close()
            click(panel, "Reopen joining")
            expect(projector.get_by_text(f"Event code  {CODE}")).to_be_visible(timeout=FOLLOW_MS)
            assert store.count_participants(event.id) == 3

            # Next question from Welcome opens the FIRST question (it used to skip to Q2); every phone shows it.
            assert next_question_caption(panel) == f"Next question opens Q1: {CHOICE['question']}"
            step(panel, "Next question", phones, CHOICE["question"], times, "2-open-voting")
            expect(projector.get_by_text(CHOICE["question"])).to_be_visible(timeout=FOLLOW_MS)
            expect(projector.get_by_text(re.compile(r"^0 votes so far"))).to_be_visible()
            for phone in phones:
                answer = CHOICES[phone.name]
                phone.page.get_by_role("button", name=answer, exact=True).click()
                expect(phone.page.get_by_role("status")).to_contain_text(f"Saved: your answer “{answer}”")
                phone.shoot("3-voted")
            expect(projector.get_by_text(re.compile(r"^3 votes so far"))).to_be_visible(timeout=FOLLOW_MS)
            assert store.get_poll(choice.id).state == "open" and store.vote_count(choice.id) == 3

            # Reveal: voting closes; the projector and each phone show the fact; each phone says whether it was right.
            step(panel, "Reveal answer", phones, CHOICE["fact"], times, "4-reveal-choice")
            expect(projector.get_by_text(CHOICE["fact"])).to_be_visible(timeout=FOLLOW_MS)
            expect(projector.get_by_text(re.compile(r"6[67]% of the room got it right"))).to_be_visible()
            expect(panel.get_by_role("button", name="Re-open voting (answer already shown)")).to_be_visible()
            for phone in phones:
                right = CHOICES[phone.name] == CHOICE["correct"]
                expect(phone.main()).to_contain_text(
                    f"You answered “{CHOICES[phone.name]}” — "
                    + ("you were right." if right else f"the answer is “{CHOICE['correct']}”.")
                )

            # Next question: the estimate. ann first types a number out of range: a clear error, what she typed
            # kept in the box, nothing saved. Then every phone sends its estimate.
            step(panel, "Next question", phones, ESTIMATE["question"], times, "5-next-question-estimate")
            expect(projector.get_by_text(ESTIMATE["question"])).to_be_visible(timeout=FOLLOW_MS)
            box = ann.page.get_by_label(ESTIMATE["question"])
            box.fill("6000")
            ann.page.get_by_role("button", name="Send my estimate").click()
            expect(ann.page.get_by_role("alert")).to_contain_text(
                f"Your estimate must be a number from {ESTIMATE['low']:,} to {ESTIMATE['high']:,} {ESTIMATE['unit']}"
            )
            expect(ann.page.get_by_label(ESTIMATE["question"])).to_have_value("6000")
            expect(ann.main()).to_contain_text("Not saved. You have no estimate recorded yet.")
            ann.shoot("6-estimate-out-of-range")
            assert store.my_vote(estimate.id, ann.me(store, event.id).id) is None
            for phone in phones:
                guess = ESTIMATES[phone.name]
                phone.page.get_by_label(ESTIMATE["question"]).fill(str(guess))
                phone.page.get_by_role("button", name="Send my estimate").click()
                expect(phone.page.get_by_role("status")).to_contain_text(f"Saved: your estimate {guess:,}")
                phone.shoot("7-estimated")
            expect(projector.get_by_text(re.compile(r"^3 votes so far"))).to_be_visible(timeout=FOLLOW_MS)
            assert store.vote_count(estimate.id) == 3
            assert store.get_poll(choice.id).state == "revealed"

            # Show of hands, on a poll other than the live one: the form follows the picked poll.
            tab(panel, "Poll")
            panel.get_by_text("Show of hands (if phones or Wi-Fi fail)").click()
            expect(panel.get_by_text("Show-of-hands counts are for multiple-choice polls.")).to_be_visible()
            pick(panel, "Poll", r"^Answer shown · Q1 · ")
            expect(panel.get_by_text(f"Counts for Q1: {CHOICE['question']}")).to_be_visible()
            panel.get_by_label("Housing").fill(str(HANDS))
            click(panel, "Save show-of-hands counts")
            assert store.poll_results(choice.id).manual_total == HANDS
            assert {c.label: c.manual for c in store.poll_results(choice.id).counts}["Housing"] == HANDS

            # Back on the live estimate: reveal. Every phone follows: once an estimate is sent, Now shows it as
            # text (the box only behind "Change my estimate"), so the phone without JavaScript reloads again.
            pick(panel, "Poll", r"^Voting open · Q2 · ")
            since = time.monotonic()
            click(panel, "Reveal answer")
            for phone in phones:
                times.setdefault("8-reveal-estimate", {})[phone.label] = phone.follows(ESTIMATE["fact"], since)
            expect(projector.get_by_text(ESTIMATE["fact"])).to_be_visible(timeout=FOLLOW_MS)
            expect(projector.get_by_text(re.compile(r"^The answer: 1200 people"))).to_be_visible()
            for phone in phones:
                guess = ESTIMATES[phone.name]
                right = abs(guess - ESTIMATE["true"]) <= ESTIMATE["true"] * 0.1
                expect(phone.main()).to_contain_text(f"You answered {guess:,} people — ")
                expect(phone.main()).to_contain_text("you were right") if right else expect(
                    phone.main()
                ).not_to_contain_text("you were right")
                phone.shoot("8-reveal-estimate")
            # Next question on the last poll says so and changes nothing.
            click(panel, "Next question")
            expect(panel.get_by_text("That was the last question: there is no next one.")).to_be_visible()
            assert store.get_live(event.id).poll_id == estimate.id

            # The wall goes live: every phone's Now invites to it; each posts a note; bo gives ann's note +1.
            tab(panel, "Run of show")
            step(panel, "The wall", phones, "The wall is open", times, "9-wall-live")
            expect(projector.get_by_text(PROMPT)).to_be_visible(timeout=FOLLOW_MS)
            for phone in phones:
                phone.page.get_by_role("link", name="Go to the wall").click()
                expect(phone.page.get_by_role("heading", level=2, name=PROMPT)).to_be_visible()
                phone.page.get_by_label("Your note (anonymous)").fill(NOTES[phone.name])
                phone.page.get_by_role("button", name="Post note").click()
                expect(phone.page.get_by_role("status")).to_contain_text("Thanks! Your note is on the wall.")
            bo.page.get_by_role("link", name="Show new notes").click()
            bo.page.locator("li", has_text=NOTES["ann"]).get_by_role("button", name=re.compile(r"^\+1")).click()
            expect(bo.page.get_by_role("status")).to_contain_text("Thanks: your +1 is counted.")
            expect(bo.page.locator("li", has_text=NOTES["ann"])).to_contain_text("+1 (1) · you agreed")
            for phone in phones:
                phone.shoot("10-wall-posted")
                phone.page.get_by_role("link", name="Now", exact=True).click()
                expect(phone.main()).to_contain_text("The wall is open")
            for text in NOTES.values():
                expect(projector.get_by_text(text)).to_be_visible(timeout=FOLLOW_MS)

            # Moderation: the Wall tab opens on the notes on the wall; Hide takes one off the projector.
            tab(panel, "Wall")
            expect(panel.get_by_role("radio", name=f"On the wall ({len(NOTES)})")).to_be_checked()
            hidden = next(n for n in store.list_notes(event.id) if n.text == NOTES[HIDDEN])
            panel.locator(f".st-key-hide-{hidden.id} button").click()
            wait_for_streamlit(panel)
            expect(projector.get_by_text(NOTES[HIDDEN])).to_have_count(0, timeout=FOLLOW_MS)
            assert {n.id: n.status for n in store.notes_for_moderation(event.id)}[hidden.id] == "hidden"

            # Tables go live. bo (JS on) and cy (JS off) sit at table 1: cy agrees, bo writes the scribe's note.
            tab(panel, "Run of show")
            step(panel, "Table discussions", phones, "Table discussions", times, "11-tables-live")
            expect(projector.get_by_text(TABLE["title"])).to_be_visible(timeout=FOLLOW_MS)
            expect(projector.get_by_text(f"1. {TABLE['prompts'][0]}")).to_be_visible()
            for phone in (bo, cy):
                phone.page.get_by_role("link", name="Open my table").click()
                expect(phone.page.get_by_role("heading", level=1)).to_contain_text(TABLE["name"])
                expect(phone.main()).to_contain_text(TABLE["story"])
            expect(cy.main()).to_contain_text("0 of 2 people at this table have agreed to recording.")
            cy.page.get_by_role("button", name="I agree to recording").click()
            expect(cy.page.get_by_role("status")).to_contain_text("you have agreed")
            expect(cy.main()).to_contain_text("1 of 2 people at this table has agreed to recording.")
            cy.shoot("12-consent")
            # bo's page still says nobody agreed (the table page does not follow); the note is saved all the same.
            bo.page.get_by_label("Note", exact=True).fill(SCRIBE_NOTE)
            bo.page.get_by_role("button", name="Add note").click()
            expect(bo.page.get_by_role("status")).to_contain_text("Note added to your table's notes.")
            expect(bo.main()).to_contain_text("1 of 2 people at this table has agreed to recording.")
            expect(bo.main()).to_contain_text("1 note from this table")
            bo.shoot("12-scribe-note")
            for phone in (bo, cy):
                phone.page.get_by_role("link", name="Now", exact=True).click()
                expect(phone.main()).to_contain_text("Table discussions")

            # The evaluation goes live; every phone sends its answers; the projector counts them; then closed.
            tab(panel, "Evaluation")
            step(panel, "Open it and make it live", phones, "Before you go: your feedback", times, "13-eval-live")
            expect(projector.get_by_text("0 of 3 (0%) have answered")).to_be_visible(timeout=FOLLOW_MS)
            for phone in phones:
                score, comment = FEEDBACK[phone.name]
                phone.page.get_by_role("link", name="Give feedback").click()
                phone.page.get_by_role("group", name=EVALUATION[0][1]).get_by_label(score, exact=True).check()
                phone.page.get_by_label(EVALUATION[1][1]).fill(comment)
                phone.page.get_by_role("button", name="Send my feedback").click()
                expect(phone.page.get_by_role("status")).to_contain_text("Thank you, your feedback is saved.")
                phone.shoot("14-feedback-sent")
                phone.page.get_by_role("link", name="Now", exact=True).click()
            expect(projector.get_by_text("3 of 3 (100%) have answered")).to_be_visible(timeout=FOLLOW_MS)
            click(panel, "Close the evaluation")
            assert not store.get_event(event.id).eval_open

            # Welcome again: the projector and every phone go back to it.
            tab(panel, "Run of show")
            step(panel, "Welcome and join QR", phones, "Welcome to the partnership day.", times, "15-welcome-again")
            expect(projector.get_by_text(f"Event code  {CODE}")).to_be_visible(timeout=FOLLOW_MS)

            # Afterwards: the organiser's ZIP holds exactly what the phones and the panel did.
            organiser.get_by_role("link", name="Exports").click()
            wait_for_streamlit(organiser)
            # A link to the route that checks the HttpOnly organiser cookie (page.request sends it).
            href = organiser.get_by_role("link", name="ZIP of everything").get_attribute("href")
            answer = organiser.request.get(urljoin(organiser.url, href))
            assert answer.ok, answer.status
            check_export(zipfile.ZipFile(io.BytesIO(answer.body())))
    finally:
        for phone in phones:
            phone.context.close()
        print_follow_times(times)


def print_follow_times(times: dict[str, dict[str, float]]) -> None:
    print("\nFollow times (s from the facilitator's click until the phone shows the step):")
    for name, by_phone in times.items():
        print(f"  {name:28} " + "  ".join(f"{label}: {took:4.1f}" for label, took in by_phone.items()))


def check_export(archive: zipfile.ZipFile) -> None:
    votes = [r for r in csv_rows(archive, "votes") if r["question"] == CHOICE["question"]]
    assert sorted((r["option_label"], r["source"], r["count"]) for r in votes) == sorted(
        [(answer, "phone", "1") for answer in CHOICES.values()] + [("Housing", "show_of_hands", str(HANDS))]
    )
    estimates = csv_rows(archive, "estimates")
    assert sorted(float(r["value"]) for r in estimates) == sorted(ESTIMATES.values())
    assert {(r["question"], r["unit"]) for r in estimates} == {(ESTIMATE["question"], ESTIMATE["unit"])}
    assert sorted((r["text"], r["status"], r["plus_ones"]) for r in csv_rows(archive, "wall_notes")) == sorted(
        (text, "hidden" if name == HIDDEN else "visible", "1" if name == "ann" else "0") for name, text in NOTES.items()
    )
    assert [(r["text"], r["table_name"], r["vignette_title"]) for r in csv_rows(archive, "table_notes")] == [
        (SCRIBE_NOTE, TABLE["name"], TABLE["title"])
    ]
    assert sorted((r["item"], r["value"]) for r in csv_rows(archive, "evaluation_scores")) == sorted(
        (EVALUATION[0][1], score) for score, _ in FEEDBACK.values()
    )
    assert sorted((r["item"], r["text"]) for r in csv_rows(archive, "evaluation_comments")) == sorted(
        (EVALUATION[1][1], comment) for _, comment in FEEDBACK.values()
    )
