"""The Wall's handlers: GET /e/CODE/wall, POST /e/CODE/wall/post, POST /e/CODE/wall/agree.

Each POST answers 303 back to the Wall, which says what happened (posted,
waiting for approval, +1 counted); a refused note comes back in the box with
the reason in an error summary.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ..models import WallPrompt
from . import device, wall
from .frame import attendee_page, posting, see_other, visiting
from .render import Problem


def _wall_page(attendee: device.Attendee, prompt: WallPrompt | None, status: int = 200, **kwargs: object) -> Response:
    view = wall.wall_view(attendee, prompt, **kwargs)  # type: ignore[arg-type]
    return attendee_page("wall.html", attendee, "wall", status, **view)


def _back(code: str, prompt: WallPrompt, **params: str) -> Response:
    return see_other(f"{device.event_path(code)}/wall?" + urlencode({"q": prompt.id, **params}))


@visiting
def wall_page(request: Request, attendee: device.Attendee) -> Response:
    """GET /e/CODE/wall[?q=PROMPT][&all=1]: one question's notes and the form to add one."""
    params = request.query_params
    prompt = wall.prompt_named(attendee, params.get("q"))
    return _wall_page(
        attendee,
        prompt,
        show_all=params.get("all") == "1",
        posted=params.get("posted", ""),
        agreed=params.get("agreed") == "1",
    )


@posting
def post_note(attendee: device.Attendee, fields: dict[str, str]) -> Response:
    """POST /e/CODE/wall/post: add the note, then back to its question; or the form again with the text kept."""
    prompt = wall.prompt_named(attendee, fields.get("prompt") or "-")
    typed = fields.get("note", "")
    if prompt is None:
        missing = Problem("note", "That question is not on this event's wall.")
        return _wall_page(attendee, wall.prompt_named(attendee, None), 400, problem=missing, typed=typed)
    state, problem = wall.post_note(attendee, prompt, typed)
    if problem is not None:
        return _wall_page(attendee, prompt, 400, problem=problem, typed=typed)
    return _back(attendee.event.code, prompt, posted=state)


@posting
def agree(attendee: device.Attendee, fields: dict[str, str]) -> Response:
    """POST /e/CODE/wall/agree: this device's +1 on a note, then back to the list."""
    prompt = wall.prompt_named(attendee, fields.get("prompt"))
    problem = wall.agree(attendee, fields.get("note", ""))
    if problem is not None or prompt is None:
        return _wall_page(
            attendee, prompt, 400, problem=problem or Problem("notes", "That question is not on the wall.")
        )
    return _back(attendee.event.code, prompt, agreed="1")
