"""The Wall's handlers: GET /e/CODE/wall, POST /e/CODE/wall/post, POST /e/CODE/wall/agree.

Each POST answers 303 back to the Wall, which says what happened (posted,
waiting for approval, +1 counted); a refused note comes back in the box with
the reason in an error summary.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from ..models import WallPrompt
from . import device, now, render, wall
from .frame import (
    attendee_of,
    event_or_response,
    form_fields,
    join_address,
    posting_attendee,
    refused,
    see_other,
    threaded,
)
from .render import Problem


def _wall_page(attendee: device.Attendee, prompt: WallPrompt | None, status: int = 200, **kwargs: object) -> Response:
    path = device.event_path(attendee.event.code)
    return render.page(
        "wall.html",
        status,
        here="wall",
        now_href=path,
        wall_href=f"{path}/wall",
        privacy_href=f"{path}/privacy",
        links=now.page_links(attendee),
        form_token=device.form_token(attendee.token),
        **wall.wall_view(attendee, prompt, **kwargs),  # type: ignore[arg-type]
    )


def _back(code: str, prompt: WallPrompt, **params: str) -> Response:
    return see_other(f"{device.event_path(code)}/wall?" + urlencode({"q": prompt.id, **params}))


@threaded
def wall_page(request: Request, form: FormData) -> Response:
    """GET /e/CODE/wall[?q=PROMPT][&all=1]: one question's notes and the form to add one."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = attendee_of(request, found)
    if attendee is None:
        return see_other(join_address(found.code))
    params = request.query_params
    prompt = wall.prompt_named(attendee, params.get("q"))
    return _wall_page(
        attendee,
        prompt,
        show_all=params.get("all") == "1",
        posted=params.get("posted", ""),
        agreed=params.get("agreed") == "1",
    )


@threaded
def post_note(request: Request, form: FormData) -> Response:
    """POST /e/CODE/wall/post: add the note, then back to its question; or the form again with the text kept."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = posting_attendee(request, form, found)
    if attendee is None:
        return refused(found)
    fields = form_fields(form)
    prompt = wall.prompt_named(attendee, fields.get("prompt") or "-")
    typed = fields.get("note", "")
    if prompt is None:
        missing = Problem("note", "That question is not on this event's wall.")
        return _wall_page(attendee, wall.prompt_named(attendee, None), 400, problem=missing, typed=typed)
    state, problem = wall.post_note(attendee, prompt, typed)
    if problem is not None:
        return _wall_page(attendee, prompt, 400, problem=problem, typed=typed)
    return _back(found.code, prompt, posted=state)


@threaded
def agree(request: Request, form: FormData) -> Response:
    """POST /e/CODE/wall/agree: this device's +1 on a note, then back to the list."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = posting_attendee(request, form, found)
    if attendee is None:
        return refused(found)
    fields = form_fields(form)
    prompt = wall.prompt_named(attendee, fields.get("prompt"))
    problem = wall.agree(attendee, fields.get("note", ""))
    if problem is not None or prompt is None:
        return _wall_page(
            attendee, prompt, 400, problem=problem or Problem("notes", "That question is not on the wall.")
        )
    return _back(found.code, prompt, agreed="1")
