"""AppTest of the organiser's data-out pages: exports, seating plan, QR codes."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.event import seating
from eventkit.storage import Store
from tests.app_pages import app_database, open_page

PAGES = ["pages/organiser_exports.py", "pages/organiser_seating.py", "pages/organiser_qr.py"]
PASSWORD = "test-organiser-pw"


@pytest.fixture
def db(fresh_location, monkeypatch):
    with app_database(fresh_location, monkeypatch, admin_password=PASSWORD) as path:  # a file, or a PostgreSQL schema
        yield path


def _open(page: str, signed_in: bool = True) -> AppTest:
    return open_page(page, password=PASSWORD if signed_in else None)


def _downloads(at: AppTest) -> list[str]:
    """Labels of the page's downloads: Streamlit download buttons and links to the checked route."""
    return [d.label for d in at.get("download_button")] + list(_links(at))


def _links(at: AppTest) -> dict[str, str]:
    """Label -> address of the page's links to the server's download route (GET /staff/download/…)."""
    found = {b.proto.label: b.proto.url for b in at.get("link_button")}
    return {label: url for label, url in found.items() if url.startswith("/staff/download/")}


@pytest.mark.parametrize("page", PAGES)
def test_sign_in_is_required(db, page):
    at = _open(page, signed_in=False)
    assert not at.exception
    assert at.title[0].value == "Organiser sign-in"
    assert not _downloads(at)
    at.text_input[0].input("wrong password")
    at.button[0].click()
    at.run()
    assert "not right" in at.error[0].value and not _downloads(at)


def test_exports_page_offers_every_file_and_previews_it(db):
    at = _open(PAGES[0])
    assert not at.exception and not at.error
    # Links to the route that checks the organiser's pass at every fetch, never download buttons,
    # whose /media/… address serves the bytes to anyone holding it (tests/test_staff_downloads.py)
    assert not at.get("download_button")
    labels = _links(at)
    code = Store(db).list_events()[0].code
    assert labels["ZIP of everything"] == f"/staff/download/zip?event={code}"
    assert labels["Votes"] == f"/staff/download/votes?event={code}"
    for label in [
        "ZIP of everything",
        "All activities (long CSV)",
        "Codebook (Markdown)",
        "Votes",
        "Wall notes",
        "Evaluation comments",
        "Event file (YAML)",
    ]:
        assert label in labels
    # The whole-database backup: a link to the server's route that checks the organiser's pass at
    # every fetch (tests/test_staff_routes.py); on PostgreSQL, pg_dump's job.
    on_postgres = Store(db).is_postgres
    links = {b.proto.label: b.proto.url for b in at.get("link_button")}
    assert (links.get("Database backup (all events)") == "/staff/download/backup") != on_postgres
    assert any("pg_dump" in c.value for c in at.caption) == on_postgres
    at.selectbox(key="export-preview").select("wall_notes").run()
    assert not at.exception
    assert "text" in list(at.dataframe[-1].value.columns)


def test_seating_page_makes_a_plan_from_an_upload(db):
    at = _open(PAGES[1])
    assert not at.exception and not at.dataframe
    at.file_uploader[0].set_value(("attendees.csv", seating.sample_csv(16).encode(), "text/csv"))
    at.run()
    assert not at.exception and not at.error
    plan = at.dataframe[-1].value
    assert len(plan) == 16 and set(plan["table"]) == {1, 2, 3, 4}
    assert "Download the plan (CSV)" in _downloads(at)


def test_seating_page_names_the_bad_row(db):
    at = _open(PAGES[1])
    at.file_uploader[0].set_value(("bad.csv", b"name,organisation\nAna,DWP\n,NHS\n", "text/csv"))
    at.run()
    assert not at.exception
    assert "row 3" in at.error[0].value


def test_qr_page_saves_the_base_url_and_shows_the_codes(db):
    at = _open(PAGES[2])
    assert not at.exception
    assert {"Printable sheet (HTML)", "QR images (ZIP of PNGs)"} <= set(_downloads(at))
    assert len(at.get("image")) == 5  # the event and its four tables
    at.text_input[0].input("ftp://nowhere")
    at.button[0].click()
    at.run()
    assert "http://" in at.error[0].value
    at.text_input[0].input("10.1.2.3:8501")
    at.button[0].click()
    at.run()
    assert not at.error
    assert Store(db).event_by_code("FIFE16").public_base_url == "http://10.1.2.3:8501"
    assert any("http://10.1.2.3:8501/?event=FIFE16&table=2" in t.value for t in at.text)
