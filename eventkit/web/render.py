"""HTML responses: Jinja2 templates with autoescaping, the phone stylesheet inline, strict headers.

Every value a template prints is escaped (autoescape on for every template;
nothing is marked safe but the stylesheet and follow.js, read from our own files), so
attendee and organiser text is shown as typed, never as HTML. The stylesheet
and the one script (follow.js) are inlined (one request on a poor signal) and
allowed by their hashes in the Content-Security-Policy, which allows nothing
else: no other script, no third-party asset, forms only to this site.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.responses import HTMLResponse

HERE = Path(__file__).parent
LANG, DIR = "en", "ltr"  # the attendee pages' language and direction (one place to change for Welsh, Arabic…)


@dataclass(frozen=True)
class Problem:
    """One error for the error summary: the field (its id) it is about and what to do."""

    field: str
    message: str


@functools.cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(css=Markup(stylesheet()), script=Markup(script()), lang=LANG, dir=DIR, refresh=0, errors=[])
    return env


@functools.cache
def stylesheet() -> str:
    """The phone stylesheet (eventkit/web/static/phone.css), inlined in every page."""
    return (HERE / "static" / "phone.css").read_text(encoding="utf-8")


@functools.cache
def script() -> str:
    """The pages' one script (eventkit/web/static/follow.js), inlined where a page follows the room."""
    return (HERE / "static" / "follow.js").read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@functools.cache
def _headers() -> dict[str, str]:
    policy = (
        f"default-src 'none'; style-src '{_digest(stylesheet())}'; script-src '{_digest(script())}'; "
        "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",  # each page is this device's own (its vote, its form token)
    }


def page(template: str, status: int = 200, **context: object) -> HTMLResponse:
    """A rendered page with the security headers."""
    html = _env().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=_headers())
