"""What is live at an event, as a phone compares it: a change of signature means redraw.

The HTML phones' stream hub (hub.py, eventkit/web/stream.py) reads it for many
events in one query; the Now page (eventkit/web/now.py) computes it from what
it drew. The whole sequence is in eventkit/live/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Live, Poll
from ..storage import LiveSignature, Store, StoreError


def signature(now: Live, poll: Poll | None) -> LiveSignature:
    """What a phone's page shows of the live activity, from what it drew; a change means redraw.

    The same type as the database's view (Store.live_signatures), field by field.
    """
    return LiveSignature(
        now.kind, now.poll_id, poll.state if poll else None, poll.results_visible if poll else None, now.eval_open
    )


def live_signatures(store: Store, event_ids: Iterable[int]) -> dict[int, LiveSignature]:
    """Each event's signature read from the database in one query (the stream hub's view)."""
    return store.live_signatures(set(event_ids))


def live_signature(store: Store, event_id: int) -> LiveSignature:
    """One event's signature read from the database."""
    found = live_signatures(store, [event_id])
    if event_id not in found:
        raise StoreError("No such event.")
    return found[event_id]
