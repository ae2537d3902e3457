"""Links to the organiser's downloads, served by GET /staff/download/{kind}?event=CODE.

The server builds each file at the fetch and checks this browser's organiser
pass then (eventkit/web/staff_routes.py), so a link copied or kept after Sign
out gets a 403, where an st.download_button's /media/… address would serve
the bytes to anyone holding it for a while.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import streamlit as st

from eventkit.models import Event
from eventkit.outputs.downloads import KINDS


def download_address(kind: str, event: Event) -> str:
    """The address of the event's file of this kind (one of eventkit.outputs.downloads.KINDS)."""
    if kind not in KINDS:
        raise ValueError(f"no download of kind {kind!r}")
    return f"/staff/download/{quote(kind)}?event={quote(event.code)}"


def download_link(label: str, kind: str, event: Event, **button: Any) -> None:
    """A link button to the file: it opens the server's route, which checks the pass at each fetch."""
    st.link_button(label, download_address(kind, event), **button)
