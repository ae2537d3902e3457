"""The attendee pages' Starlette handlers: parse the request, call the view-model, pick the response.

Every page of an event lives under /e/CODE (device.py says why):
- GET  /join                  the event-code form; with ?event=CODE, on to that event's join
- GET  /e/CODE/join?table=N   join (or find) this device, remember it in a cookie, 303 to Now
- GET  /e/CODE                Now: what the facilitator made live, the poll and this device's answer
- POST /e/CODE/vote           save an answer: 303 to Now, which says what was saved; or the page
                              again with an error summary and the typed value kept
- GET  /e/CODE/privacy        the privacy notice
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from eventkit.access import security
from eventkit.event.check import CODE_RE

from ..models import Event
from ..storage import StorageFault, StoreError
from ..storage.participants import JoinRefused
from . import device, now, render
from .store import reads, store

SEE_OTHER = 303
Handler = Callable[[Request, FormData | None], Response]


def threaded(handler: Handler) -> Callable[[Request], object]:
    """An endpoint that reads the form on the event loop, then does its database work in a
    worker thread: the loop also serves every Streamlit session, and a write may wait for a lock."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        form = await request.form() if request.method == "POST" else None
        return await run_in_threadpool(handler, request, form)

    return endpoint


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=SEE_OTHER)


def _int_param(value: str | None) -> int | None:
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


def join_address(code: str, table: str | None = None, token: str | None = None) -> str:
    """Where a link naming an event (and a table, and a Streamlit page's token) joins."""
    query = {k: v for k, v in (("table", table), ("p", token)) if v}
    return f"{device.event_path(code)}/join" + (f"?{urlencode(query)}" if query else "")


# --- Pages without a known event -------------------------------------------------------


@threaded
def join_form(request: Request, form: FormData | None) -> Response:
    """GET /join: ask for the event code (or, given one, go on to join it)."""
    typed = (request.query_params.get("event") or "").strip()
    if not typed:
        return render.page("join.html", page_title="Join an event", title="", errors=[], typed="")
    code = typed.upper()
    if CODE_RE.fullmatch(code) and reads().event_by_code(code) is not None:
        return see_other(join_address(code, request.query_params.get("table"), request.query_params.get("p")))
    problem = now.Problem(
        "event", f"There is no event with the code “{typed[:20]}”. Check the code on the screen or poster."
    )
    return render.page("join.html", 404, page_title="Join an event", title="", errors=[problem], typed=typed[:40])


def _message(status: int, page_title: str, *paragraphs: str, title: str = "", action: dict | None = None) -> Response:
    return render.page(
        "message.html",
        status,
        page_title=page_title,
        title=title,
        errors=[],
        paragraphs=list(paragraphs),
        action=action,
    )


def _event_or_response(request: Request) -> Event | Response:
    """The open event the path names, or the page saying why there is none."""
    raw = request.path_params["code"]
    code = raw.upper()
    event = reads().event_by_code(code) if CODE_RE.fullmatch(code) else None
    if event is None:
        return _message(
            404,
            "Event not found",
            f"There is no event with the code “{raw[:20]}”. Check the code on the screen or poster.",
            action={"href": "/join", "label": "Type the event code"},
        )
    if code != raw:  # one address per event: the cookie's path is case-sensitive
        return see_other(request.url.path.replace(f"/e/{raw}", device.event_path(code), 1))
    if event.status != "open":
        return _message(200, "This event has closed", "Thank you for taking part.", title=event.title)
    return event


def _attendee(request: Request, event: Event) -> now.Attendee | None:
    """The joined device behind this request's cookie, or None."""
    token = device.device_token(request)
    participant = store().participant_by_token(event.id, token) if token else None
    return now.Attendee(event, token, participant) if token and participant else None


# --- Join ----------------------------------------------------------------------------------


@threaded
def join(request: Request, form: FormData | None) -> Response:
    """GET /e/CODE/join[?table=N][&p=TOKEN]: join this device (or find it) and go to Now."""
    found = _event_or_response(request)
    if isinstance(found, Response):
        return found
    event = found
    token = device.device_token(request) or _carried_over(event, request.query_params.get("p")) or security.new_token()
    try:
        store().join(event.id, token, _int_param(request.query_params.get("table")))
    except JoinRefused as err:  # the door is closed, or far more joins this minute than a room makes
        retry = {
            "href": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
            "label": "Try again",
        }
        return _message(
            403 if err.reason == "closed" else 503,
            "You cannot join just now",
            str(err),
            title=event.title,
            action=retry,
        )
    except StoreError as err:  # a database fault, or too busy to take a write
        return _message(
            503,
            "Please try again",
            str(err),
            title=event.title,
            action={"href": str(request.url), "label": "Try again"},
        )
    response = see_other(device.event_path(event.code))
    device.remember_device(response, request, event.code, token)
    return response


def _carried_over(event: Event, token: str | None) -> str | None:
    """A Streamlit page's ?p= token, taken over only if it already belongs to a participant here."""
    if not security.looks_like_token(token) or store().participant_by_token(event.id, token) is None:
        return None
    return token


# --- Now -----------------------------------------------------------------------------------


def _now_page(request: Request, attendee: now.Attendee, status: int = 200, **kwargs: object) -> Response:
    path = device.event_path(attendee.event.code)
    return render.page(
        "now.html",
        status,
        here="now",
        now_href=path,
        vote_href=f"{path}/vote",
        privacy_href=f"{path}/privacy",
        form_token=device.form_token(attendee.token),
        **now.now_view(attendee, **kwargs),  # type: ignore[arg-type]
    )


@threaded
def now_page(request: Request, form: FormData | None) -> Response:
    """GET /e/CODE: the Now page (a device without a cookie goes to join first)."""
    found = _event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = _attendee(request, found)
    if attendee is None:
        return see_other(join_address(found.code))
    try:
        return _now_page(request, attendee, saved=request.query_params.get("saved") == "1")
    except StorageFault as err:
        return _message(
            503,
            "Please try again",
            str(err),
            title=found.title,
            action={"href": str(request.url), "label": "Try again"},
        )


@threaded
def vote(request: Request, form: FormData | None) -> Response:
    """POST /e/CODE/vote: save the answer, then 303 to Now; or Now again with the problem."""
    found = _event_or_response(request)
    if isinstance(found, Response):
        return found
    form = form or FormData()
    attendee = _attendee(request, found)
    sent = form.get(device.FORM_TOKEN_FIELD)
    if attendee is None or not device.post_is_genuine(request, attendee.token, sent if isinstance(sent, str) else None):
        return _refused(found)
    fields = {k: v if isinstance(v, str) else "" for k, v in form.items()}
    typed = fields.get("estimate", "")[:100]
    problem = now.vote(attendee, fields.get("poll", ""), fields.get("option"), typed)
    if problem is None:
        return see_other(f"{device.event_path(found.code)}?saved=1")
    return _now_page(request, attendee, 400, problem=problem, typed=typed)


def _refused(event: Event) -> Response:
    return _message(
        403,
        "That form was not sent from this event's page",
        "Nothing was saved. Open the event's page and try again from there.",
        title=event.title,
        action={"href": join_address(event.code), "label": "Open the event's page"},
    )


# --- Privacy -------------------------------------------------------------------------------


@threaded
def privacy(request: Request, form: FormData | None) -> Response:
    """GET /e/CODE/privacy: what is stored, what is not, who sees it, how long."""
    found = _event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = _attendee(request, found)
    path = device.event_path(found.code)
    links = (
        [{"label": label, "href": now.streamlit_page(attendee, p)} for label, p in now.OTHER_PAGES] if attendee else []
    )
    return render.page(
        "privacy.html",
        page_title="Privacy notice",
        title=found.title,
        errors=[],
        here="privacy",
        now_href=path,
        privacy_href=f"{path}/privacy",
        links=links,
        days=found.retention_days,
        cookie_days=device.COOKIE_DAYS,
    )
