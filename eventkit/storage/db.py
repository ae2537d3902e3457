"""A connection's shape on both engines, and what goes into one: the `Db` protocol, a write's
result, migration statements, the busy timeout and the one timestamp format.

A leaf of the storage package (it imports nothing of eventkit), so that base.py
can choose a backend and the backends can share these without an import cycle.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

BUSY_TIMEOUT_MS = 10_000  # how long a write waits for the database (or PostgreSQL's pool) before "very busy"


def busy_timeout_ms() -> int:
    """BUSY_TIMEOUT_MS as it is now (read when a connection opens, so a test may lower it)."""
    return BUSY_TIMEOUT_MS


def is_postgres(location: str | os.PathLike) -> bool:
    """Whether a --db / $EVENTKIT_DB value names a PostgreSQL database rather than a file."""
    return str(location).startswith(("postgresql://", "postgres://"))


def utc_stamp(moment: datetime) -> str:
    """A moment as stored: ISO 8601 UTC with milliseconds, e.g. 2016-05-18T09:30:00.000Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> str:
    """Now, as stored (utc_stamp)."""
    return utc_stamp(datetime.now(UTC))


def parse_stamp(stamp: str) -> datetime:
    """A stored timestamp back as an aware datetime."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


class Written(NamedTuple):
    """What one writing statement did: rows changed and its RETURNING rows."""

    rowcount: int
    rows: list[tuple]


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
