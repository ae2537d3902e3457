"""The Store and shared reads the HTML pages use: one of each per server process.

The same construction as eventkit/ui/live/adapter.py's (the demo event
ensured; the organiser password is the staff pages' concern), without Streamlit:
this package never imports it. A write through `store()` drops the shared
reads it makes stale (its @changes declarations: SharedReads subscribes to it). The Streamlit screens of
the same process keep their own SharedReads; a change made there reaches
these reads when their lifetime ends (at most 2 s, 1 s for what is live).
"""

from __future__ import annotations

import functools

from eventkit.event.demo import ensure_demo

from ..live.reads import SharedReads
from ..storage import Store, allow_many_open_files, default_path


@functools.cache
def _reads_for(path: str) -> SharedReads:
    allow_many_open_files()
    plain = Store(path)
    ensure_demo(plain)
    return SharedReads(plain)


def reads() -> SharedReads:
    """The reads every HTML page of this process shares."""
    return _reads_for(str(default_path()))


def store() -> Store:
    """The Store; a write through it drops the shared reads it makes stale."""
    return reads().store


def forget() -> None:
    """Drop the process's Store and its shared reads (a test's next database starts afresh)."""
    _reads_for.cache_clear()
