"""Live updates: how every open screen keeps up with the room. Read README.md here first.

Plain Python, no Streamlit (eventkit/ui/live adapts it):

- reads: the answers every screen shares and their lifetimes; what drops them is
  declared on the Store's methods (eventkit/storage/stale.py);
- push: the thread that reruns out-of-date phones when the live activity changes.

How often each kind of screen looks again on its own is set here, in one place.
"""

from __future__ import annotations

from ..storage import LiveSignature
from .push import LivePush, Outcome, live_signature, live_signatures, signature
from .reads import LIFETIMES, READS, Lifetime, SharedReads

# Phones are pushed (hundreds of them: a timer each would cost more than the votes).
# The projector and control panel are few, and show counts that change with every
# vote, so they look again on a timer. Without push (AppTest) phones poll too.
PROJECTOR_REFRESH_SECONDS = 0.75  # a vote on the projector within 2 s: this + results ≤ 0.5 s old
PANEL_REFRESH_SECONDS = 2  # two facilitators (laptop and phone) agree within seconds
PHONE_POLL_SECONDS = 3  # phones, only when the server cannot push
PHONE_SAFETY_SECONDS = 30  # with push: a cheap check now and then, and a reconnect after a restart

__all__ = [
    "PANEL_REFRESH_SECONDS",
    "PHONE_POLL_SECONDS",
    "PHONE_SAFETY_SECONDS",
    "PROJECTOR_REFRESH_SECONDS",
    "LIFETIMES",
    "READS",
    "Lifetime",
    "LivePush",
    "LiveSignature",
    "Outcome",
    "SharedReads",
    "live_signature",
    "live_signatures",
    "signature",
]
