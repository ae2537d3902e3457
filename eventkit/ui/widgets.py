"""Small widgets every screen uses: stylesheets, a callback's error, literal and prose text."""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

from ..text import plain_markdown as plain  # a label's text, never Markdown
from ..text import reflow

STATIC = Path(__file__).parents[1] / "static"
_FLASH_KEY = "ek_flash"  # an error from a button's callback, for the run it triggers


def use_css(name: str = "base") -> None:
    """Load a stylesheet from eventkit/static after base.css. Pages call it, not the router:
    Streamlit drops what the router draws before any page but the first."""
    st.html(_stylesheet(name))


class _Styles:
    """A stylesheet for st.html, read from disk once per process.

    Given a path, st.html reads the file on every run; given a string, it
    checks whether the string names a file. This object skips both.
    """

    def __init__(self, css: str) -> None:
        self._html = f"<style>{css}</style>"

    def _repr_html_(self) -> str:
        return self._html


@functools.cache
def _stylesheet(name: str) -> _Styles:
    names = dict.fromkeys(("base", name))
    return _Styles("\n".join((STATIC / f"{n}.css").read_text(encoding="utf-8") for n in names))


def flash(message: str) -> None:
    """From a button's callback: show this error in the run the tap triggers."""
    st.session_state[_FLASH_KEY] = message


def has_flash() -> bool:
    """Whether a callback left an error for this run to show."""
    return bool(st.session_state.get(_FLASH_KEY))


def show_flash() -> None:
    """Show (once) the error a callback left, if any."""
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.error(message)


def show_literal(text: str) -> None:
    """Show attendee text exactly as typed: never as Markdown or HTML."""
    st.text(text)


def show_prose(text: str) -> None:
    """Show organiser prose (welcome, facts, stories) as plain reflowed paragraphs."""
    for paragraph in reflow(text):
        st.text(paragraph)


def url_code() -> str:
    """The event code in the URL (?event=), in capitals and whole: a code too long or malformed
    is looked up as it is (and found nowhere), never cut down to one that might exist."""
    return (st.query_params.get("event") or "").strip().upper()


def shown_code(code: str) -> str:
    """A code from the URL for a message: at most 20 characters (then "…"), never Markdown."""
    return plain(code[:20] + ("…" if len(code) > 20 else ""))
