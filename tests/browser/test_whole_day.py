"""A whole facilitated day, following the README's steps literally, with an event built from scratch.

The organiser signs in (the password comes only from EVENTKIT_ADMIN_PASSWORD,
which conftest sets for the test server), creates an event and builds it in the editor: a choice
poll and an estimate poll, a wall prompt, evaluation items, a table with a
vignette, a facilitator passcode. The facilitator then runs the day from the
control panel while two phones (390×844) and the projector (1920×1080) follow:
every poll opens in order from Welcome, reveal, the last Next question says
so, show of hands lands on the poll shown, the wall with a hide, the tables
with consent and a scribe note, the evaluation opened and closed. Finally the
organiser downloads the ZIP export and its CSVs hold what was done.

Waits are for text on screen, never fixed sleeps.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from contextlib import contextmanager
from urllib.parse import urljoin

from playwright.sync_api import expect

from eventkit.storage import Store
from tests.browser.conftest import ADMIN_PASSWORD, wait_for_streamlit

PASSWORD = ADMIN_PASSWORD  # the test server's organiser password, given to it only as EVENTKIT_ADMIN_PASSWORD
PASSCODE = "day-pass-26"
CODE = "DAY26"
LAPTOP = {"width": 1280, "height": 800}
FOLLOW_MS = 10_000  # phones and projector follow the panel within a few seconds; slack for a busy box

CHOICE = {
    "question": "Which service gets the most referrals?",
    "options": ["Housing", "Health", "Benefits advice"],
    "correct": "Benefits advice",
    "fact": "Benefits advice had 41% of referrals last year.",
    "source": "Partnership referral log 2025",
}
ESTIMATE = {
    "question": "How many people were referred in 2025?",
    "true": 1200,
    "low": 0,
    "high": 5000,
    "unit": "people",
    "fact": "1,200 people were referred in 2025.",
}
PROMPT = "What works well between partners?"
EVALUATION = [("score", "How useful was the day?"), ("text", "What would you change?")]
TABLE = {
    "name": "Kirkcaldy",
    "title": "Ann's story",
    "story": "Ann missed an appointment and was sanctioned.",
    "prompts": ["Who could have helped Ann?"],
}
NOTE, SCRIBE_NOTE, FEEDBACK = "Shared referral forms save time", "Call the GP first", "More time at the tables"


@contextmanager
def screens(browser, shots):
    """Pages in their own browser contexts (own cookies, own identity), closed at the end."""
    contexts = []

    def open_page(url: str, viewport: dict, **kwargs):
        context = browser.new_context(viewport=viewport, **kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        wait_for_streamlit(page)
        return page

    try:
        yield open_page
    except BaseException:
        for i, context in enumerate(contexts):  # what each screen showed when the test failed
            for page in context.pages:
                page.screenshot(path=str(shots / f"failed-screen-{i}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()


# --- Small steps ---------------------------------------------------------------------------------


def click(page, name: str, **kwargs) -> None:
    page.get_by_role("button", name=name, **kwargs).click()
    wait_for_streamlit(page)


def saved(page, message: str) -> None:
    """The editor's toast after a save (a refusal would show 'Nothing was saved')."""
    expect(page.get_by_test_id("stToast").filter(has_text=message).first).to_be_visible()
    expect(page.get_by_text("Nothing was saved")).to_have_count(0)


def pick(page, label: str, option: str) -> None:
    """Choose an option of a select box (its list opened by a click, or by the keyboard if the click did not)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=re.compile(option))
    box.click()
    try:
        expect(wanted).to_be_visible(timeout=2_000)
    except AssertionError:
        box.press("ArrowDown")
    wanted.click()
    wait_for_streamlit(page)


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def add_grid_row(page, grid, rows_before: int, cells: list[tuple[int, str, str]]) -> None:
    """Add a row with the grid's Add row button, then fill cells: (x offset, 'text' or 'select', value)."""
    grid.scroll_into_view_if_needed()
    grid.hover()
    grid.get_by_role("button", name="Add row").dispatch_event("click")  # the toolbar sits over the grid's edge
    page.wait_for_function(
        "([el, n]) => el.getBoundingClientRect().height >= 35 * (n + 2)", arg=[grid.element_handle(), rows_before + 1]
    )  # header, rows, the blank add-row line
    for column, (x, kind, value) in enumerate(cells, start=1):
        cell = grid.locator(f"#glide-cell-{column}-{rows_before}")  # the grid's accessible copy of the cell
        for _ in range(4):
            if _fill_cell(page, grid, (x, 35 * (rows_before + 1) + 17), kind, value, cell):
                break
        expect(cell).to_have_text(value)


def _fill_cell(page, grid, at: tuple[int, int], kind: str, value: str, cell) -> bool:
    """One try at editing a cell of the canvas grid: click selects it, Enter opens its editor.

    A try can be lost while the grid redraws (the editor does not open, or the
    text is not committed); the caller tries again until the cell holds the value.
    """
    editor = page.locator("textarea.gdg-input")
    if editor.count():  # a previous try left an editor open: close it first
        page.keyboard.press("Escape")
        expect(editor).to_have_count(0)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + at[0], box["y"] + at[1])
    page.keyboard.press("Enter")
    try:
        if kind == "select":
            page.get_by_role("option", name=value, exact=True).click(timeout=2_000)
        else:
            expect(editor).to_be_visible(timeout=2_000)
            editor.fill(value)  # one input event with the whole text
            expect(editor).to_have_value(value)
            editor.press("Enter")
            expect(editor).to_have_count(0, timeout=2_000)
        expect(cell).to_have_text(value, timeout=2_000)
        return True
    except AssertionError:
        return False
    except Exception as err:
        if "Timeout" not in type(err).__name__:
            raise
        return False


def next_question_caption(panel) -> str:
    return panel.get_by_text(re.compile(r"^Next question opens")).inner_text()


# --- The organiser builds the event ------------------------------------------------------------------


def build_event(open_page, url: str):
    page = open_page(f"{url}/", LAPTOP)
    page.get_by_role("link", name="Organiser area").click()
    wait_for_streamlit(page)
    page.get_by_label("Organiser password").fill(PASSWORD)
    click(page, "Sign in")
    expect(page.get_by_role("heading", name="Organiser", exact=True)).to_be_visible()

    page.get_by_text("Create a new event").click()
    page.get_by_label("Code (3-12 letters or digits; attendees type it)").fill(CODE)
    page.get_by_label("Title", exact=True).fill("Partnership day")
    page.get_by_label("Date (YYYY-MM-DD)").fill("2026-05-18")
    click(page, "Create event")
    page.get_by_role("link", name=f"Open the Event editor for {CODE}").click()  # what the page offers next
    wait_for_streamlit(page)
    expect(page.get_by_role("combobox", name="Event")).to_have_value(re.compile(f"^{CODE} · Partnership day"))

    # Details: the welcome and a facilitator passcode.
    page.get_by_label("Welcome").fill("Welcome to the partnership day.")
    page.get_by_label("New facilitator passcode (leave blank to keep the current one)").fill(PASSCODE)
    click(page, "Save details")
    saved(page, "Saved.")

    # Polls: a choice poll ("Save and add another"), then an estimate; the picker stays on what was saved.
    tab(page, "Polls")
    page.get_by_label("Question").fill(CHOICE["question"])
    page.get_by_label("Options (one per line)").fill("\n".join(CHOICE["options"]))
    page.get_by_label("Correct option (exactly as above; blank for an opinion poll)").fill(CHOICE["correct"])
    page.get_by_label("Fact shown at the reveal").fill(CHOICE["fact"])
    page.get_by_label("Source").fill(CHOICE["source"])
    click(page, "Save and add another")
    saved(page, "Poll saved.")
    expect(page.get_by_role("combobox", name="Poll", exact=True)).to_have_value("+ New poll")
    page.get_by_role("radio", name="estimate", exact=True).click()
    wait_for_streamlit(page)
    page.get_by_label("Question").fill(ESTIMATE["question"])
    page.get_by_label("True value").fill(str(ESTIMATE["true"]))
    page.get_by_label("Lowest answer allowed").fill(str(ESTIMATE["low"]))
    page.get_by_label("Highest answer allowed").fill(str(ESTIMATE["high"]))
    page.get_by_label("Unit (e.g. %, thousand)").fill(ESTIMATE["unit"])
    page.get_by_label("Fact shown at the reveal").fill(ESTIMATE["fact"])
    click(page, "Save poll")
    saved(page, "Poll saved.")
    expect(page.get_by_role("combobox", name="Poll", exact=True)).to_have_value(f"2. {ESTIMATE['question']}")

    # Wall and evaluation: rows added to a new event's (empty) grids.
    tab(page, "Wall and evaluation")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)
    prompts, items = page.get_by_test_id("stDataFrame").all()
    add_grid_row(page, prompts, 0, [(60, "text", PROMPT)])
    for row, (kind, text) in enumerate(EVALUATION):
        add_grid_row(page, items, row, [(60, "select", kind), (220, "text", text)])
    click(page, "Save wall prompts and evaluation")
    saved(page, f"Saved: 1 wall prompt and {len(EVALUATION)} evaluation questions.")  # says what it saved

    # Tables: table 1 with a vignette and its discussion prompt.
    tab(page, "Tables")
    page.get_by_label("Table name").fill(TABLE["name"])
    page.get_by_label("Title", exact=True).last.fill(TABLE["title"])
    page.get_by_label("Story").fill(TABLE["story"])
    page.get_by_label("Discussion prompts (one per line)").fill("\n".join(TABLE["prompts"]))
    click(page, "Save table")
    saved(page, "Table 1 saved.")
    return page


def check_event_as_built(store: Store):
    event = store.event_by_code(CODE)
    choice, estimate = store.list_polls(event.id)
    assert (choice.question, [o.label for o in choice.options], choice.correct_option.label) == (
        CHOICE["question"],
        CHOICE["options"],
        CHOICE["correct"],
    )
    assert (estimate.kind, estimate.true_value, estimate.min_value, estimate.max_value, estimate.unit) == (
        "estimate",
        ESTIMATE["true"],
        ESTIMATE["low"],
        ESTIMATE["high"],
        ESTIMATE["unit"],
    )
    assert [p.text for p in store.list_prompts(event.id)] == [PROMPT]
    assert [(i.kind, i.text) for i in store.list_eval_items(event.id)] == EVALUATION
    [table] = store.list_tables(event.id)
    assert (table.name, [v.title for v in table.vignettes]) == (TABLE["name"], [TABLE["title"]])
    return event, choice, estimate, table


# --- The day ---------------------------------------------------------------------------------


def test_a_whole_day_as_the_readme_says(app_server, browser, tmp_path):
    url, store = app_server.url, app_server.store
    with screens(browser, tmp_path) as open_page:
        organiser = build_event(open_page, url)
        event, choice, estimate, table = check_event_as_built(store)

        # Before people arrive (steps 1-3): the projector shows the welcome; the panel opens with the passcode.
        projector = open_page(f"{url}/projector?event={CODE}", {"width": 1920, "height": 1080})
        expect(projector.get_by_text(f"Event code  {CODE}")).to_be_visible()
        panel = open_page(f"{url}/facilitator?event={CODE}", LAPTOP)
        panel.get_by_label("Facilitator passcode").fill(PASSCODE)
        click(panel, "Open the control panel")
        expect(panel.get_by_role("heading", name="Control panel")).to_be_visible()
        phones = [open_page(f"{url}/?event={CODE}&table=1", {"width": 390, "height": 844}) for _ in range(2)]
        for phone in phones:
            expect(phone.get_by_text("Welcome to the partnership day.")).to_be_visible()

        # Step 3, the door: Close joining once the room is in. The projector drops its QR code and
        # says so; a new phone is turned away; Reopen joining lets latecomers in again.
        panel.get_by_text("Joining: open").click()  # the door is folded under its state, below the run of the day
        click(panel, "Close joining")
        expect(projector.get_by_text(re.compile("^Joining is closed"))).to_have_count(2, timeout=FOLLOW_MS)
        expect(projector.get_by_role("img")).to_have_count(0)
        latecomer = open_page(f"{url}/?event={CODE}&table=1", {"width": 390, "height": 844})
        expect(latecomer.get_by_text(re.compile("Joining is closed"))).to_be_visible()
        latecomer.close()
        click(panel, "Reopen joining")
        expect(projector.get_by_text(f"Event code  {CODE}")).to_be_visible(timeout=FOLLOW_MS)
        assert store.count_participants(event.id) == 2

        # Step 4: from Welcome, Next question opens the FIRST question (it used to skip to Q2). It is at
        # the top of the panel, with what is live and the live poll's buttons, without opening a tab.
        assert next_question_caption(panel) == f"Next question opens Q1: {CHOICE['question']}"
        click(panel, "Next question")
        expect(projector.get_by_text(CHOICE["question"])).to_be_visible(timeout=FOLLOW_MS)
        expect(projector.get_by_text(re.compile(r"^0 votes so far"))).to_be_visible()
        for phone, answer in zip(phones, ("Benefits advice", "Housing"), strict=True):
            phone.get_by_role("button", name=answer, exact=True).click(timeout=FOLLOW_MS)
            expect(phone.get_by_text(f"Your answer “{answer}” is recorded")).to_be_visible()
        expect(projector.get_by_text(re.compile(r"^2 votes so far"))).to_be_visible(timeout=FOLLOW_MS)
        assert store.get_poll(choice.id).state == "open" and store.vote_count(choice.id) == 2

        # Step 5: reveal. Voting closes, the projector and phones show the answer and the fact.
        click(panel, "Reveal answer")
        expect(projector.get_by_text(CHOICE["fact"])).to_be_visible(timeout=FOLLOW_MS)
        expect(projector.get_by_text(re.compile(r"50% of the room got it right"))).to_be_visible()
        for phone in phones:
            expect(phone.get_by_text(CHOICE["fact"])).to_be_visible(timeout=FOLLOW_MS)
        expect(panel.get_by_role("button", name="Re-open voting (answer already shown)")).to_be_visible()

        # Step 6: Next question opens Q2, the estimate.
        click(panel, "Next question")
        expect(projector.get_by_text(ESTIMATE["question"])).to_be_visible(timeout=FOLLOW_MS)
        allowed = f"a number from {ESTIMATE['low']:,g} to {ESTIMATE['high']:,g} {ESTIMATE['unit']}"
        for phone, guess in zip(phones, (900, 1500), strict=True):
            phone.get_by_label(f"Your estimate: {allowed}").fill(str(guess))  # the box says the range
            click(phone, "Send my estimate")
            expect(phone.get_by_text(f"Your estimate {guess:,} people is recorded")).to_be_visible()
        expect(projector.get_by_text(re.compile(r"^2 votes so far"))).to_be_visible(timeout=FOLLOW_MS)
        assert store.get_poll(choice.id).state == "revealed"

        # Step 7 (show of hands), on a poll other than the live one: the form follows the picked poll.
        tab(panel, "Poll")
        panel.get_by_text("Show of hands (if phones or Wi-Fi fail)").click()
        expect(panel.get_by_text("Show-of-hands counts are for multiple-choice polls.")).to_be_visible()
        pick(panel, "Poll", r"^Answer shown · Q1 · ")
        expect(panel.get_by_text(f"Counts for Q1: {CHOICE['question']}")).to_be_visible()
        panel.get_by_label("Housing").fill("3")
        click(panel, "Save show-of-hands counts")
        assert store.poll_results(choice.id).manual_total == 3
        assert {c.label: c.manual for c in store.poll_results(choice.id).counts}["Housing"] == 3

        # Back on the live estimate: reveal, then Next question on the last poll says so and changes nothing.
        pick(panel, "Poll", r"^Voting open · Q2 · ")
        click(panel, "Reveal answer")
        expect(projector.get_by_text(ESTIMATE["fact"])).to_be_visible(timeout=FOLLOW_MS)
        expect(projector.get_by_text(re.compile(r"^The answer: 1200 people"))).to_be_visible()
        for phone, guess in zip(phones, (900, 1500), strict=True):
            expect(phone.get_by_text(ESTIMATE["fact"])).to_be_visible(timeout=FOLLOW_MS)
            # Each phone says whether it was right (within 10% counts as right).
            expect(phone.get_by_text(f"You answered {guess:,} people — the answer is 1,200 people.")).to_be_visible()
        click(panel, "Next question")
        expect(panel.get_by_text("That was the last question: there is no next one.")).to_be_visible()
        assert store.get_live(event.id).poll_id == estimate.id

        # Steps 10-11: the wall. A phone posts; the moderation tab opens on the notes on the wall; Hide.
        tab(panel, "Run of show")
        click(panel, "The wall")
        expect(projector.get_by_text(PROMPT)).to_be_visible(timeout=FOLLOW_MS)
        writer = phones[0]
        writer.get_by_role("link", name="Go to the wall").click(timeout=FOLLOW_MS)
        wait_for_streamlit(writer)
        writer.get_by_label("Your note (anonymous)").fill(NOTE)
        click(writer, "Post note")
        expect(writer.get_by_text("Thanks! Your note is on the wall.")).to_be_visible()
        expect(projector.get_by_text(NOTE)).to_be_visible(timeout=FOLLOW_MS)
        tab(panel, "Wall")
        expect(panel.get_by_role("radio", name="On the wall (1)")).to_be_checked()
        note_id = store.list_notes(event.id)[0].id
        panel.locator(f".st-key-hide-{note_id} button").click()
        wait_for_streamlit(panel)
        expect(projector.get_by_text(NOTE)).to_have_count(0, timeout=FOLLOW_MS)
        assert store.notes_for_moderation(event.id)[0].status == "hidden"

        # Step 12: tables. The scribe's form says nobody consented yet; after consent the note is saved.
        tab(panel, "Run of show")
        click(panel, "Table discussions")
        expect(projector.get_by_text(TABLE["title"])).to_be_visible(timeout=FOLLOW_MS)
        expect(projector.get_by_text(f"1. {TABLE['prompts'][0]}")).to_be_visible()
        scribe = phones[1]
        scribe.get_by_role("link", name="Open my table").click(timeout=FOLLOW_MS)
        wait_for_streamlit(scribe)
        expect(scribe.get_by_role("heading", name=TABLE["name"])).to_be_visible()
        scribe.get_by_text("Scribe: add the table's notes").click()
        expect(scribe.get_by_text("0 of 2 people at this table have agreed to recording.")).to_be_visible()
        scribe.get_by_text("I agree to our table's discussion being recorded").click()
        wait_for_streamlit(scribe)
        expect(scribe.get_by_text("1 of 2 people at this table has agreed to recording.")).to_be_visible()
        scribe.get_by_label("Note", exact=True).fill(SCRIBE_NOTE)
        click(scribe, "Add note")
        expect(scribe.get_by_text("Note added.")).to_be_visible()

        # Steps 13-14: the evaluation, opened and made live; a phone answers; closed; Welcome again.
        tab(panel, "Evaluation")
        click(panel, "Open it and make it live")
        expect(projector.get_by_text("0 of 2 (0%) have answered")).to_be_visible(timeout=FOLLOW_MS)
        answering = phones[0]  # still on the wall page: Feedback is one tap away in the links
        answering.get_by_role("link", name="Feedback", exact=True).click()
        wait_for_streamlit(answering)
        # By the start of each question: accessible names currently keep the label's Markdown escapes ("day\\?").
        answering.get_by_role("radiogroup", name=re.compile("^How useful was the day")).get_by_text(
            "4", exact=True
        ).click()
        answering.get_by_label(re.compile("^What would you change")).fill(FEEDBACK)
        click(answering, "Send my feedback")
        expect(answering.get_by_text("Thank you, your feedback is saved.")).to_be_visible()
        expect(projector.get_by_text("1 of 2 (50%) have answered")).to_be_visible(timeout=FOLLOW_MS)
        click(panel, "Close the evaluation")
        assert not store.get_event(event.id).eval_open
        tab(panel, "Run of show")
        click(panel, "Welcome and join QR")
        expect(projector.get_by_text(f"Event code  {CODE}")).to_be_visible(timeout=FOLLOW_MS)
        phones[1].get_by_role("link", name="Now", exact=True).click()  # back from the table page
        expect(phones[1].get_by_text("Welcome to the partnership day.")).to_be_visible(timeout=FOLLOW_MS)

        # Afterwards: the organiser downloads the ZIP; its CSVs hold the votes, notes and answers.
        organiser.get_by_role("link", name="Exports").click()
        wait_for_streamlit(organiser)
        # A link to the route that checks the HttpOnly organiser cookie (page.request sends it).
        href = organiser.get_by_role("link", name="ZIP of everything").get_attribute("href")
        answer = organiser.request.get(urljoin(organiser.url, href))
        assert answer.ok, answer.status
        check_export(zipfile.ZipFile(io.BytesIO(answer.body())))


def _rows(archive: zipfile.ZipFile, stem: str) -> list[dict]:
    name = next(n for n in archive.namelist() if n.endswith(f"{stem}.csv"))
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def check_export(archive: zipfile.ZipFile) -> None:
    votes = [r for r in _rows(archive, "votes") if r["question"] == CHOICE["question"]]
    assert sorted((r["option_label"], r["source"], r["count"]) for r in votes) == [
        ("Benefits advice", "phone", "1"),
        ("Housing", "phone", "1"),
        ("Housing", "show_of_hands", "3"),
    ]
    estimates = _rows(archive, "estimates")
    assert sorted(float(r["value"]) for r in estimates) == [900, 1500]
    assert {(r["question"], r["unit"]) for r in estimates} == {(ESTIMATE["question"], ESTIMATE["unit"])}
    assert [(r["text"], r["status"]) for r in _rows(archive, "wall_notes")] == [(NOTE, "hidden")]
    assert [(r["text"], r["table_name"], r["vignette_title"]) for r in _rows(archive, "table_notes")] == [
        (SCRIBE_NOTE, TABLE["name"], TABLE["title"])
    ]
    assert [(r["item"], r["value"]) for r in _rows(archive, "evaluation_scores")] == [(EVALUATION[0][1], "4")]
    assert [(r["item"], r["text"]) for r in _rows(archive, "evaluation_comments")] == [(EVALUATION[1][1], FEEDBACK)]
