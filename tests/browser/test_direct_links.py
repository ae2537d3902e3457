"""Direct links to attendee pages (/wall?event=..., /table?..., ...) open the right page.

The entry script's sibling folder is called `pages/`, so Streamlit (1.67)
would run the *first* session after a server start in its legacy
pages-folder mode (`PagesManager.uses_pages_directory`, a process-wide flag
computed once when the first session is created), which names pages by file
name, cannot find "wall", and shows "Page not found" over the right page,
leaving the page behind it inert until dismissed. URL paths that agree with
the file names do not cure it (tried for issue 19, item 6: the legacy mode then
runs pages/attendee_wall.py by itself, without app.py). The cure: app.py,
imported by the server as `st.App` before any session exists, turns the flag
off (eventkit/ui/live/runtime.py, use_st_navigation_only).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_app_server, wait_for_streamlit

DIALOG = '[role="dialog"]'


def test_first_visit_after_start_by_direct_link_shows_no_page_not_found(tmp_path, phone):
    with start_app_server(tmp_path) as server:
        page = phone(server.page_url("/wall", event=server.event.code))
        expect(page.get_by_role("heading", name="Wall")).to_be_visible()
        page.wait_for_timeout(500)  # the dialog came with the first run's messages
        assert page.get_by_text("Page not found").count() == 0
        # Nothing inert behind a notice: the note box takes typing at once (issue 22, item 6).
        box = page.get_by_label("Your note (anonymous)")
        box.fill("Typed on the first visit")
        expect(box).to_have_value("Typed on the first visit")


# "/" comes first: it is this module server's first session (see the module doc).
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Strengthening partnerships for a Fairer Fife"),
        ("/wall", "Wall"),
        ("/table", "Table 1"),
        ("/feedback", "Your feedback"),
        ("/privacy", "Privacy notice"),
    ],
)
# Not "/now": Streamlit serves the default page at "/" only and ignores its url_path,
# so /now always answers "Page not found" and runs the Now page (links use "/").
def test_direct_link_opens_its_page_without_a_dialog(app_server, phone, path, heading):
    page = phone(app_server.page_url(path, event=app_server.event.code, table=1))
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    wait_for_streamlit(page)
    assert page.locator(DIALOG).count() == 0
