"""AppTest: an organiser builds a whole event from nothing in the editor (issue 13).

Details with a passcode, a choice poll and an estimate poll, wall prompts and
evaluation items in the grids (which must have columns and an Add row on a new
event), a table with a vignette; then the event is what was typed.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.access.console import Console
from eventkit.storage import Store
from tests.app_pages import app_database, open_page

# Pages run as the server runs them: through app.py's router (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("through_the_router")

PASSWORD = "test-organiser-pw-scratch"
EDITOR = "pages/organiser_editor.py"


@pytest.fixture
def db(tmp_path, monkeypatch):
    with app_database(tmp_path / "scratch.db", monkeypatch, admin_password=PASSWORD) as path:
        yield Store(path)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _field(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error] + [t.value for t in at.text]
    return at


def _signed_in_on_a_new_event(store: Store) -> AppTest:
    at = open_page("pages/organiser.py", password=PASSWORD, timeout=90)
    inputs = {t.label: t for t in at.text_input}
    inputs["Code (3-12 letters or digits; attendees type it)"].input("DAY26")
    inputs["Title"].input("Partnership day")
    inputs["Date (YYYY-MM-DD)"].input("2026-05-18")
    _button(at, "Create event").click().run()
    assert store.event_by_code("DAY26") is not None
    return _ok(at.switch_page(EDITOR).run())


def test_a_new_events_grids_have_columns_and_add_rows(db):
    at = _signed_in_on_a_new_event(db)
    prompts, items = at.data_editor
    assert list(prompts.value.columns) == ["prompt"] and prompts.value.empty
    assert list(items.value.columns) == ["kind", "text"] and items.value.empty
    assert prompts.editing_mode == items.editing_mode == "dynamic"  # the grid offers Add row


def test_an_event_built_from_scratch_in_the_editor(db):
    store = db
    at = _signed_in_on_a_new_event(store)

    # Details: welcome and a facilitator passcode.
    _field(at.text_area, "Welcome").input("Welcome to the partnership day.")
    _field(at.text_input, "New facilitator passcode (leave blank to keep the current one)").input("day-pass-26")
    _button(at, "Save details").click().run()
    _ok(at)

    # Polls: a choice poll, "Save and add another", then an estimate; the picker stays on what was saved.
    assert at.selectbox(key="editor-poll").value == 0  # "+ New poll" on an empty event
    _field(at.text_area, "Question").input("Which service gets most referrals?")
    _field(at.text_area, "Options (one per line)").input("Housing\nHealth\nBenefits advice")
    _field(at.text_input, "Correct option (exactly as above; blank for an opinion poll)").input("Benefits advice")
    _field(at.text_area, "Fact shown at the reveal").input("Benefits advice had 41% of referrals.")
    _button(at, "Save and add another").click().run()
    _ok(at)
    assert at.selectbox(key="editor-poll").value == 1  # on "+ New poll" again
    at.segmented_control(key="kind-1").set_value("estimate").run()
    _field(at.text_area, "Question").input("How many people were referred in 2025?")
    _field(at.number_input, "True value").set_value(1200)
    _field(at.number_input, "Lowest answer allowed").set_value(0)
    _field(at.number_input, "Highest answer allowed").set_value(5000)
    _field(at.text_input, "Unit (e.g. %, thousand)").input("people")
    _button(at, "Save poll").click().run()
    _ok(at)
    assert [t.value for t in at.toast] == ["Poll saved."]  # said in the run after the save's rerun
    assert at.selectbox(key="editor-poll").value == 1  # still on the poll just saved, not poll 1
    assert _field(at.text_area, "Question").value == "How many people were referred in 2025?"
    _field(at.text_area, "Fact shown at the reveal").input("1,200 people were referred.")
    _button(at, "Save poll").click().run()
    _ok(at)
    assert at.selectbox(key="editor-poll").value == 1

    # Wall prompts and evaluation items: rows added to the (empty) grids.
    at.session_state["prompts"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"prompt": "What works well?"}, {"prompt": "What gets in the way?"}],
    }
    at.session_state["evaluation"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [
            {"kind": "score", "text": "How useful was the day?"},
            {"kind": "text", "text": "What would you change?"},
        ],
    }
    _button(at, "Save wall prompts and evaluation").click().run()
    _ok(at)

    # A table with a vignette.
    _field(at.text_input, "Table name").input("Kirkcaldy")
    at.text_input(key="vt-1-0").input("Ann's story")
    at.text_area(key="vs-1-0").input("Ann was sanctioned after a missed appointment.")
    at.text_area(key="vp-1-0").input("Who could have helped?\nWhat data was shared?")
    _button(at, "Save table").click().run()
    _ok(at)

    event = store.event_by_code("DAY26")
    choice, estimate = store.list_polls(event.id)
    assert (choice.kind, choice.correct_option.label, [o.label for o in choice.options]) == (
        "choice",
        "Benefits advice",
        ["Housing", "Health", "Benefits advice"],
    )
    assert (
        estimate.kind,
        estimate.true_value,
        estimate.min_value,
        estimate.max_value,
        estimate.unit,
        estimate.fact,
    ) == ("estimate", 1200, 0, 5000, "people", "1,200 people were referred.")
    assert [p.text for p in store.list_prompts(event.id)] == ["What works well?", "What gets in the way?"]
    assert [(i.kind, i.text) for i in store.list_eval_items(event.id)] == [
        ("score", "How useful was the day?"),
        ("text", "What would you change?"),
    ]
    [table] = store.list_tables(event.id)
    assert (table.number, table.name, table.vignettes[0].title, table.vignettes[0].prompts) == (
        1,
        "Kirkcaldy",
        "Ann's story",
        ("Who could have helped?", "What data was shared?"),
    )
    assert store.get_event(event.id).welcome == "Welcome to the partnership day."
    Console.unlock(store, event.id, "day-pass-26")  # the facilitator can sign in


def test_grid_rows_with_empty_cells_become_blanks_not_nan():
    import pandas as pd

    from eventkit.event import editing as edit
    from eventkit.event.spec import EvaluationItemSpec, EventSpec

    spec = EventSpec(code="DAY26", title="Day")
    prompts = pd.concat(
        [edit.prompt_frame(spec), pd.DataFrame({"prompt": ["  Kept  ", None, pd.NA]})], ignore_index=True
    )
    items = pd.DataFrame(
        {"kind": ["score", None, float("nan"), "text"], "text": ["Useful?", "Typed, no kind", None, pd.NA]}
    )
    out = edit.with_wall_and_evaluation(spec, prompts, items)
    assert out.wall_prompts == ("Kept",)
    assert out.evaluation == (
        EvaluationItemSpec("score", "Useful?"),
        EvaluationItemSpec("", "Typed, no kind"),  # no kind, as an event file without one: check() names it
        EvaluationItemSpec("text", ""),
    )
