"""Every private Streamlit call eventkit makes, in one file: pages from st.navigation only.

These are Streamlit internals, read in the source of the release named by
CHECKED_WITH: tests/test_streamlit_runtime.py fails loudly when an upgrade
moves one, and when the installed or pinned Streamlit is not the one they
were checked with.
"""

from __future__ import annotations

# The Streamlit release every private call below was read against, in its source. After an
# upgrade (requirements.txt's pin), re-read each of PRIVATE_CALLS in the new release's source,
# then set this to it: until then tests/test_streamlit_runtime.py fails and says so.
CHECKED_WITH = "1.67.0"
PRIVATE_CALLS = ("PagesManager.uses_pages_directory (the process-wide pages-folder mode flag)",)


def use_st_navigation_only() -> None:
    """Pages come from app.py's st.navigation alone, never from a scan of the `pages/` folder.

    Streamlit decides once per process, when the first session is created,
    whether the app uses the legacy pages-folder mode: a folder named `pages/`
    beside app.py turns it on until some script calls st.navigation. The first
    visitor after a start who opened a direct link (/wall?event=…, or an
    organiser page) then met "Page not found" (the folder names its pages by
    file name) over the right page. app.py calls this when the server imports
    it (st.App), before any session exists.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
