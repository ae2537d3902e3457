"""What app.py hands to `st.App`: the attendee routes, the middleware for printed links, the lifespan.

The HTML pages are the only attendee interface. Printed QR codes and cards
open `/?event=CODE[&table=N]`, and `/` is also Streamlit's index (the staff
pages' router), so a Starlette route there would take it from the staff.
Instead PrintedLinks, a small ASGI middleware, looks at a GET or HEAD of `/`
only: when it carries `event=`, it answers 303 to the event's HTML join
(`/e/CODE/join?table=N`, and an old Streamlit page's `p=` so a phone moving
over keeps its votes); everything else, `/` without `event=` included, goes on
to Streamlit untouched. Staff links never put `event=` on `/` (the control
panel is /facilitator?event=CODE). A printed table link (`&table=N`) joins,
seats the phone and lands on the table's page (/e/CODE/table), not on Now.

The retired Streamlit attendee pages' addresses (`/wall?event=CODE`, /table,
/feedback, /privacy), kept in bookmarks and open tabs, go to the same page of
the HTML event (or through its join when they carry a `p=` token).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from eventkit.event.check import CODE_RE

from ..storage import StoreError
from . import feedback_pages, pages, staff_routes, stream, table_pages, unavailable, wall_pages
from .frame import join_address, see_other
from .nodelay import listening_tcp_sockets, set_nodelay_on_listeners

# The retired Streamlit attendee pages, by path: each now lives under /e/CODE.
RETIRED_PAGES = {"/wall": "/wall", "/table": "/table", "/feedback": "/feedback", "/privacy": "/privacy"}


def routes() -> list[Route]:
    return [
        Route("/join", pages.join_form, methods=["GET"]),
        Route("/e/{code}", pages.now_page, methods=["GET"]),
        Route("/e/{code}/join", pages.join, methods=["GET"]),
        Route("/e/{code}/vote", pages.vote, methods=["POST"]),
        Route("/e/{code}/privacy", pages.privacy, methods=["GET"]),
        Route("/e/{code}/live", pages.live, methods=["GET"]),
        Route("/e/{code}/events", stream.events, methods=["GET"]),
        Route("/e/{code}/wall", wall_pages.wall_page, methods=["GET"]),
        Route("/e/{code}/wall/post", wall_pages.post_note, methods=["POST"]),
        Route("/e/{code}/wall/agree", wall_pages.agree, methods=["POST"]),
        Route("/e/{code}/table", table_pages.table_page, methods=["GET"]),
        Route("/e/{code}/table/seat", table_pages.seat, methods=["POST"]),
        Route("/e/{code}/table/consent", table_pages.consent, methods=["POST"]),
        Route("/e/{code}/table/note", table_pages.add_note, methods=["POST"]),
        Route("/e/{code}/feedback", feedback_pages.feedback_page, methods=["GET"]),
        Route("/e/{code}/feedback", feedback_pages.send, methods=["POST"]),
        # Staff passes (the Streamlit staff pages are Streamlit's own routes)
        Route("/staff/pass", staff_routes.take_pass, methods=["POST"]),
        Route("/staff/sign-out", staff_routes.sign_out_page, methods=["GET"]),
        Route("/staff/sign-out", staff_routes.sign_out, methods=["POST"]),
        Route("/staff/signed-out", staff_routes.signed_out, methods=["GET"]),
        Route("/staff/download/backup", staff_routes.backup, methods=["GET"]),
        Route("/staff/download/{kind}", staff_routes.download, methods=["GET"]),
    ]


def printed_link_target(path: str, query_string: bytes) -> str | None:
    """Where a printed link `/?event=CODE&table=N` (or a retired page's `/wall?event=CODE`) goes now;
    None for every other request."""
    if (path != "/" and path not in RETIRED_PAGES) or b"event=" not in query_string:
        return None
    query = parse_qs(query_string.decode("latin-1"))
    typed = (query.get("event") or [""])[0].strip()
    code = typed.upper()
    if not code:
        return None
    if not CODE_RE.fullmatch(code):  # the join form says there is no such event
        return "/join?" + urlencode({"event": typed[:20]})
    token = _first(query, "p")
    if path in RETIRED_PAGES and not token:  # the page itself; it sends a phone that has not joined to the join
        return f"/e/{code}{RETIRED_PAGES[path]}"
    return join_address(code, _first(query, "table"), token)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


class PrintedLinks:
    """ASGI middleware: `/?event=…` to the HTML join (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            target = printed_link_target(scope["path"], scope.get("query_string", b""))
            if target is not None:
                await see_other(target)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def middleware() -> list[Middleware]:
    return [Middleware(PrintedLinks)]


def exception_handlers() -> dict[Any, Any]:
    """A StoreError no handler caught (the database down or too busy): a plain 503 page with
    Try again (unavailable.py), never Starlette's "Internal Server Error"."""
    return {StoreError: unavailable.store_error}


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """Server start: TCP_NODELAY on the listening socket (nodelay.py says why). Shutdown: every
    open event stream ends, so the server does not wait for phones that never hang up."""
    listeners = listening_tcp_sockets()
    set_nodelay_on_listeners(listeners)
    stream.follow_listeners(listeners)  # streams end when these close (stream.py)
    try:
        yield
    finally:
        await stream.stop_streams()
