"""The Feedback page's handlers: GET /e/CODE/feedback, POST /e/CODE/feedback.

The POST answers 303 to `feedback?sent=1`, which says the answers are saved
(with a link to change them while the evaluation is open); refused answers
come back in the form, as typed, with the reason in an error summary.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from . import device, feedback, now, render
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
from .store import store


def _page(attendee: device.Attendee, status: int = 200, **kwargs: object) -> Response:
    path = device.event_path(attendee.event.code)
    return render.page(
        "feedback.html",
        status,
        here="feedback",
        now_href=path,
        feedback_href=f"{path}/feedback",
        privacy_href=f"{path}/privacy",
        links=now.page_links(attendee),
        form_token=device.form_token(attendee.token),
        **feedback.feedback_view(attendee, **kwargs),  # type: ignore[arg-type]
    )


@threaded
def feedback_page(request: Request, form: FormData) -> Response:
    """GET /e/CODE/feedback[?sent=1][&change=1]: the form, or what was sent, or why it is not open."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = attendee_of(request, found)
    if attendee is None:
        return see_other(join_address(found.code))
    params = request.query_params
    return _page(attendee, sent=params.get("sent") == "1", change=params.get("change") == "1")


@threaded
def send(request: Request, form: FormData) -> Response:
    """POST /e/CODE/feedback: save the answers, then 303 to the thanks; or the form again, as typed."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = posting_attendee(request, form, found)
    if attendee is None:
        return refused(found)
    typed = feedback.typed_answers(store().list_eval_items(found.id), form_fields(form))
    problem = feedback.submit(attendee, typed)
    if problem is not None:
        return _page(attendee, 400, change=True, problem=problem, typed=typed)
    return see_other(f"{device.event_path(found.code)}/feedback?sent=1")
