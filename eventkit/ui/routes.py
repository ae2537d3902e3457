"""The app's pages: built once per server process and linked to by file.

st.Page resolves its file on disk, and st.page_link given a path resolves it
again; with a thousand phones redrawn at once that was a fifth of every
attendee run. Page objects only record where a page is, so one set serves
every session.
"""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st

# Every page of the app, by name. Everything else refers to a page through
# these names (st.Page and st.page_link take the file; tests/test_layering.py
# checks that no other product file spells out a "pages/" path).
HOME = "pages/home.py"
PROJECTOR = "pages/projector.py"
CONTROL_PANEL = "pages/facilitator.py"
ORGANISER = "pages/organiser.py"
EDITOR = "pages/organiser_editor.py"
DASHBOARD = "pages/organiser_dashboard.py"
CODING = "pages/organiser_coding.py"
REPORT = "pages/organiser_report.py"
EXPORTS = "pages/organiser_exports.py"
SEATING = "pages/organiser_seating.py"
QR_CODES = "pages/organiser_qr.py"

# (file, title, url path). The first page is the default one, served at "/" (the index). Attendees'
# pages are HTML (eventkit/web): their QR codes' /?event=CODE never reaches Streamlit (eventkit/web/asgi.py).
PAGES = (
    (HOME, "eventkit", ""),
    # Facilitators: the projector and the control panel
    (PROJECTOR, "Projector", "projector"),
    (CONTROL_PANEL, "Control panel", "facilitator"),
    # Organisers: before and after the event
    (ORGANISER, "Organiser", "organiser"),
    (EDITOR, "Event editor", "organiser-editor"),
    (DASHBOARD, "Dashboard", "organiser-dashboard"),
    (CODING, "Coding", "organiser-coding"),
    (REPORT, "Report", "organiser-report"),
    (EXPORTS, "Exports", "organiser-exports"),
    (SEATING, "Seating plan", "organiser-seating"),
    (QR_CODES, "QR codes", "organiser-qr"),
)


@st.cache_resource
def _pages_by_file() -> dict[str, Any]:
    return {file: st.Page(file, title=title, url_path=url or None, default=not url) for file, title, url in PAGES}


def app_pages() -> list[Any]:
    """Every page, for st.navigation: fresh copies for this run."""
    return [copy.copy(page) for page in _pages_by_file().values()]


def link(file: str, **kwargs: Any) -> None:
    """st.page_link to one of the app's pages, named by its file.

    (A link only reads the page's title, icon and address, so the shared
    object will do.)
    """
    st.page_link(_pages_by_file()[file], **kwargs)
