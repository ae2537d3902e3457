"""When the database cannot answer: a plain page that says so (503) and offers Try again, never a crash.

Any StoreError a handler did not catch ends here: a fault (PostgreSQL down,
a full disk, an unopenable SQLite file: StorageFault) or a refusal (the
server too busy to answer in time: the pool's wait ran out). `frame.threaded`
catches it around every attendee handler, with the form in hand; the
exception handler below (given to `st.App`) catches what escapes elsewhere.
A GET says the page cannot load and links to the same address; a POST says
nothing was saved and gives the form back as it was sent (what was typed in
boxes, editable, the rest hidden), its button sending it again. The store
logs a fault once (eventkit/storage/faults.py); this logs no line per page.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from ..storage import StorageFault, StoreError
from ..storage.errors import BUSY_MESSAGE
from . import render

PAGE_MESSAGE = (
    "This page cannot load just now: the server cannot reach the event's data. "
    "Nothing you sent before was lost — please try again in a moment."
)
BUSY_PAGE_MESSAGE = (
    "This page cannot load just now: the server is very busy. "
    "Nothing you sent before was lost — please try again in a moment."
)
TYPED_FIELDS = ("note", "estimate")  # and the evaluation's answers (item-N): boxes people type in
_LOG = logging.getLogger(__name__)


def page(request: Request, err: StoreError, form: FormData | None = None) -> Response:
    """The 503 page for a request that met `err`: Try again (the same address, or the form sent again)."""
    if not isinstance(err, StorageFault):  # a fault is logged once by the store
        _LOG.info("%s %s: %s", request.method, request.url.path, err)
    if request.method in ("GET", "HEAD"):
        # (a fault, or the Store of a process started during an outage: "Cannot connect to …", which
        # names the database's address: staff read that in the log and on their pages, phones do not)
        said = BUSY_PAGE_MESSAGE if str(err) == BUSY_MESSAGE else PAGE_MESSAGE
        return render.page(
            "message.html",
            503,
            page_title="Please try again",
            paragraphs=[said],
            action={"href": same_address(request), "label": "Try again"},
        )
    if form is None:  # (the exception handler: the form is not at hand) the message alone
        return render.page("message.html", 503, page_title="Not saved: please try again", paragraphs=[str(err)])
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return render.page(
        "message.html",
        503,
        page_title="Not saved: please try again",
        paragraphs=[str(err)],
        resend={
            "action": request.url.path,
            "typed": [(k, v) for k, v in fields if _typed(k, v)],
            "hidden": [(k, v) for k, v in fields if not _typed(k, v)],
        },
    )


def same_address(request: Request) -> str:
    """The address asked for, to ask again; not the join's cookie check (c=1), so a Try again
    link opened in another browser starts the join over instead of saying cookies are off."""
    kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "c"])
    return request.url.path + (f"?{kept}" if kept else "")


def _typed(name: str, value: str) -> bool:
    """A box the person typed in (shown again, editable), not a choice or a token (sent back hidden)."""
    return (name in TYPED_FIELDS or name.startswith("item-")) and bool(value) and not value.isdigit()


async def store_error(request: Request, exc: Exception) -> Response:
    """Starlette's exception handler for StoreError (asgi.exception_handlers)."""
    assert isinstance(exc, StoreError)
    return page(request, exc)
