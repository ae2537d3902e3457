"""Streamlit helpers: the only package of eventkit that imports streamlit.

The modules, lowest first (each imports only modules above it in this list,
never this file, so imports flow one way):

- routes: the table of pages, and links to them by name
- widgets: stylesheets, a callback's error, literal and prose text
- live (live/adapter.py, live/runtime.py): the app's Store, the reads every
  screen shares: eventkit/live adapted to Streamlit; runtime.py holds
  every private Streamlit call
- cookies, roles: staff passes and role checks; faults: database faults on screen
- names, organiser, facilitator, panel, projector, export_downloads: screens' parts

Staff screens only: attendees' pages are plain HTML (eventkit/web), which never imports this package.

This file only re-exports what pages call as `ui.x`.
"""

from __future__ import annotations

from .live import configured_admin_password, reads, store
from .roles import (
    check_organiser,
    choose_organiser_event,
    organiser_event,
    organiser_unlocked,
    require_organiser,
    unlock_organiser,
)
from .routes import link
from .widgets import flash, has_flash, plain, show_flash, show_literal, show_prose, url_code, use_css

__all__ = [
    "check_organiser",
    "choose_organiser_event",
    "configured_admin_password",
    "flash",
    "has_flash",
    "link",
    "organiser_event",
    "organiser_unlocked",
    "plain",
    "reads",
    "require_organiser",
    "show_flash",
    "show_literal",
    "show_prose",
    "store",
    "unlock_organiser",
    "url_code",
    "use_css",
]
