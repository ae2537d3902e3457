"""The staff pass's cookie as the Streamlit pages see it: read it, and hand a new pass to the server.

Streamlit 1.67 reads cookies (st.context.cookies: those the browser sent when
this session's page opened, HttpOnly ones included) but cannot set one from
the server. The pass's cookie is therefore set by the server's own route,
POST /staff/pass (eventkit/web/staff_routes.py), HttpOnly, so no script on
any page (the projector's, an attendee's) can read it. After a sign-in, a
tiny st.components.v2 component with fixed JavaScript posts a one-time,
one-minute handoff code (never the pass) to that route; the answer's
Set-Cookie reaches the browser, not the script. Both halves are public
Streamlit API, but they are the part an upgrade could break, so they live
here alone and tests/test_cookies.py fails loudly if either changes.
"""

from __future__ import annotations

import re

import streamlit as st

PREFIX = "ek_"
_NAME = re.compile(r"^ek_[a-z0-9_]{1,40}$")
_VALUE = re.compile(r"^[A-Za-z0-9_-]{0,100}$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# Fixed code: only the handoff code comes from Python, and the script checks its shape again.
_JS = """
export default function ({ data }) {
  if (!data || !/^[A-Za-z0-9_-]{16,64}$/.test(data.code)) return;
  fetch("/staff/pass", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "code=" + data.code,
  }).catch(() => {});
}
"""
_handoff = st.components.v2.component("eventkit_pass_handoff", js=_JS)


def read(name: str) -> str | None:
    """The cookie's value as the browser sent it when this session started (None if absent)."""
    _check(name, "")
    value = st.context.cookies.get(name)
    # (Under AppTest there is no browser: st.context.cookies holds no strings.)
    return value if isinstance(value, str) and value and _VALUE.match(value) else None


def hand_over(code: str) -> None:
    """Have the browser post the handoff code to the server, which sets the cookie (an empty element)."""
    if not _CODE.match(code):
        raise ValueError("not a handoff code")
    _handoff(data={"code": code}, key="ek-pass-handoff")


def _check(name: str, value: str) -> None:
    if not _NAME.match(name) or not _VALUE.match(value):
        raise ValueError(f"not an eventkit cookie: {name!r}")
