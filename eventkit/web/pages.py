"""The attendee pages' Starlette handlers: parse the request, call the view-model, pick the response.

Every page of an event lives under /e/CODE (device.py says why):
- GET  /join                  the event-code form; with ?event=CODE, on to that event's join
- GET  /e/CODE/join?table=N   join (or find) this device, remember it in a cookie, 303 to Now
                              (with a table of the event: to that table's page); a device with no
                              cookie first gets one and comes back (&c=1): a link preview counts nothing
- GET  /e/CODE                Now: what the facilitator made live, the poll and this device's answer
                              (?change=1: a saved estimate's box again)
- POST /e/CODE/vote           save an answer: 303 to Now, which says what was saved; or the page
                              again with an error summary and the typed value kept
- GET  /e/CODE/privacy        the privacy notice
- GET  /e/CODE/live           what is live, as a short string (follow.js asks it where there is no event stream)
- GET  /e/CODE/events         the event stream every attendee page follows the room by (stream.py)
The Wall's are in wall_pages.py, the Table's in table_pages.py, Feedback's in feedback_pages.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from eventkit.access import security
from eventkit.event.check import CODE_RE

from ..models import Event
from ..storage import StorageFault, StoreError
from ..storage.participants import JoinRefused
from . import device, now, render
from .frame import (
    attendee_of,
    attendee_page,
    event_or_response,
    join_address,
    message_page,
    posting,
    retry,
    see_other,
    threaded,
    visiting,
)
from .store import reads, store


def _int_param(value: str | None) -> int | None:
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


@threaded
def join_form(request: Request, form: FormData) -> Response:
    """GET /join: ask for the event code (or, given one, go on to join it)."""
    typed = (request.query_params.get("event") or "").strip()
    if not typed:
        return render.page("join.html", page_title="Join an event", title="", typed="")
    code = typed.upper()
    if CODE_RE.fullmatch(code) and reads().event_by_code(code) is not None:
        return see_other(join_address(code, request.query_params.get("table"), request.query_params.get("p")))
    problem = render.Problem(
        "event", f"There is no event with the code “{typed[:20]}”. Check the code on the screen or poster."
    )
    return render.page("join.html", 404, page_title="Join an event", title="", errors=[problem], typed=typed[:40])


@threaded
def join(request: Request, form: FormData) -> Response:
    """GET /e/CODE/join[?table=N][&p=TOKEN]: join this device (or find it) and go to Now."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    event = found
    token = device.device_token(request) or _carried_over(event, request.query_params.get("p"))
    if token is None:
        return _cookie_first(request, event)
    try:
        store().join(event.id, token, _int_param(request.query_params.get("table")))
    except JoinRefused as err:  # the door is closed, or far more joins this minute than a room makes
        status = 403 if err.reason == "closed" else 503
        return message_page(status, "You cannot join just now", str(err), title=event.title, action=retry(request))
    except StorageFault:
        raise  # threaded's: the page says the event's data cannot be reached
    except StoreError as err:  # too busy to take a write
        return message_page(503, "Please try again", str(err), title=event.title, action=retry(request))
    table = _int_param(request.query_params.get("table"))
    # A table's link (its QR card: "your table's cases and notes") lands on the table's page.
    seated_here = table is not None and any(t.number == table for t in reads().tables(event.id))
    response = see_other(device.event_path(event.code) + ("/table" if seated_here else ""))
    device.remember_device(response, request, event.code, token)
    return response


def _cookie_first(request: Request, event: Event) -> Response:
    """A device with no cookie: give it one and come back, and only then count it (Store.join).

    A chat app fetching a pasted link for its preview (WhatsApp, Teams, Slack) fetches once and
    keeps no cookie: it gets the cookie and this 303 and counts toward nothing (no participant,
    no join limit, no door figure). A browser comes straight back with the cookie (one more
    request); one that refuses cookies is told so, not counted on every try.
    """
    if request.query_params.get("c") == "1":
        return message_page(
            400,
            "Please allow cookies for this page",
            "This browser did not keep this event's cookie. The cookie is how a phone has one vote here, "
            "and it holds only a random number (the privacy notice says more).",
            "Allow cookies for this site, then open the event's link again.",
            title=event.title,
            action={"href": f"{device.event_path(event.code)}/privacy", "label": "Read the privacy notice"},
        )
    query = {k: v for k, v in request.query_params.items() if k == "table"}
    response = see_other(f"{device.event_path(event.code)}/join?" + urlencode({**query, "c": "1"}))
    device.remember_device(response, request, event.code, security.new_token())
    return response


def _carried_over(event: Event, token: str | None) -> str | None:
    """A Streamlit page's ?p= token, taken over only if it already belongs to a participant here."""
    if token is None or not security.looks_like_token(token) or store().participant_by_token(event.id, token) is None:
        return None
    return token


@visiting
def now_page(request: Request, attendee: device.Attendee) -> Response:
    """GET /e/CODE[?saved=1][&change=1]: the Now page (a device without a cookie goes to join first)."""
    params = request.query_params
    view = now.now_view(attendee, saved=params.get("saved") == "1", change=params.get("change") == "1")
    return attendee_page("now.html", attendee, "now", **view)


@posting
def vote(attendee: device.Attendee, fields: dict[str, str]) -> Response:
    """POST /e/CODE/vote: save the answer, then 303 to Now; or Now again with the problem."""
    typed = fields.get("estimate", "")[:100]
    problem = now.vote(attendee, fields.get("poll", ""), fields.get("option"), typed)
    if problem is None:
        return see_other(f"{device.event_path(attendee.event.code)}?saved=1")
    return attendee_page("now.html", attendee, "now", 400, **now.now_view(attendee, problem=problem, typed=typed))


@threaded
def privacy(request: Request, form: FormData) -> Response:
    """GET /e/CODE/privacy: what is stored, what is not, who sees it, how long."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = attendee_of(request, found)
    path = device.event_path(found.code)
    return render.page(
        "privacy.html",
        page_title="Privacy notice",
        title=found.title,
        here="privacy",
        now_href=path,
        privacy_href=f"{path}/privacy",
        links=now.page_links(attendee) if attendee else [],
        days=found.retention_days,
        cookie_days=device.COOKIE_DAYS,
    )


@threaded
def live(request: Request, form: FormData) -> Response:
    """GET /e/CODE/live: what is live now, as Now pages compare it (no device needed: it is public)."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return PlainTextResponse("", status_code=found.status_code, headers={"Cache-Control": "no-store"})
    return PlainTextResponse(now.live_now(found.id), headers={"Cache-Control": "no-store"})
