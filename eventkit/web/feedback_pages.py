"""The Feedback page's handlers: GET /e/CODE/feedback, POST /e/CODE/feedback.

The POST answers 303 to `feedback?sent=1`, which says the answers are saved
(with a link to change them while the evaluation is open); refused answers
come back in the form, as typed, with the reason in an error summary.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import device, feedback
from .frame import attendee_page, posting, see_other, visiting
from .store import store


def _page(attendee: device.Attendee, status: int = 200, **kwargs: object) -> Response:
    view = feedback.feedback_view(attendee, **kwargs)  # type: ignore[arg-type]
    return attendee_page("feedback.html", attendee, "feedback", status, **view)


@visiting
def feedback_page(request: Request, attendee: device.Attendee) -> Response:
    """GET /e/CODE/feedback[?sent=1][&change=1]: the form, or what was sent, or why it is not open."""
    params = request.query_params
    return _page(attendee, sent=params.get("sent") == "1", change=params.get("change") == "1")


@posting
def send(attendee: device.Attendee, fields: dict[str, str]) -> Response:
    """POST /e/CODE/feedback: save the answers, then 303 to the thanks; or the form again, as typed."""
    typed = feedback.typed_answers(store().list_eval_items(attendee.event.id), fields)
    problem = feedback.submit(attendee, typed)
    if problem is not None:
        return _page(attendee, 400, change=True, problem=problem, typed=typed)
    return see_other(f"{device.event_path(attendee.event.code)}/feedback?sent=1")
