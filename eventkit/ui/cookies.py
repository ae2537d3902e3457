"""The browser cookies that keep staff signed in for the day: the one module that touches them.

Streamlit 1.67 reads cookies (st.context.cookies: those the browser sent when
this session's page opened) but has no call that sets one. A tiny
st.components.v2 component with fixed JavaScript sets or clears one cookie
in the browser. Both halves are public Streamlit API, but they are the part
an upgrade could break, so they live here alone and tests/test_cookies.py
fails loudly if either changes.

The value is a random pass (eventkit.access.staff), never a passcode or password.
It sits in a cookie, not in the address, so it is never on a projected
screen, in a bookmark or in a shared link; SameSite=Strict, and Secure on
https.
"""

from __future__ import annotations

import re

import streamlit as st

PREFIX = "ek_"
_NAME = re.compile(r"^ek_[a-z0-9_]{1,40}$")
_VALUE = re.compile(r"^[A-Za-z0-9_-]{0,100}$")

# Fixed code: only the name, value and lifetime come from Python, and the
# script checks their shape again before writing anything.
_JS = """
export default function ({ data }) {
  if (!data || !/^ek_[a-z0-9_]{1,40}$/.test(data.name) || !/^[A-Za-z0-9_-]{0,100}$/.test(data.value)) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const age = Math.max(0, Math.floor(Number(data.maxAge) || 0));
  document.cookie = `${data.name}=${data.value}; Max-Age=${age}; Path=/; SameSite=Strict${secure}`;
}
"""
_cookie_writer = st.components.v2.component("eventkit_cookie", js=_JS)


def read(name: str) -> str | None:
    """The cookie's value as the browser sent it when this session started (None if absent)."""
    _check(name, "")
    value = st.context.cookies.get(name)
    # (Under AppTest there is no browser: st.context.cookies holds no strings.)
    return value if isinstance(value, str) and value and _VALUE.match(value) else None


def write(name: str, value: str, max_age: int) -> None:
    """Ask the browser to keep the cookie for max_age seconds (drawn as an empty element)."""
    _check(name, value)
    _cookie_writer(data={"name": name, "value": value, "maxAge": int(max_age)}, key=f"{name}-set")


def clear(name: str) -> None:
    """Ask the browser to forget the cookie."""
    _check(name, "")
    _cookie_writer(data={"name": name, "value": "", "maxAge": 0}, key=f"{name}-clear")


def _check(name: str, value: str) -> None:
    if not _NAME.match(name) or not _VALUE.match(value):
        raise ValueError(f"not an eventkit cookie: {name!r}")
