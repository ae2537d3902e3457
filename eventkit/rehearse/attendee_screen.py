"""Reading the Streamlit attendee's screen: its vote buttons, a chosen option, the keys in widget ids."""

from __future__ import annotations

import re

from .client import ProtocolError, StreamlitSession
from .screen import Shown

VOTE_KEY = re.compile(r"-vote-(\d+)-(\d+)$")
EVAL_KEY = re.compile(r"-eval-(\d+)$")


def _matched(pattern: re.Pattern[str], element_id: str) -> re.Match[str]:
    """The key's match in a widget id the caller found by it."""
    found = pattern.search(element_id)
    if found is None:
        raise ProtocolError(f"{element_id!r} does not match {pattern.pattern}")
    return found


def _vote_buttons(session: StreamlitSession, poll_id: int) -> list[Shown]:
    return [
        b
        for b in session.find("button")
        if (m := VOTE_KEY.search(b.element_id)) and int(m[1]) == poll_id and not b.proto.disabled
    ]


def _chosen(session: StreamlitSession, poll_id: int, option_id: int, since_run: int) -> bool:
    return any(
        b.element_id.endswith(f"-vote-{poll_id}-{option_id}") and b.proto.label.startswith("✓") and b.run > since_run
        for b in session.find("button")
    )
