"""What the Store and both backends share: errors, the busy message, timestamps, a connection's shape.

A leaf of the storage package (it imports only `faults`), so that base.py
can choose a backend and the backends can raise these without an import cycle.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from .faults import ADVICE

BUSY_TIMEOUT_MS = 10_000  # the default; a Store passes base.BUSY_TIMEOUT_MS to its backend
BUSY_MESSAGE = "The server is very busy and could not save this. Nothing was lost: please try again in a moment."
FAULT_MESSAGE = "Could not save right now — nothing was lost, your text is kept — please try again."


def is_postgres(location: str | os.PathLike) -> bool:
    """Whether a --db / $EVENTKIT_DB value names a PostgreSQL database rather than a file."""
    return str(location).startswith(("postgresql://", "postgres://"))


def utc_now() -> str:
    """An ISO 8601 UTC timestamp with milliseconds, e.g. 2016-05-18T09:30:00.000Z."""
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


class Written(NamedTuple):
    """What one writing statement did: rows changed and its RETURNING rows."""

    rowcount: int
    rows: list[tuple]


class StoreError(Exception):
    """A request the store refuses, with a message fit to show a person."""


class StorageFault(StoreError):
    """The database cannot be used just now: the disk is full, the file is
    read-only or cannot be opened, the disk failed, or the database server
    cannot be reached.

    `cause` names it for staff and the server log; the message is for
    attendees (nothing they sent before was lost, what they typed is kept).
    Every backend maps its own errors to this class (storage_fault in
    backends/sqlite.py, faults_named in backends/postgres.py).
    """

    def __init__(self, cause: str) -> None:
        super().__init__(FAULT_MESSAGE)
        self.cause = cause

    @property
    def advice(self) -> str:
        """What staff can do about it."""
        return ADVICE.get(self.cause, "")


class Db(Protocol):
    """A borrowed connection, the same on both engines (sqlite_utils.Database's shape).

    `execute` returns a cursor (fetchone, fetchall, rowcount, iteration over
    tuples); `query` yields each row as a dict.
    """

    def execute(self, sql: str, parameters: Any = None) -> Any: ...

    def query(self, sql: str, params: Any = None) -> Iterator[dict]: ...


def split_statements(sql: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside them)."""
    return [s.strip() for s in sql.split(";") if s.strip()]
