"""What identifies a phone on the HTML pages, and how every POST is checked.

**A device is its cookie.** Joining an event (GET /e/CODE/join, what the QR
code opens) gives the browser a random participant token
(eventkit.access.security.new_token, the token the Streamlit pages keep in
their ?p= link) in a cookie named `ek_device`, scoped to that event's pages
(Path=/e/CODE), HttpOnly (no script can read it), SameSite=Lax and, on
https, Secure. The database keeps only the token's one-way hash
(Store.join), never the cookie, an IP address or a user agent.

Why a cookie and not the link token: a token in the address is copied with
every shared link, bookmark, screenshot and Referer, and is lost when the
QR code is scanned again, which counted the same phone twice. A cookie stays
with the browser: scanning again finds the same participant, and sharing the
link shares no identity. Lax, not Strict: the QR code is opened from the
camera app, a navigation from "another site"; under Strict that first request
would carry no cookie and mint a second participant.

A ?p= token from a link made by the Streamlit pages is taken over once, at
join, and only if it already belongs to a participant of this event (so a
phone moving from the old pages keeps its votes; a made-up ?p= mints
nothing). The join then redirects to an address without it.

**Every POST is checked twice** (the routes get no XSRF protection from
Streamlit):
- same origin: an Origin header, or failing that a Referer, naming another
  host is refused (either may be missing on old browsers; then the token
  decides);
- a form token: every form carries `form_token(device)`, a keyed hash of the
  device's cookie, which another site cannot read or compute. It needs no
  server secret, so it holds across workers and hosts.
Together with SameSite=Lax (another site's POST carries no cookie at all),
a forged form fails three ways.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from eventkit.access import security

from ..models import Event, Participant

COOKIE = "ek_device"
COOKIE_DAYS = 7  # a day's event, a second day, and the feedback asked for a few days later
FORM_TOKEN_FIELD = "form_token"


@dataclass(frozen=True)
class Attendee:
    """A joined device at an event: its token (from the cookie) and its participant row."""

    event: Event
    token: str
    participant: Participant


def event_path(code: str) -> str:
    """The path every page of the event lives under (and the cookie's scope)."""
    return f"/e/{code}"


def device_token(request: Request) -> str | None:
    """The participant token this browser sent for the event, if it looks like one we issued."""
    value = request.cookies.get(COOKIE)
    return value if security.looks_like_token(value) else None


def remember_device(response: Response, request: Request, code: str, token: str) -> None:
    """Give the browser the device cookie for this event."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_DAYS * 86400,
        path=event_path(code),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def form_token(device: str) -> str:
    """The token every form of this device carries (a keyed hash: it does not reveal the cookie)."""
    return hmac.new(device.encode(), b"eventkit form token v1", hashlib.sha256).hexdigest()[:32]


def same_origin(request: Request) -> bool:
    """False when the request names another site as its origin (Origin, else Referer)."""
    host = (request.headers.get("host") or "").lower()
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return True  # neither sent (old browsers, privacy settings): the form token decides
    if claimed == "null":  # an opaque origin: sandboxed frames, data: pages
        return False
    # Compare the host (and port) only: behind a TLS proxy this server sees http.
    return bool(host) and urlsplit(claimed).netloc.lower() == host


def post_is_genuine(request: Request, device: str | None, sent_token: str | None) -> bool:
    """Whether a POST comes from this device's own page: same origin and the right form token."""
    if device is None or not sent_token or not same_origin(request):
        return False
    return hmac.compare_digest(form_token(device), sent_token)
