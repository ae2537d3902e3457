"""The staff pass's cookie, as the server sets, clears and checks it (no page script can touch it).

HttpOnly, so `document.cookie` on the projector or any page never shows it;
SameSite=Strict, so no request started by another site carries it; Path=/,
as the Streamlit staff pages and the /staff routes both need it; Secure when
the request reached us over TLS. Behind a TLS proxy this server sees plain
http: the proxy's X-Forwarded-Proto is believed only from the address in
$EVENTKIT_TRUSTED_PROXY (unset: from nobody), so a client cannot claim https
for itself (docs/deployment.md).
"""

from __future__ import annotations

import os

from starlette.requests import Request
from starlette.responses import Response

from eventkit.access import security, staff

from ..storage import Store

TRUSTED_PROXY_ENV = "EVENTKIT_TRUSTED_PROXY"


def came_over_tls(request: Request) -> bool:
    """Whether the browser's connection is https: directly, or through the configured proxy."""
    if request.url.scheme == "https":
        return True
    proxy = os.environ.get(TRUSTED_PROXY_ENV, "").strip()
    client = request.client.host if request.client else ""
    forwarded = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return bool(proxy) and client == proxy and forwarded == "https"


def set_pass_cookie(response: Response, request: Request, name: str, token: str) -> None:
    """Give the browser the pass until midnight (server time), when it ends anyway."""
    _, seconds = staff.day_left()
    response.set_cookie(
        name, token, max_age=seconds, path="/", secure=came_over_tls(request), httponly=True, samesite="strict"
    )


def clear_pass_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", secure=came_over_tls(request), httponly=True, samesite="strict")


def pass_is_valid_here(request: Request, store: Store, event_id: int | None) -> bool:
    """Whether this request's cookie holds a valid organiser pass (event_id None) or panel pass."""
    if event_id is None:
        token = request.cookies.get(staff.ORGANISER_COOKIE)
        mark = staff.organiser_mark(store, staff.configured_admin_password())
        return security.looks_like_token(token) and staff.pass_is_valid(store, token, "organiser", None, mark)
    token = request.cookies.get(staff.facilitator_cookie(event_id))
    mark = staff.facilitator_mark(store.facilitator_hash(event_id))
    return security.looks_like_token(token) and staff.pass_is_valid(store, token, "facilitator", event_id, mark)
