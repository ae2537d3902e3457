"""Printed links reach the right HTML attendee page; a staff page's direct link shows no "Page not found".

Printed links (the QR posters and table cards): `/?event=CODE` opens Now,
`&table=N` the table's own page ("your table's cases and notes"), a code typed
in lower case works, an unknown code says so, and `/`
without an event is still the staff pages' Streamlit index.

A staff page opened by direct link as the server's first Streamlit session: the
entry script's sibling folder is called `pages/`, so Streamlit (1.67) would run
the first session after a server start in its legacy pages-folder mode
(`PagesManager.uses_pages_directory`, a process-wide flag computed once when the
first session is created), which names pages by file name and shows "Page not
found" over the right page, leaving it inert until dismissed. app.py, imported
by the server as `st.App` before any session exists, turns the flag off
(eventkit/ui/live/runtime.py, use_st_navigation_only). A phone's visit to the
HTML pages first creates no Streamlit session, so the facilitator's direct link
is still the first one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import is_streamlit, start_app_server, wait_for_streamlit

TITLE = "Strengthening partnerships for a Fairer Fife"


def test_first_streamlit_visit_after_start_by_direct_link_shows_no_page_not_found(tmp_path, phone):
    with start_app_server(tmp_path) as server:
        card = phone(server.page_url("/", event=server.event.code, table=1))  # a phone first: no Streamlit session
        expect(card.get_by_role("heading", level=1)).to_have_text("Table 1")
        page = phone(server.page_url("/facilitator", event=server.event.code), viewport={"width": 1280, "height": 800})
        box = page.get_by_label("Facilitator passcode")
        expect(box).to_be_visible()
        page.wait_for_timeout(500)  # the dialog came with the first run's messages
        assert page.get_by_text("Page not found").count() == 0
        # Nothing inert behind a notice: the box takes typing at once (issue 22, item 6).
        box.fill("typed on the first visit")
        expect(box).to_have_value("typed on the first visit")


@pytest.mark.parametrize(
    ("query", "lands_on", "heading"),
    [
        ({"event": "FIFE16"}, "/e/FIFE16", TITLE),
        ({"event": "FIFE16", "table": 1}, "/e/FIFE16/table", "Table 1"),
        ({"event": "fife16", "table": 3}, "/e/FIFE16/table", "Table 3"),
        ({"event": "FIFE16", "table": 99}, "/e/FIFE16", TITLE),  # no such table: Now, not an error
        ({"event": "NOPE42"}, "/e/NOPE42/join", "Event not found"),  # a code of no event: said so
        ({"event": "no such!"}, "/join?event=no+such%21", "Join an event"),  # not a code: the join form
    ],
)
def test_a_printed_link_opens_its_html_page(app_server, phone, query, lands_on, heading):
    app_server.store.set_live(app_server.event.id, "welcome")
    page = phone(app_server.page_url("/", **query))
    assert page.url == f"{app_server.url}{lands_on}"
    assert not is_streamlit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_the_bare_address_is_still_the_streamlit_index(app_server, phone):
    page = phone(app_server.page_url("/"))
    assert is_streamlit(page)
    wait_for_streamlit(page)
    expect(page.locator("h1").first).to_be_visible()  # a Streamlit page drawn, not a redirect
