"""Streamlit helpers: the only package of eventkit that imports streamlit.

The modules, lowest first (each imports only modules above it in this list,
never this file, so imports flow one way):

- routes: the table of pages, and links to them by name
- widgets: stylesheets, a callback's error, literal and prose text
- live (live/adapter.py, live/runtime.py): the app's Store, the reads every
  screen shares and push: eventkit/live adapted to Streamlit; runtime.py holds
  every private Streamlit call
- cookies, roles: staff passes and role checks; faults: database faults on screen
- identity: the attendee behind a page's URL
- live/following.py: the parts of attendee screens that keep up with the room
- attendee: the frame of every attendee screen (join form, links, footer)
- voting, entry, names, organiser, facilitator, panel, projector, table,
  export_downloads: screens' parts

This file only re-exports what pages call as `ui.x`.
"""

from __future__ import annotations

from .attendee import PHONE_WALL_NOTES, attendee_footer, attendee_page, join_form
from .identity import Attendee, current_attendee, remember_participant
from .live import configured_admin_password, reads, store
from .live.following import follow_live, keep_in_step, live_banner, live_part, stop_following_live
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
    "PHONE_WALL_NOTES",
    "Attendee",
    "attendee_footer",
    "attendee_page",
    "check_organiser",
    "choose_organiser_event",
    "configured_admin_password",
    "current_attendee",
    "flash",
    "follow_live",
    "has_flash",
    "join_form",
    "keep_in_step",
    "link",
    "live_banner",
    "live_part",
    "organiser_event",
    "organiser_unlocked",
    "plain",
    "reads",
    "remember_participant",
    "require_organiser",
    "show_flash",
    "show_literal",
    "show_prose",
    "stop_following_live",
    "store",
    "unlock_organiser",
    "url_code",
    "use_css",
]
