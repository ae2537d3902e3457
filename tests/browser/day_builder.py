"""The organiser's side of the whole-day browser test: build an event from scratch in the editor.

The organiser signs in (the password comes only from EVENTKIT_ADMIN_PASSWORD,
which conftest sets for the test server), creates an event and builds it in the
editor: a choice poll and an estimate poll, a wall prompt, evaluation items, a
table with a vignette, a facilitator passcode. Also the panel's small steps
(click, tab, pick) and reading the export's CSVs. Used by test_whole_day.py.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from contextlib import contextmanager

from playwright.sync_api import expect

from eventkit.storage import Store
from tests.browser.conftest import ADMIN_PASSWORD, is_streamlit, wait_for_streamlit

PASSWORD = ADMIN_PASSWORD  # the test server's organiser password, given to it only as EVENTKIT_ADMIN_PASSWORD
PASSCODE = "day-pass-26"
CODE = "DAY26"
LAPTOP = {"width": 1280, "height": 800}

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
        if is_streamlit(page):
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


def csv_rows(archive: zipfile.ZipFile, stem: str) -> list[dict]:
    name = next(n for n in archive.namelist() if n.endswith(f"{stem}.csv"))
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
