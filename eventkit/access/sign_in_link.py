"""Sign-in links: a way into one event's control panel that a guessing storm cannot block.

A signed-in organiser (the Event editor's Details tab) or whoever runs the
server (`python -m eventkit sign-in-link CODE`) makes a link for one
facilitator of one event: `/facilitator?event=CODE&signin=TOKEN`, with a
random 256-bit token. It works once and for LINK_MINUTES; the control panel
uses it (Console.use_sign_in_link), gives the browser the same pass for the
day as the passcode does, and takes the token out of the address bar.

It is not a guess at the passcode: using one neither waits for the sign-in
pauses nor clears them, so a storm of wrong passcodes keeps its pause (the
guesser gets no fresh attempts) while the facilitator walks in. Only the
token's SHA-256 is stored; a new passcode ends the event's unused links.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlencode

from eventkit.access import security
from eventkit.models import Event
from eventkit.storage import Store, StoreError, utc_stamp
from eventkit.storage.sign_in_links import LinkUse

LINK_MINUTES = 15
PARAM = "signin"  # the query parameter the control panel reads the token from
PANEL_PATH = "facilitator"  # the control panel's address (eventkit/ui/routes.py)

_REFUSED: dict[LinkUse, str] = {
    "used before": "This sign-in link has already been used: each link works once.",
    "expired": f"This sign-in link has expired: links work for {LINK_MINUTES} minutes.",
    "unknown": "This sign-in link is not for this event, or a new passcode has replaced it.",
}
_WHAT_NOW = " Sign in with the passcode below, or ask the organiser for a new link."


class SignInLink(NamedTuple):
    """A link just made: its address (shown once, never stored) and when it stops working."""

    url: str
    expires: datetime


def issue(store: Store, event: Event, base_url: str, now: datetime | None = None) -> SignInLink:
    """Make a link into the event's control panel for one facilitator, once, for LINK_MINUTES.

    Callers are the organiser's page (after checking the organiser's pass) and
    the command line. Refused (StoreError) while the event has no passcode:
    the pass it gives lasts only as long as the passcode does.
    """
    if not event.has_passcode:
        raise StoreError("Set a facilitator passcode first: a sign-in link gives the same pass as the passcode.")
    token = security.new_staff_pass()
    expires = (now or datetime.now(UTC)) + timedelta(minutes=LINK_MINUTES)
    store.create_sign_in_link(event.id, security.fingerprint(token), utc_stamp(expires))
    return SignInLink(link_url(base_url, event.code, token), expires)


def link_url(base_url: str, code: str, token: str) -> str:
    """The address a sign-in link opens: the event's control panel with the token."""
    return f"{base_url.rstrip('/')}/{PANEL_PATH}?{urlencode({'event': code, PARAM: token})}"


def use(store: Store, event_id: int, token: str | None) -> str:
    """Use a link's token for the event: '' when this call used it, else why it was refused."""
    if not token or not security.looks_like_token(token):
        return _REFUSED["unknown"] + _WHAT_NOW
    used = store.use_sign_in_link(event_id, security.fingerprint(token))
    return "" if used == "used now" else _REFUSED[used] + _WHAT_NOW
