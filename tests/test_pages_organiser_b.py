"""AppTest of the organiser pages: events, editor, dashboard, coding, report."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.event.sample import populate_sample
from eventkit.storage import Store
from tests.app_pages import app_database, open_page

PAGES = [
    "pages/organiser.py",
    "pages/organiser_editor.py",
    "pages/organiser_dashboard.py",
    "pages/organiser_coding.py",
    "pages/organiser_report.py",
]
PASSWORD = "test-organiser-pw-b"


@pytest.fixture
def db(tmp_path, monkeypatch):
    with app_database(tmp_path / "pages_b.db", monkeypatch, admin_password=PASSWORD) as path:
        yield path


@pytest.fixture
def sample(db, demo_spec):
    store = Store(db)
    event_id = store.import_event(demo_spec)  # the parsed demo: skips the slow passcode hash
    populate_sample(store, event_id, n=10, seed=4)
    return store, event_id


def _open(page: str, signed_in: bool = True) -> AppTest:
    return open_page(page, password=PASSWORD if signed_in else None, timeout=90)


@pytest.mark.parametrize("page", PAGES)
def test_sign_in_is_required(db, page):
    at = _open(page, signed_in=False)
    assert not at.exception
    assert at.title[0].value == "Organiser sign-in"
    assert len(at.tabs) == 0 and len(at.get("download_button")) == 0


@pytest.mark.parametrize("page", PAGES)
def test_wrong_password_is_refused(db, page):
    at = _open(page, signed_in=False)
    at.text_input[0].input("wrong")
    at.button[0].click()
    at.run()
    assert at.title[0].value == "Organiser sign-in"
    assert "not right" in at.error[0].value


@pytest.mark.parametrize(
    "page, title",
    zip(PAGES, ["Organiser", "Event editor", "Dashboard", "Thematic coding", "Event report"], strict=True),
)
def test_pages_render_signed_in(sample, page, title):
    at = _open(page)
    assert not at.exception, at.exception
    assert not at.error
    assert at.title[0].value == title


def _button(at, label):
    return next(b for b in at.button if b.label == label)


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_create_duplicate_and_delete_event(db):
    at = _open("pages/organiser.py")
    inputs = {t.label: t for t in at.text_input}
    inputs["Code (3-12 letters or digits; attendees type it)"].input("bad code!")
    inputs["Title"].input("")
    _button(at, "Create event").click()
    at.run()
    assert "Nothing was saved" in at.error[0].value
    assert "code" in at.text[0].value and "title" in at.text[0].value
    inputs = {t.label: t for t in at.text_input}
    inputs["Code (3-12 letters or digits; attendees type it)"].input("NEW26")
    inputs["Title"].input("A new event")
    _button(at, "Create event").click()
    at.run()
    store = Store(db)
    new = store.event_by_code("NEW26")
    assert new is not None and [t.name for t in store.list_themes(new.id)][0] == "Referrals"
    # the new event is now the one being worked on: delete it, with typed confirmation
    inputs = {t.label: t for t in at.text_input}
    inputs["Type NEW26 to confirm"].input("nope")
    _button(at, "Delete for good").click()
    at.run()
    assert store.event_by_code("NEW26") is not None
    inputs = {t.label: t for t in at.text_input}
    inputs["Type NEW26 to confirm"].input("new26")
    _button(at, "Delete for good").click()
    at.run()
    assert store.event_by_code("NEW26") is None and not at.exception


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_events_page_confirms_create_duplicate_and_delete_with_a_toast(db):
    """Each change on the Events page is confirmed once, by a toast in the run after its st.rerun().

    Streamlit 1.67 keeps a toast made just before st.rerun() (its issue #7740), so the page's
    st.toast calls reach the browser; this guards that on an upgrade or a change to the page."""
    at = _open("pages/organiser.py")
    steps = [
        (
            {"Code (3-12 letters or digits; attendees type it)": "NEW26", "Title": "A new event"},
            "Create event",
            "Event created.",
        ),
        ({"New code": "NEW27"}, "Duplicate", "Event duplicated."),
        ({"Type NEW27 to confirm": "NEW27"}, "Delete for good", "NEW27 deleted."),
    ]
    for typed, button, said in steps:
        inputs = {t.label: t for t in at.text_input}
        for label, value in typed.items():
            inputs[label].input(value)
        _button(at, button).click()
        at.run()
        assert not at.exception and not at.error, (button, at.exception, at.error)
        assert [t.value for t in at.toast] == [said], button
    assert sorted(e.code for e in Store(db).list_events()) == ["FIFE16", "NEW26"]


def test_editor_saves_a_reworded_question_and_keeps_votes(sample):
    store, event_id = sample
    poll = store.list_polls(event_id)[0]
    votes = store.vote_count(poll.id)
    at = _open("pages/organiser_editor.py")
    question = next(t for t in at.text_area if t.label == "Question")
    question.input("What share became a sanction, do you think?")
    _button(at, "Save poll").click()
    at.run()
    assert not at.exception and not at.error
    after = store.get_poll(poll.id)
    assert after.question == "What share became a sanction, do you think?"
    assert store.vote_count(poll.id) == votes > 0


def test_editor_shows_field_errors_and_saves_nothing(sample):
    store, event_id = sample
    at = _open("pages/organiser_editor.py")
    next(t for t in at.text_input if t.label.startswith("Correct option")).input("Not an option")
    _button(at, "Save poll").click()
    at.run()
    assert "Nothing was saved" in at.error[0].value
    assert "polls[1].correct" in at.text[0].value
    assert store.list_polls(event_id)[0].correct_option.label == "More than four in five"


def test_editor_yaml_tab_reports_line_numbers(sample):
    store, event_id = sample
    at = _open("pages/organiser_editor.py")
    yaml_box = next(t for t in at.text_area if t.label == "Edit the event file directly")
    yaml_box.input(yaml_box.value.replace("code: FIFE16", "code: x"))
    _button(at, "Check and save").click()
    at.run()
    assert "code (line" in at.text[0].value
    assert store.get_event(event_id).code == "FIFE16"


def test_coding_page_saves_themes(sample):
    store, event_id = sample
    at = _open("pages/organiser_coding.py")
    first = store.codable_items(event_id, "note")[0]
    box = at.multiselect(key=f"c-note-{first.item_key}")
    theme = store.list_themes(event_id)[4]
    box.set_value([theme.id])
    _button(at, "Save themes").click()
    at.run()
    assert not at.exception
    assert store.codable_items(event_id, "note")[0].theme_ids == (theme.id,)
    links = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert links["Download the matrix (CSV)"].startswith("/staff/download/analysis-matrix?event=")


def test_report_page_makes_a_report(sample):
    at = _open("pages/organiser_report.py")
    _button(at, "Make the report").click()
    at.run()
    assert not at.exception
    links = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert not at.get("download_button") and links["Download the report (HTML)"].startswith("/staff/download/report?")


def test_dashboard_headline_figures_are_joined_and_responses_from_rows(sample):
    store, event_id = sample
    at = _open("pages/organiser_dashboard.py")
    figures = {m.label: m.value for m in at.metric}
    responses, joined = store.response_rate(event_id)
    assert joined > responses > 0
    assert (figures["People joined"], figures["Evaluations"]) == (str(joined), str(responses))
    assert figures["Response rate"] == f"{responses / joined:.0%}"
