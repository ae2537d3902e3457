"""Direct links to attendee pages (/wall?event=..., /table?..., ...) open the right page.

Known Streamlit behaviour, measured with streamlit 1.67: the entry script's
sibling folder is called `pages/`, so the *first* session after a server
start runs in Streamlit's legacy pages-folder mode
(`PagesManager.uses_pages_directory`, a process-wide flag computed once from
`Path("pages").exists()`). That mode registers `pages/*.py` under their file
names (attendee_wall, ...), cannot find "wall", sends `page_not_found` (the
"Page not found ... Running the app's main page" dialog), runs app.py as the
main page, and app.py's `st.navigation` then switches the flag off and
renders the wall correctly. Every later session is unaffected. Not a race and
not a url_path mistake in app.py; the fix is to rename the `pages/` folder
(e.g. to `views/`), after which the xfail below turns into a failure
(strict) and should be removed.

URL paths that agree with the file names do not cure it (tried for issue 19,
item 6, with url_path "attendee_wall"): the legacy mode then finds the page
and runs pages/attendee_wall.py by itself, without app.py (no page title, no
database-fault wrapper), and no st.navigation runs, so the process stays in
legacy mode for every new session until someone opens "/" (a second session
showed the title "attendee wall" too). The flag is computed when the first
session is created, before any of the app's code runs, so under
`streamlit run app.py` only a folder not called `pages/` beside app.py, or a
launcher that clears the flag before serving, avoids it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_app_server, wait_for_streamlit

DIALOG = '[role="dialog"]'


@pytest.mark.xfail(strict=True, reason="first session after start runs in Streamlit's legacy pages/ mode")
def test_first_visit_after_start_by_direct_link_shows_no_page_not_found(tmp_path, phone):
    with start_app_server(tmp_path) as server:
        page = phone(server.page_url("/wall", event=server.event.code))
        expect(page.get_by_role("heading", name="Wall")).to_be_visible()
        page.wait_for_timeout(500)  # the dialog comes with the first run's messages
        assert page.get_by_text("Page not found").count() == 0


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
