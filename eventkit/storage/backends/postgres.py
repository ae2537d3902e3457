"""PostgreSQL: one database shared by any number of app processes and hosts.

Selected by a `postgresql://` URL; needs psycopg 3 and psycopg_pool
(requirements-postgres.txt), imported only here, in postgres_sql.py and in
postgres_pool.py. Each process keeps one bounded pool of connections per
URL (EVENTKIT_PG_POOL_SIZE, default 10);
a connection is borrowed for one operation. Waiting longer than the busy
timeout for a connection or a lock gives the same "very busy, nothing lost"
refusal as SQLite's busy timeout.

SQLite runs one writer at a time; here that guarantee is rebuilt with
advisory locks, so the shared domain SQL holds under concurrent writers:
a cross-event `write()` transaction takes one database-wide lock
exclusively and every other write takes it shared; a `write(event=...)`
transaction takes its event's lock exclusively and every one-statement
write of that event takes it shared (SQLite's BEGIN IMMEDIATE semantics
within the event, while votes run side by side and other events' writes
never wait: storage/locks.py). A statement that reads before it writes
(the next participant number, the posting limit) also locks its own key,
e.g. the event or the participant.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool, PoolTimeout

from ..db import Db, Written, busy_timeout_ms, split_statements, utc_now
from ..errors import BUSY_MESSAGE, StorageFault, StoreError
from ..faults import FAULTS, current_fault
from ..locks import EventOf
from .postgres_pool import _connect_fails, close_later, renewal_due
from .postgres_sql import (  # noqa: F401  (WRITE_KEY, translate: importable from here as before)
    MIGRATE_KEY,
    WRITE_KEY,
    PgDb,
    _begin,
    _rollback,
    ddl,
    lent,
    one_statement_locks,
    redact,
    translate,
    write_locks,
)

POOL_SIZE = int(os.environ.get("EVENTKIT_PG_POOL_SIZE") or 10)
UNREACHABLE = "database unreachable"
OUTAGE_WAIT_S = 2.0  # the wait for a pooled connection while the database is known to be out of reach
PROBE_REUSE_S = 1.0  # threads that time out together share one attempt's answer
GONE_MESSAGE = "That is no longer part of this event: please reload the page."
UNSTORABLE_MESSAGE = "That cannot be stored as it is (a number out of range or a NUL character): please change it."
_BUSY = (
    errors.LockNotAvailable,
    errors.QueryCanceled,
    errors.DeadlockDetected,
    errors.SerializationFailure,
    PoolTimeout,  # (borrow() asks first whether the database is out of reach)
)
# PostgreSQL's errors that mean the database cannot be used just now, by the cause staff are told.
_FAULTS = (
    (errors.DiskFull, "disk full"),
    (errors.IoError, "disk I/O error"),
    (errors.ReadOnlySqlTransaction, "database read-only (a standby?)"),
    (psycopg.OperationalError, UNREACHABLE),
)  # down, restarting, failed over, no network

_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()
_forsaken: list[dict[str, ConnectionPool]] = []  # a parent's pools, in a forked child: never used nor closed
_probes: dict[str, tuple[float, psycopg.OperationalError | None]] = {}  # url -> (when, what a fresh connect met)
_probes_lock = threading.Lock()


def _after_fork_in_child() -> None:
    """A forked process starts without pools: its parent's connections and pool threads are not its own.

    They are kept, unused, rather than closed: closing would end the parent's
    connections on the server. The lock is new: the parent may have held it.
    """
    global _pools_lock
    _forsaken.append(dict(_pools))
    _pools.clear()
    _pools_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


class PostgresEngine:
    name = "postgresql"

    def __init__(self, url: str, busy_timeout_ms: Callable[[], int] = busy_timeout_ms) -> None:
        self.url = url
        self.busy_timeout_ms = busy_timeout_ms

    def describe(self) -> str:
        return redact(self.url)

    def _pool(self) -> ConnectionPool:
        with _pools_lock:
            pool = _pools.get(self.url)
            if pool is None or pool.closed:
                pool = _pools[self.url] = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=POOL_SIZE,
                    timeout=self.busy_timeout_ms() / 1000,
                    open=True,
                    kwargs={"autocommit": True},
                    configure=_configure(self.busy_timeout_ms()),
                    name="eventkit",
                )
            return pool

    @contextmanager
    def borrow(self) -> Iterator[PgDb]:
        """A pooled connection for one operation (another one if this thread already holds one)."""
        pool = self._pool()
        with self.faults_named():
            try:
                conn = pool.getconn(self._wait_s())
            except PoolTimeout as err:
                why = self._why_no_connection(pool)
                if why is not None:
                    raise why from err
                pool = self._pool()  # back after an outage: a new pool, not the old one's backoff
                conn = pool.getconn(self._wait_s())  # a timeout here is very busy (faults_named)
            try:
                yield PgDb(conn)
            finally:
                pool.putconn(conn)  # a transaction left open is rolled back by the pool

    def _wait_s(self) -> float:
        """How long to wait for a pooled connection: the busy timeout, or a short wait while the
        database is known to be out of reach (a new phone is told in seconds, not after 10 s)."""
        usual = self.busy_timeout_ms() / 1000
        return min(usual, OUTAGE_WAIT_S) if current_fault(within_seconds=30) == UNREACHABLE else usual

    def _why_no_connection(self, stale: ConnectionPool) -> Exception | None:
        """After the wait for a pooled connection ran out: the database is out of reach (a fresh
        connection fails too: StorageFault, logged once), back from an outage (None: a new pool
        to ask, _renewed) or every connection is in use (very busy)."""
        with _probes_lock:  # one attempt at a time; threads timing out together share its answer
            when, met = _probes.get(self.url, (0.0, None))
            if time.monotonic() - when > PROBE_REUSE_S:
                met = _connect_fails(self.url)
                _probes[self.url] = (time.monotonic(), met)
        if met is None:
            return None if self._renewed(stale) else StoreError(BUSY_MESSAGE)
        fault = StorageFault(UNREACHABLE)
        FAULTS.failed(fault, met, self.describe())
        return fault

    def _renewed(self, stale: ConnectionPool) -> bool:
        """Whether a pool other than `stale` is there to ask: after an outage (postgres_pool.renewal_due)."""
        with _pools_lock:
            if _pools.get(self.url) is not stale:  # another thread replaced it
                return True
            if current_fault(within_seconds=30) != UNREACHABLE or not renewal_due(self.url):
                return False
            del _pools[self.url]
        close_later(stale, self.busy_timeout_ms() / 1000 + 1)  # once its waiting clients gave up
        return True

    @contextmanager
    def faults_named(self) -> Iterator[None]:
        """Waits past the timeout become the busy refusal; a database that cannot be used, StorageFault."""
        try:
            yield
        except _BUSY as err:
            raise StoreError(BUSY_MESSAGE) from err
        except psycopg.DataError as err:  # SQLite would store a NUL; PostgreSQL's text cannot hold one
            raise StoreError(UNSTORABLE_MESSAGE) from err
        except psycopg.Error as err:
            cause = next((cause for kind, cause in _FAULTS if isinstance(err, kind)), None)
            if cause is None:
                raise
            fault = StorageFault(cause)
            FAULTS.failed(fault, err, self.describe())
            raise fault from err

    def rollback(self, db: Db) -> None:
        _rollback(lent(db))

    def release(self) -> None:
        """Nothing kept per thread: connections go back to the pool after each operation."""

    def close(self) -> None:
        with _pools_lock:
            pool = _pools.pop(self.url, None)
        if pool is not None:
            pool.close()

    def begin_write(self, db: Db, event: EventOf | None = None, serialise: tuple[str, int] | None = None) -> None:
        _begin(lent(db), write_locks(event, serialise))

    def begin_snapshot(self, db: Db) -> None:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def write_one(
        self, sql: str, params: dict | list, serialise: tuple[str, int] | None, event: EventOf | None = None
    ) -> Written:
        with self.borrow() as db:
            _begin(db, one_statement_locks(event, serialise))
            try:
                cursor = db.execute(sql, params)
                rows = cursor.fetchall() if cursor.description else []
                db.execute("COMMIT")
                return Written(cursor.rowcount, rows)
            except psycopg.IntegrityError as err:  # e.g. its prompt was deleted since the checks read it
                db.execute("ROLLBACK")
                raise StoreError(GONE_MESSAGE) from err
            except BaseException:
                _rollback(db)
                raise

    def migrate(self, migrations: list[tuple[str, str]]) -> None:
        """Apply what is missing, under a lock held across the database: N hosts may start at once."""
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as err:
            reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
            raise StoreError(f"Cannot connect to PostgreSQL at {self.describe()}: {reason}") from err
        with conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_KEY])
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
                done = {r[0] for r in conn.execute("SELECT name FROM migrations")}
                for name, sql in migrations:
                    if name not in done:
                        with conn.transaction():  # PostgreSQL's DDL is transactional: all of it or none
                            for statement in split_statements(sql):
                                conn.execute(ddl(statement))
                            conn.execute("INSERT INTO migrations (name, applied_at) VALUES (%s, %s)", [name, utc_now()])
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_KEY])

    def table_names(self, db: Db) -> list[str]:
        return [
            r[0]
            for r in db.execute(
                """SELECT table_name FROM information_schema.tables
               WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"""
            )
        ]

    def integrity_ok(self) -> bool:
        """Every row of every table reads back whole (PostgreSQL has no single built-in check).

        A damaged page (detected with data checksums on) raises DataCorrupted
        or an I/O error here.
        """
        with self.borrow() as db:
            try:
                for table in self.table_names(db):
                    db.execute(f'SELECT COUNT(*), SUM(LENGTH(CAST(x AS TEXT))) FROM "{table}" AS x').fetchone()
            except (errors.DataCorrupted, errors.IndexCorrupted, errors.IoError):
                return False
        return True

    def compact(self) -> None:
        """After a delete: VACUUM the tables, so the deleted rows' space is reused.

        It cannot zero them as SQLite's secure_delete does: old copies stay in
        WAL segments, replicas and base backups until those are recycled (README).
        """
        with self.borrow() as db:
            db.execute("VACUUM " + ", ".join(f'"{t}"' for t in self.table_names(db)))

    def backup_whole(self, path: str) -> None:
        raise StoreError(
            "On PostgreSQL, back up the whole database with pg_dump (see the README, "
            "“More than one machine”); each event's ZIP holds a copy of that event."
        )

    def reset_ids(self, db: Db, tables: list[str]) -> None:
        """After rows were copied in with their own ids: new rows must get ids above them."""
        for table in tables:
            db.execute(f"""SELECT setval(pg_get_serial_sequence('"{table}"', 'id'),
                                         COALESCE(MAX(id), 0) + 1, false) FROM "{table}" """)


def _configure(busy_timeout_ms: float) -> Callable[[psycopg.Connection], None]:
    """How the pool sets up each new connection."""

    def configure(conn: psycopg.Connection) -> None:
        conn.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")  # a wait for a row or advisory lock
        # An acknowledged vote is on disk (in the WAL) whatever the server's default says.
        conn.execute("SET synchronous_commit = on")

    return configure
