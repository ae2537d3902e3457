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

# (file, title, url path). Attendees' QR codes open /?event=CODE&table=N:
# the first page is the default one, served at "/".
PAGES = (
    # Attendees (phones)
    ("pages/attendee_now.py", "Now", ""),
    ("pages/attendee_wall.py", "Wall", "wall"),
    ("pages/attendee_table.py", "Table", "table"),
    ("pages/attendee_evaluation.py", "Feedback", "feedback"),
    ("pages/privacy.py", "Privacy", "privacy"),
    # Facilitators: the projector and the control panel
    ("pages/projector.py", "Projector", "projector"),
    ("pages/facilitator.py", "Control panel", "facilitator"),
    # Organisers: before and after the event
    ("pages/organiser.py", "Organiser", "organiser"),
    ("pages/organiser_editor.py", "Event editor", "organiser-editor"),
    ("pages/organiser_dashboard.py", "Dashboard", "organiser-dashboard"),
    ("pages/organiser_coding.py", "Coding", "organiser-coding"),
    ("pages/organiser_report.py", "Report", "organiser-report"),
    ("pages/organiser_exports.py", "Exports", "organiser-exports"),
    ("pages/organiser_seating.py", "Seating plan", "organiser-seating"),
    ("pages/organiser_qr.py", "QR codes", "organiser-qr"),
    # Staff: end this browser's sign-in (organiser, or ?event=CODE's control panel)
    ("pages/sign_out.py", "Sign out", "sign-out"),
)


@st.cache_resource
def _pages_by_file() -> dict[str, Any]:
    return {
        file: st.Page(file, title=title, url_path=url or None, default=not url)
        for file, title, url in PAGES
    }


def app_pages() -> list[Any]:
    """Every page, for st.navigation: fresh copies for this run."""
    return [copy.copy(page) for page in _pages_by_file().values()]


def link(file: str, **kwargs: Any) -> None:
    """st.page_link to one of the app's pages, named by its file.

    (A link only reads the page's title, icon and address, so the shared
    object will do.)
    """
    st.page_link(_pages_by_file()[file], **kwargs)
