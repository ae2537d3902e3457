"""What every attendee handler shares: threads, redirects, the event in the path, the device, refusals."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from eventkit.event.check import CODE_RE

from ..models import Event
from ..storage import StoreError
from . import device, now, render, unavailable
from .store import reads, store

SEE_OTHER = 303
Handler = Callable[[Request, FormData], Response]


def threaded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint that reads the form on the event loop, then does its database work in a
    worker thread: the loop also serves every Streamlit session, and a write may wait for a lock.
    A StoreError it did not catch (a fault, or too busy) becomes a page that says so and offers
    Try again (503, unavailable.py; a POST's form comes back as sent), never a crash."""

    def guarded(request: Request, form: FormData) -> Response:
        try:
            return handler(request, form)
        except StoreError as err:
            return unavailable.page(request, err, form)

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        form = await request.form() if request.method == "POST" else FormData()
        return await run_in_threadpool(guarded, request, form)

    return endpoint


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=SEE_OTHER)


def retry(request: Request) -> dict:
    """A Try again link: the page asked for (a GET; after a POST, the event's page)."""
    if request.method != "GET":
        code = request.path_params.get("code", "")
        return {"href": device.event_path(code.upper()) if code else "/join", "label": "Try again"}
    return {"href": unavailable.same_address(request), "label": "Try again"}


def join_address(code: str, table: str | None = None, token: str | None = None) -> str:
    """Where a link naming an event (and a table, and a Streamlit page's token) joins."""
    query = {k: v for k, v in (("table", table), ("p", token)) if v}
    return f"{device.event_path(code)}/join" + (f"?{urlencode(query)}" if query else "")


def message_page(
    status: int, page_title: str, *paragraphs: str, title: str = "", action: dict | None = None
) -> Response:
    """A page that only says something (and offers one link)."""
    return render.page(
        "message.html", status, page_title=page_title, title=title, paragraphs=list(paragraphs), action=action
    )


def event_or_response(request: Request) -> Event | Response:
    """The open event the path names, or the page saying why there is none."""
    raw = request.path_params["code"]
    code = raw.upper()
    event = reads().event_by_code(code) if CODE_RE.fullmatch(code) else None
    if event is None:
        return message_page(
            404,
            "Event not found",
            f"There is no event with the code “{raw[:20]}”. Check the code on the screen or poster.",
            action={"href": "/join", "label": "Type the event code"},
        )
    if code != raw:  # one address per event: the cookie's path is case-sensitive
        return see_other(request.url.path.replace(f"/e/{raw}", device.event_path(code), 1))
    if event.status != "open":
        return message_page(200, "This event has closed", "Thank you for taking part.", title=event.title)
    return event


def attendee_of(request: Request, event: Event) -> device.Attendee | None:
    """The joined device behind this request's cookie, or None."""
    token = device.device_token(request)
    participant = store().participant_by_token(event.id, token) if token else None
    return device.Attendee(event, token, participant) if token and participant else None


def posting_attendee(request: Request, form: FormData, event: Event) -> device.Attendee | None:
    """The device behind a POST, if the POST is genuinely from its own page (device.py); else None."""
    attendee = attendee_of(request, event)
    sent = form.get(device.FORM_TOKEN_FIELD)
    genuine = attendee is not None and device.post_is_genuine(
        request, attendee.token, sent if isinstance(sent, str) else None
    )
    return attendee if genuine else None


def refused(event: Event) -> Response:
    """A POST that did not come from this device's own page (403)."""
    return message_page(
        403,
        "That form was not sent from this event's page",
        "Nothing was saved. Open the event's page and try again from there.",
        title=event.title,
        action={"href": join_address(event.code), "label": "Open the event's page"},
    )


def visitor(request: Request) -> device.Attendee | Response:
    """A GET's joined device at the event the path names; else the page saying why, or on to join."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    return attendee_of(request, found) or see_other(join_address(found.code))


def poster(request: Request, form: FormData) -> device.Attendee | Response:
    """A POST's device, if the POST is genuinely from its own page; else the page saying why."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    return posting_attendee(request, form, found) or refused(found)


def visiting(handler: Callable[[Request, device.Attendee], Response]) -> Callable[[Request], Awaitable[Response]]:
    """A GET endpoint for a joined device (threaded): the handler gets it; anyone else what visitor says."""

    @functools.wraps(handler)
    def resolved(request: Request, form: FormData) -> Response:
        attendee = visitor(request)
        return attendee if isinstance(attendee, Response) else handler(request, attendee)

    return threaded(resolved)


def posting(handler: Callable[[device.Attendee, dict[str, str]], Response]) -> Callable[[Request], Awaitable[Response]]:
    """A POST endpoint (threaded): the handler gets the device and the form's text fields, only for a POST
    genuinely from the device's own page; any other gets what poster says."""

    @functools.wraps(handler)
    def resolved(request: Request, form: FormData) -> Response:
        attendee = poster(request, form)
        return attendee if isinstance(attendee, Response) else handler(attendee, form_fields(form))

    return threaded(resolved)


def attendee_page(
    template: str, attendee: device.Attendee, here: str, status: int = 200, *, typing: bool = False, **view: object
) -> Response:
    """An attendee page: the view-model's context plus what every page has: its links, the form token,
    what it needs to follow the room (now.following; `typing` when a box to fill in is on screen) and,
    away from Now, a banner for what is live."""
    path = device.event_path(attendee.event.code)
    page = path if here == "now" else f"{path}/{here}"
    view.setdefault("follow_href", page)  # where the page reloads to (the Wall: its question)
    return render.page(
        template,
        status,
        here=here,
        now_href=path,
        page_href=page,
        privacy_href=f"{path}/privacy",
        links=now.page_links(attendee),
        form_token=device.form_token(attendee.token),
        live_banner=None if here == "now" else now.live_banner(attendee, here),
        **now.following(attendee.event.id, typing=typing or status != 200),
        **view,
    )


def form_fields(form: FormData) -> dict[str, str]:
    """A form's text fields (a file where text was expected counts as empty)."""
    return {k: v if isinstance(v, str) else "" for k, v in form.items()}
