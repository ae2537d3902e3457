"""Staff passes in the browser, served by the server alone: set, signed out, and checked on every download.

- POST /staff/pass             the page that signed in sends its one-time handoff code
                               (eventkit.access.staff.hand_over); the answer sets the pass's
                               cookie, HttpOnly and SameSite=Strict (pass_cookie.py)
- GET  /staff/sign-out?event=  a page with one Sign out button (opening it signs nobody out)
- POST /staff/sign-out         same origin and the form token of this browser's pass: the pass
                               ends in the database (every tab, at its next check) and the
                               cookie is cleared; 303 to /staff/signed-out
- GET  /staff/signed-out       says so, with Sign in again
- GET  /staff/download/backup  the whole database (staff hashes blanked), for a browser whose
                               organiser pass is valid at this fetch; 403 otherwise
- GET  /staff/download/{kind}?event=CODE  one of the event's files (eventkit/outputs/downloads.py
                               KINDS), built at this fetch, on the same condition; 404 for an
                               unknown kind or event

Without `?event=CODE` the sign-out pages are the organiser's; with it, that event's control panel's.
"""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from eventkit.access import security, staff
from eventkit.event.check import CODE_RE
from eventkit.outputs import downloads, exports

from ..models import Event
from ..storage import StoreError
from . import device, render
from .frame import message_page, see_other, threaded
from .pass_cookie import clear_pass_cookie, pass_is_valid_here, set_pass_cookie
from .store import reads, store


@threaded
def take_pass(request: Request, form: FormData) -> Response:
    """POST /staff/pass: exchange a handoff code for the pass's HttpOnly cookie (204), else 403."""
    code = form.get("code")
    handed = (
        staff.take_handover(store(), code if isinstance(code, str) else None) if device.same_origin(request) else None
    )
    if handed is None:
        return PlainTextResponse("That sign-in code is not valid (used, expired or from another site).", 403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    set_pass_cookie(response, request, *handed)
    return response


@threaded
def sign_out_page(request: Request, form: FormData) -> Response:
    """GET /staff/sign-out[?event=CODE]: ask; only the button (a POST) signs out."""
    event = _event(request.query_params.get("event"))
    name, token = _pass_of(request, event)
    where = f"the control panel of {event.code}" if event else "the organiser area"
    if token is None:
        return message_page(
            200, "Not signed in", f"This browser holds no sign-in for {where}.", action=_sign_in_again(event)
        )
    back = _sign_in_again(event)
    return render.page(
        "staff_sign_out.html",
        page_title="Sign out",
        title=event.title if event else "",
        question=f"Sign this browser out of {where}? Every tab of it stops working at its next refresh.",
        form_token=device.form_token(token),
        code=event.code if event else "",
        back_href=back["href"],
        back_label="Stay signed in: back to " + ("the control panel" if event else "the organiser area"),
    )


@threaded
def sign_out(request: Request, form: FormData) -> Response:
    """POST /staff/sign-out: end this browser's pass everywhere and clear its cookie."""
    code = form.get("event")
    event = _event(code if isinstance(code, str) else None)
    name, token = _pass_of(request, event)
    sent = form.get(device.FORM_TOKEN_FIELD)
    if not device.post_is_genuine(request, token, sent if isinstance(sent, str) else None):
        return message_page(
            403,
            "That sign-out was not sent from this server's page",
            "Nobody was signed out. Use the Sign out button on the staff pages.",
            action=_sign_in_again(event),
        )
    staff.revoke_pass(store(), token)
    response = see_other("/staff/signed-out" + (f"?event={event.code}" if event else ""))
    clear_pass_cookie(response, request, name)
    return response


@threaded
def signed_out(request: Request, form: FormData) -> Response:
    """GET /staff/signed-out[?event=CODE]."""
    event = _event(request.query_params.get("event"))
    where = f"the control panel of {event.code}" if event else "the organiser area"
    return message_page(
        200,
        "Signed out",
        f"This browser is signed out of {where}, in every tab.",
        "Staff stay signed in on a browser until midnight unless they sign out, "
        "so sign out on a shared computer when you are done.",
        action=_sign_in_again(event),
    )


NOT_ORGANISER = "Sign in as the organiser to download this file (or sign in again)."


@threaded
def backup(request: Request, form: FormData) -> Response:
    """GET /staff/download/backup: the whole SQLite database, for a valid organiser pass only."""
    if not pass_is_valid_here(request, store(), None):
        return PlainTextResponse(NOT_ORGANISER, 403)
    try:
        data = exports.backup_bytes(store())
    except StoreError as err:  # PostgreSQL: pg_dump's job
        return PlainTextResponse(str(err), 404)
    name = f"eventkit-backup-{date.today().isoformat()}.db"
    return Response(
        data,
        media_type="application/vnd.sqlite3",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@threaded
def download(request: Request, form: FormData) -> Response:
    """GET /staff/download/{kind}?event=CODE: one file of the event, for a valid organiser pass only."""
    if not pass_is_valid_here(request, store(), None):
        return PlainTextResponse(NOT_ORGANISER, 403)
    kind = downloads.KINDS.get(request.path_params["kind"])
    event = _event(request.query_params.get("event"))
    if kind is None or event is None:
        return PlainTextResponse("There is no such file: check the address, or download it again from its page.", 404)
    return Response(
        kind.build(store(), event),
        media_type=kind.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{kind.file_name(event)}"',
            "Cache-Control": "no-store",
        },
    )


def _event(code: str | None) -> Event | None:
    typed = (code or "").strip().upper()
    return reads().event_by_code(typed) if CODE_RE.fullmatch(typed) else None


def _pass_of(request: Request, event: Event | None) -> tuple[str, str | None]:
    """The pass cookie's name for the organiser (event None) or the event's panel, and its value."""
    name = staff.facilitator_cookie(event.id) if event else staff.ORGANISER_COOKIE
    value = request.cookies.get(name)
    return name, value if security.looks_like_token(value) else None


def _sign_in_again(event: Event | None) -> dict:
    if event:
        return {"href": f"/facilitator?event={event.code}", "label": "Sign in again"}
    return {"href": "/organiser", "label": "Sign in again"}
