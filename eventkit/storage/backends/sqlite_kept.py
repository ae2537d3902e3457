"""SQLite's kept connections: one per thread, reused between operations and closed when the thread ends."""

from __future__ import annotations

import contextlib
import sqlite3
import threading

import sqlite_utils


def _keep_if_clean(local: threading.local, kept: _Kept) -> None:
    """Keep a connection for the thread's next operation only outside any transaction."""
    if kept.db.conn.in_transaction:  # never expected; a snapshot or lock must not outlive its operation
        kept.close()
    else:
        local.kept = kept


class _Kept:
    """A thread's kept connection, closed when the thread ends.

    Python's sqlite3 connections sit in a reference cycle (their statement
    cache), so without this their files would stay open until the next
    garbage collection: one per finished Streamlit run.
    """

    __slots__ = ("db",)

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def close(self) -> None:
        with contextlib.suppress(
            sqlite3.ProgrammingError
        ):  # dropped on another thread (its Store went): the GC closes it
            self.db.conn.close()

    def __del__(self) -> None:  # the thread ended: its thread-local values go on that thread
        self.close()
