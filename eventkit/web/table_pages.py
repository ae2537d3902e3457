"""The Table page's handlers: GET /e/CODE/table, POST …/table/seat, …/table/consent, …/table/note.

A phone seated at a table (by its table's QR code, `join?table=N`, or the
picker) sees that table; one not seated, or asking `?choose=1`, sees the
picker. Each POST answers 303 back to the Table page, which says what was
saved; a refused note comes back in the box with the reason in an error summary.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..models import Table
from . import device, table
from .frame import attendee_page, posting, see_other, visiting
from .render import Problem


def _page(attendee: device.Attendee, view: dict, status: int = 200) -> Response:
    return attendee_page("table.html", attendee, "table", status, **view)


def _back(code: str, done: str) -> Response:
    return see_other(f"{device.event_path(code)}/table?done={done}")


@visiting
def table_page(request: Request, attendee: device.Attendee) -> Response:
    """GET /e/CODE/table[?choose=1]: this phone's table, or the picker."""
    mine = table.my_table(attendee)
    if mine is None or request.query_params.get("choose") == "1":
        return _page(attendee, table.picker_view(attendee))
    return _page(attendee, table.table_view(attendee, mine, done=request.query_params.get("done", "")))


@posting
def seat(attendee: device.Attendee, fields: dict[str, str]) -> Response:
    """POST /e/CODE/table/seat: sit this phone at the chosen table, then its Table page."""
    chosen = table.table_numbered(attendee, fields.get("table", ""))
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


@posting
def consent(attendee: device.Attendee, fields: dict[str, str]) -> Response:
    """POST /e/CODE/table/consent: give (agree=yes) or withdraw (agree=no) recording consent."""
    mine = _seated(attendee)
    if isinstance(mine, Response):
        return mine
    agree = fields.get("agree") == "yes"
    problem = table.set_consent(attendee, mine, agree)
    if problem is not None:
        return _page(attendee, table.table_view(attendee, mine, problem=problem), 400)
    return _back(attendee.event.code, "given" if agree else "withdrawn")


@posting
def add_note(attendee: device.Attendee, fields: dict[str, str]) -> Response:
    """POST /e/CODE/table/note: the scribe's note; or the page again with the text kept and why."""
    mine = _seated(attendee)
    if isinstance(mine, Response):
        return mine
    about, typed = fields.get("about", ""), fields.get("note", "")
    problem = table.add_note(attendee, mine, about, typed)
    if problem is not None:
        return _page(attendee, table.table_view(attendee, mine, problem=problem, about=about, note=typed), 400)
    return _back(attendee.event.code, "note")
