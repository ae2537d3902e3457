"""AppTest of the staff screens a newcomer walks (issue 21): the editor's grid and its messages,
the create-event form, the coding page's themes and count, the dashboard's poll summary."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.event import editing
from eventkit.event.sample import populate_sample
from eventkit.event.spec import FieldError
from eventkit.storage import Store
from eventkit.ui.problems import plain_problem
from tests.app_pages import app_database, open_page
from tests.every import assert_every

PASSWORD = "test-organiser-pw-staff"


@pytest.fixture
def db(tmp_path, monkeypatch):
    with app_database(tmp_path / "staff.db", monkeypatch, admin_password=PASSWORD) as path:
        yield path


@pytest.fixture
def sample(db, demo_spec):
    store = Store(db)
    event_id = store.import_event(demo_spec)
    populate_sample(store, event_id, n=10, seed=4)
    return store, event_id


def _open(page: str) -> AppTest:
    return open_page(page, password=PASSWORD, timeout=90)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _grid_columns(at: AppTest) -> list[dict]:
    """The column settings of every data editor on the page."""
    grids = [e for e in at.dataframe if e.proto.editing_mode]
    return [json.loads(g.proto.columns) for g in grids]


def test_the_evaluation_kinds_are_explained_and_new_rows_start_blank_not_none(db):
    Store(db).import_event(editing.new_event_spec("NEW26", "A new event"))
    at = _open("pages/organiser_editor.py")
    assert any("likert: how much they agree" in c.value for c in at.caption)
    prompts, items = _grid_columns(at)
    assert "score: a rating from 1" in items["kind"]["help"]
    assert items["text"]["default"] == "" and prompts["prompt"]["default"] == ""


def test_saving_the_empty_grids_says_what_was_saved(db):
    Store(db).import_event(editing.new_event_spec("NEW26", "A new event"))
    at = _open("pages/organiser_editor.py")
    _button(at, "Save wall prompts and evaluation").click()
    at.run()
    assert [t.value for t in at.toast] == [
        "Saved: no wall prompts and no evaluation questions (attendees see no evaluation form)."
    ]


def test_an_editor_error_says_which_question_and_what_to_do(sample):
    at = _open("pages/organiser_editor.py")
    next(t for t in at.text_area if t.label == "Question").input("")
    _button(at, "Save poll").click()
    at.run()
    assert "Nothing was saved" in at.error[0].value
    assert "Poll 1: the question is empty — type the question. (polls[1].question)" in at.text[0].value


@pytest.mark.parametrize(
    "error, said",
    [
        (
            FieldError(("evaluation", 0, "text"), "is required"),
            'Evaluation question 1: the text is empty — type the question in the "Evaluation item" column, '
            "or delete the row. (evaluation[1].text)",
        ),
        (
            FieldError(("evaluation", 2, "kind"), "must be one of score, likert, text"),
            "Evaluation question 3: the kind must be score, likert or text. (evaluation[3].kind)",
        ),
        (FieldError(("title",), "is required"), "The title is empty — fill it in. (title)"),
        (
            FieldError(("tables", 0, "vignettes", 1, "title"), "is required"),
            "Table entry 1, vignette 2: the title is empty — fill it in. (tables[1].vignettes[2].title)",
        ),
    ],
)
def test_problems_are_said_in_words_with_the_field_path(error, said):
    assert plain_problem(error) == said


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_creating_an_event_empties_the_form_and_points_to_the_editor(db):
    at = _open("pages/organiser.py")
    inputs = {t.label: t for t in at.text_input}
    inputs["Code (3-12 letters or digits; attendees type it)"].input("new26")
    inputs["Title"].input("A new event")
    _button(at, "Create event").click()
    at.run()
    assert not at.exception and not at.error
    typed = {t.label: t.value for t in at.text_input if t.label in ("Title", "Date (YYYY-MM-DD)")}
    assert typed == {"Title": "", "Date (YYYY-MM-DD)": ""}
    assert at.text_input(key="new-code").value == ""
    links = [e.proto.label for e in at.get("page_link")]
    assert "Open the Event editor for NEW26" in links
    assert any("NEW26 is created" in s.value for s in at.success)


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_a_refused_create_keeps_what_was_typed(db):
    at = _open("pages/organiser.py")
    inputs = {t.label: t for t in at.text_input}
    inputs["Code (3-12 letters or digits; attendees type it)"].input("bad code!")
    inputs["Title"].input("Kept")
    _button(at, "Create event").click()
    at.run()
    assert at.text_input(key="new-title").value == "Kept"


def test_theme_boxes_and_buttons_are_named_for_their_theme(sample):
    store, event_id = sample
    at = _open("pages/organiser_coding.py")
    names = [t.name for t in store.list_themes(event_id)]
    labels = [t.label for t in at.text_input] + [b.label for b in at.button]
    wanted = [(f"{what}{name}", f"{what}{name}") for name in names for what in ("Name of theme ", "Rename ", "Delete ")]

    def labelled(label: str) -> None:
        assert label in labels, "no control is labelled so"

    assert_every(wanted, labelled)
    boxes = [m.label for m in at.multiselect]
    assert len(set(boxes)) == len(boxes) > 1


def test_deleting_a_theme_asks_first_and_says_so(sample):
    store, event_id = sample
    theme = store.list_themes(event_id)[0]
    at = _open("pages/organiser_coding.py")
    _button(at, f"Delete {theme.name}").click()
    at.run()
    assert theme.id in [t.id for t in store.list_themes(event_id)]
    assert any(f'Delete the theme "{theme.name}"?' in w.value for w in at.warning)
    _button(at, "Keep it").click()
    at.run()
    assert theme.id in [t.id for t in store.list_themes(event_id)] and not at.warning
    _button(at, f"Delete {theme.name}").click()
    at.run()
    _button(at, f"Delete {theme.name} for good").click()
    at.run()
    assert theme.id not in [t.id for t in store.list_themes(event_id)]
    assert [t.value for t in at.toast] == [f'Theme "{theme.name}" deleted, with its tags.']


def test_adding_a_theme_says_so(sample):
    at = _open("pages/organiser_coding.py")
    next(t for t in at.text_input if t.label == "New theme").input("Housing")
    _button(at, "Add theme").click()
    at.run()
    assert [t.value for t in at.toast] == ['Theme "Housing" added.']


def test_the_coded_count_follows_a_save(sample):
    store, event_id = sample
    at = _open("pages/organiser_coding.py")
    items = store.codable_items(event_id, "note")
    before = sum(1 for i in items if i.theme_ids)
    uncoded = next(i for i in items if not i.theme_ids)
    at.multiselect(key=f"c-note-{uncoded.item_key}").set_value([store.list_themes(event_id)[0].id])
    _button(at, "Save themes").click()
    at.run()
    assert f"{len(items)} items, {before + 1} coded." in [c.value for c in at.caption]
    assert [t.value for t in at.toast] == ["Saved. 1 item changed."]


def test_the_poll_summary_never_shows_none(sample):
    at = _open("pages/organiser_dashboard.py")
    table = at.dataframe[0].value
    cells = [
        (f"poll {row + 1}, {column}", value) for row, values in table.iterrows() for column, value in values.items()
    ]

    def shown(value: object) -> None:
        assert value is not None and str(value) not in ("None", "nan", "<NA>"), f"shows {value!r}"

    assert_every(cells, shown)
    estimates = table[table["kind"] == "estimate"]
    assert len(estimates) and set(estimates["share correct"]) == {"not scored"}
