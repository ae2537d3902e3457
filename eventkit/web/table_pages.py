"""The Table page's handlers: GET /e/CODE/table, POST …/table/seat, …/table/consent, …/table/note.

A phone seated at a table (by its table's QR code, `join?table=N`, or the
picker) sees that table; one not seated, or asking `?choose=1`, sees the
picker. Each POST answers 303 back to the Table page, which says what was
saved; a refused note comes back in the box with the reason in an error summary.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from ..models import Table
from . import device, now, render, table
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


def _page(attendee: device.Attendee, view: dict, status: int = 200) -> Response:
    path = device.event_path(attendee.event.code)
    return render.page(
        "table.html",
        status,
        here="table",
        now_href=path,
        table_href=f"{path}/table",
        privacy_href=f"{path}/privacy",
        links=now.page_links(attendee),
        form_token=device.form_token(attendee.token),
        **view,
    )


def _back(code: str, done: str) -> Response:
    return see_other(f"{device.event_path(code)}/table?done={done}")


@threaded
def table_page(request: Request, form: FormData) -> Response:
    """GET /e/CODE/table[?choose=1]: this phone's table, or the picker."""
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    attendee = attendee_of(request, found)
    if attendee is None:
        return see_other(join_address(found.code))
    mine = table.my_table(attendee)
    if mine is None or request.query_params.get("choose") == "1":
        return _page(attendee, table.picker_view(attendee))
    return _page(attendee, table.table_view(attendee, mine, done=request.query_params.get("done", "")))


def _posting(request: Request, form: FormData) -> device.Attendee | Response:
    found = event_or_response(request)
    if isinstance(found, Response):
        return found
    return posting_attendee(request, form, found) or refused(found)


@threaded
def seat(request: Request, form: FormData) -> Response:
    """POST /e/CODE/table/seat: sit this phone at the chosen table, then its Table page."""
    attendee = _posting(request, form)
    if isinstance(attendee, Response):
        return attendee
    chosen = table.table_numbered(attendee, form_fields(form).get("table", ""))
    problem = Problem("table", "Choose your table.") if chosen is None else table.seat(attendee, chosen)
    if problem is not None:
        return _page(attendee, table.picker_view(attendee, problem), 400)
    return _back(attendee.event.code, "seated")


def _seated(attendee: device.Attendee) -> Table | Response:
    mine = table.my_table(attendee)
    if mine is None:
        missing = Problem("table", "Choose your table first.")
        return _page(attendee, table.picker_view(attendee, missing), 400)
    return mine


@threaded
def consent(request: Request, form: FormData) -> Response:
    """POST /e/CODE/table/consent: give (agree=yes) or withdraw (agree=no) recording consent."""
    attendee = _posting(request, form)
    if isinstance(attendee, Response):
        return attendee
    mine = _seated(attendee)
    if isinstance(mine, Response):
        return mine
    agree = form_fields(form).get("agree") == "yes"
    problem = table.set_consent(attendee, mine, agree)
    if problem is not None:
        return _page(attendee, table.table_view(attendee, mine, problem=problem), 400)
    return _back(attendee.event.code, "given" if agree else "withdrawn")


@threaded
def add_note(request: Request, form: FormData) -> Response:
    """POST /e/CODE/table/note: the scribe's note; or the page again with the text kept and why."""
    attendee = _posting(request, form)
    if isinstance(attendee, Response):
        return attendee
    mine = _seated(attendee)
    if isinstance(mine, Response):
        return mine
    fields = form_fields(form)
    about, typed = fields.get("about", ""), fields.get("note", "")
    problem = table.add_note(attendee, mine, about, typed)
    if problem is not None:
        return _page(attendee, table.table_view(attendee, mine, problem=problem, about=about, note=typed), 400)
    return _back(attendee.event.code, "note")
