"""The Store's foundation: which database, connections, transactions, migrations.

The domain SQL in the mixins is one text for both engines, written in the
subset SQLite (3.39 and later) and PostgreSQL both run, with `?` and
`:name` placeholders. What differs between the engines (connecting and
pooling, starting a write, placeholders, errors, DDL types, backups,
compaction) lives in a small backend per engine: `backends/sqlite.py` for
a file path (the default, no extra dependency) and `backends/postgres.py`
for a `postgresql://` URL (psycopg 3, imported only then).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .backends import Engine
from .db import (  # noqa: F401 - re-exported: the mixins import these from base
    Db,
    Written,
    is_postgres,
    utc_now,
)
from .errors import BUSY_MESSAGE, FAULT_MESSAGE, StorageFault, StoreError  # noqa: F401 - re-exported
from .faults import FAULTS
from .locks import EventOf
from .migrations import MIGRATIONS
from .stale import Announcer, plumbing, unshared

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "eventkit.db"
ENV_VAR = "EVENTKIT_DB"


def default_path() -> str:
    """The database: $EVENTKIT_DB (a file path or a postgresql:// URL), else data/eventkit.db in the checkout."""
    return os.environ.get(ENV_VAR) or str(DEFAULT_PATH)


def allow_many_open_files() -> int:
    """Raise this process's soft limit on open files to its hard limit; returns it.

    Every phone's websocket is an open file, and every running script holds
    its database connection (two files) until it ends: a 1,024 soft limit,
    common on laptops, would be reached by a few hundred phones.
    """
    try:
        import resource  # not on Windows
    except ImportError:
        return -1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


def _engine_for(path: str) -> Engine:
    """PostgreSQL for a postgresql:// URL (psycopg imported only then), else an SQLite file."""
    if is_postgres(path):
        from .backends.postgres import PostgresEngine

        return PostgresEngine(path)
    from .backends.sqlite import SqliteEngine

    return SqliteEngine(path)


class StoreBase(Announcer):
    """Owns the database; subclasses add the domain operations, each declared in stale.py's terms."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = str(path or default_path())
        self.engine = _engine_for(self.path)  # reads db.BUSY_TIMEOUT_MS when a connection opens
        with self.engine.faults_named():
            self.engine.migrate(MIGRATIONS)

    @property
    def is_postgres(self) -> bool:
        return self.engine.name == "postgresql"

    @unshared
    def describe(self) -> str:
        """Where the data is, fit to print (a URL's password left out)."""
        return self.engine.describe()

    @plumbing
    @contextmanager
    def read(self) -> Iterator[Db]:
        """A connection for reads (autocommit: each statement sees the latest commit)."""
        with self.engine.borrow() as db:
            yield db

    @plumbing
    @contextmanager
    def read_snapshot(self) -> Iterator[Db]:
        """A connection whose reads all see one moment, for copies and exports of many tables."""
        with self.engine.borrow() as db:
            self.engine.begin_snapshot(db)
            try:
                yield db
            finally:
                db.execute("COMMIT")

    @plumbing
    @contextmanager
    def write(self, event: EventOf | None = None, *, serialise: tuple[str, int] | None = None) -> Iterator[Db]:
        """A connection inside one transaction that has every other writer wait: all or nothing.

        SQLite: an IMMEDIATE transaction. PostgreSQL: BEGIN and an exclusive
        advisory lock, so a read-then-write in here holds exactly as with
        SQLite's single writer. With `event` (an id, or e.g. ("poll", poll_id))
        only that event's writers wait: name it when everything read and
        written here is that event's. Without it every writer waits (creating
        an event with a unique code, deleting events). `serialise` also runs
        it alone with others naming that key (storage/locks.py).
        """
        with self.engine.borrow() as db:
            self.engine.begin_write(db, event, serialise)
            try:
                yield db
            except BaseException:
                self.engine.rollback(db)
                raise
            db.execute("COMMIT")
        FAULTS.wrote()

    def _write_one(
        self,
        sql: str,
        params: dict | list,
        *,
        event: EventOf | None,
        serialise: tuple[str, int] | None = None,
    ) -> Written:
        """Run one writing statement as its own transaction.

        Use this for the writes hundreds of phones make at once. A statement
        that reads before it writes (the next participant number, the posting
        limit) names what it must run alone for, e.g. ("join", event_id):
        SQLite's single writer runs it alone anyway; PostgreSQL takes an
        advisory lock on that key first. `event` names the event whose rows
        it writes (an id or e.g. ("poll", poll_id)), None for none (staff
        secrets): PostgreSQL then holds off that event's write() transactions
        while it runs. Busy past the timeout: StoreError
        with BUSY_MESSAGE; a row it refers to deleted meanwhile: StoreError.
        """
        written = self.engine.write_one(sql, params, serialise, event)
        FAULTS.wrote()
        return written

    @plumbing
    def release_connection(self) -> None:
        """Let go of this thread's kept connection, if any (for long-lived threads)."""
        self.engine.release()

    @plumbing
    def close(self) -> None:
        """Close this thread's kept SQLite connection, or the PostgreSQL pool (reopened if used again)."""
        self.engine.close()

    @unshared
    def applied_migrations(self) -> list[str]:
        """Names of the migrations this database has, in order applied."""
        with self.read() as db:
            return [r["name"] for r in db.query("SELECT name FROM migrations ORDER BY applied_at, name")]

    @unshared
    def integrity_ok(self) -> bool:
        """True when the engine's own check finds nothing wrong."""
        return self.engine.integrity_ok()
