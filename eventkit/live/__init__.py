"""Live updates: how every open screen keeps up with the room. Read README.md here first.

Plain Python, no Streamlit (eventkit/ui/live adapts it):

- reads: the answers every screen shares and their lifetimes; what drops them is
  declared on the Store's methods (eventkit/storage/stale.py);
- signature: what is live at an event, as a phone compares it (hub.py tells the
  HTML phones' streams when it changes).

How often each kind of screen looks again on its own is set here, in one place.
"""

from __future__ import annotations

from ..storage import LiveSignature
from .reads import LIFETIMES, READS, Lifetime, SharedReads
from .signature import live_signature, live_signatures, signature

# Phones follow an event stream (eventkit/web, hub.py). The projector and control panel
# are few, and show counts that change with every vote, so they look again on a timer.
PROJECTOR_REFRESH_SECONDS = 0.75  # a vote on the projector within 2 s: this + results ≤ 0.5 s old
PANEL_REFRESH_SECONDS = 2  # two facilitators (laptop and phone) agree within seconds

__all__ = [
    "PANEL_REFRESH_SECONDS",
    "PROJECTOR_REFRESH_SECONDS",
    "LIFETIMES",
    "READS",
    "Lifetime",
    "LiveSignature",
    "SharedReads",
    "live_signature",
    "live_signatures",
    "signature",
]
