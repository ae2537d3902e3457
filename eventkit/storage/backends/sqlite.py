"""SQLite: one file, the embedded default.

Each thread keeps one connection of its own and reuses it for its next
operations, so a connection is only ever used on the thread that opened it
(Streamlit runs every rerun on a new thread, whose connection closes with it).
Opening one costs about 0.6 ms here and its first statement reads the schema,
against ~30 µs for a query on an open connection: a page that read through a
fresh connection each time spent more on opening than on its queries.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from ..db import Db, Written, busy_timeout_ms
from ..errors import BUSY_MESSAGE, StorageFault, StoreError
from ..faults import FAULTS
from .sqlite_kept import _keep_if_clean, _Kept
from .sqlite_migrate import migrate

# SQLite's messages for each fault (its result codes FULL, READONLY, CANTOPEN, IOERR).
_SQLITE_FAULTS = (
    ("database or disk is full", "disk full"),
    ("attempt to write a readonly database", "database read-only"),
    ("unable to open database", "cannot open the database"),
    ("disk i/o error", "disk I/O error"),
)


def storage_fault(err: BaseException) -> StorageFault | None:
    """The StorageFault an SQLite error means, or None when it means something else (a bug, busy)."""
    if not isinstance(err, sqlite3.Error):
        return None
    text = str(err).lower()
    return next((StorageFault(cause) for marker, cause in _SQLITE_FAULTS if marker in text), None)


class SqliteEngine:
    name = "sqlite"

    def __init__(self, path: str, busy_timeout_ms: Callable[[], int] = busy_timeout_ms) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._uri: str | None = None
        self._local = threading.local()  # .kept: this thread's connection; .in_use: lent out now
        if path == ":memory:":
            # Every thread opens its own connection, and a plain ":memory:"
            # would be a new, empty database each time. Share one named
            # in-memory database instead, kept alive as long as this Store.
            self._uri = f"file:eventkit-{uuid.uuid4().hex}?mode=memory&cache=shared"
            self._keepalive = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    def describe(self) -> str:
        return self.path

    def connect(self) -> sqlite_utils.Database:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a
        # read-then-write never hits SQLite's lock-upgrade deadlock.
        conn = sqlite3.connect(
            self._uri or self.path,
            isolation_level=None,
            timeout=self.busy_timeout_ms() / 1000,
            uri=self._uri is not None,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms())}")
        conn.execute("PRAGMA foreign_keys = ON")
        # WAL with synchronous=FULL: every acknowledged write survives a
        # process kill (any setting does) and also a power cut on a laptop
        # (NORMAL may lose the last commits then). Votes are tiny, so the
        # extra fsync per commit is affordable; see bench/ for figures.
        conn.execute("PRAGMA synchronous = FULL")
        # Deleted rows are overwritten with zeros, so deleting an event
        # leaves none of its text behind in the file.
        conn.execute("PRAGMA secure_delete = ON")
        return sqlite_utils.Database(conn, execute_plugins=False)

    @contextmanager
    def borrow(self) -> Iterator[sqlite_utils.Database]:
        """This thread's connection for one operation.

        Kept for the thread's next operation, unless the operation failed
        other than by a refusal (StoreError): its state is then unknown, so it
        is closed. An operation nested inside another gets a connection of its
        own, as before connections were kept. A full disk, a read-only or
        unopenable file or a disk error is raised as StorageFault.
        """
        local = self._local
        if getattr(local, "in_use", False):
            with self.faults_named():
                db = self.connect()
            try:
                yield db
            finally:
                db.conn.close()
            return
        kept = getattr(local, "kept", None)
        local.kept, local.in_use = None, True
        try:
            with self.faults_named():
                kept = kept or _Kept(self.connect())
                yield kept.db
        except StorageFault:  # its connection is closed: the file may need reopening
            if kept is not None:
                kept.close()
            raise
        except StoreError:
            # A refusal (busy, closed poll, posting too fast) leaves a clean
            # connection: keep it, so an overloaded server does not reopen.
            if kept is not None:
                _keep_if_clean(local, kept)
            raise
        except BaseException:
            if kept is not None:
                kept.close()
            raise
        else:
            _keep_if_clean(local, kept)
        finally:
            local.in_use = False

    @contextmanager
    def faults_named(self) -> Iterator[None]:
        """Raise SQLite errors that mean a disk or file problem as StorageFault (logged once)."""
        try:
            yield
        except sqlite3.Error as err:
            fault = storage_fault(err)
            if fault is None:
                raise
            FAULTS.failed(fault, err, self.path)
            raise fault from err

    def rollback(self, db: Db) -> None:
        """Roll back if a transaction is still open; SQLite ends some (a full disk) by itself.

        A failing ROLLBACK must not hide the error that made it necessary.
        """
        if lent(db).conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")

    def release(self) -> None:
        """Close this thread's kept connection, if any.

        For long-lived threads: with no connection open, SQLite
        checkpoints and deletes the -wal file, and with it old copies of
        edited or deleted attendee text, as it did when connections were
        opened per operation.
        """
        kept, self._local.kept = getattr(self._local, "kept", None), None
        if kept is not None:
            kept.close()

    def close(self) -> None:
        self.release()

    def begin_write(self, db: Db, event: object = None, serialise: object = None) -> None:
        """Take the write lock, or refuse with a message a person can act on.

        One writer at a time, whatever the event (`event` and `serialise` are for PostgreSQL).
        Under a very heavy load (hundreds of phones on two cores) a writer can
        wait longer than the busy timeout: the attendee is told to try again
        (their text stays in the box) instead of seeing a crash.
        """
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            _raise_if_busy(err)
            raise

    def begin_snapshot(self, db: Db) -> None:
        db.execute("BEGIN")  # in WAL mode, the first read fixes what the transaction sees

    def write_one(
        self, sql: str, params: dict | list, serialise: tuple[str, int] | None, event: object = None
    ) -> Written:
        """One statement in autocommit: SQLite runs it alone, so `serialise` and `event` need nothing more.

        SQLite holds the write lock only while it runs the statement, with
        Python's lock released: a transaction of several statements held it
        across waits for Python's lock on a loaded server, and others timed out.
        """
        with self.borrow() as db:
            try:
                cursor = db.conn.execute(sql, params)
                rows = cursor.fetchall()  # RETURNING rows; the statement completes here
                return Written(cursor.rowcount, rows)
            except sqlite3.OperationalError as err:
                _raise_if_busy(err)
                raise
            except sqlite3.IntegrityError as err:  # e.g. its prompt was deleted since the checks read it
                raise StoreError("That is no longer part of this event: please reload the page.") from err

    def migrate(self, migrations: list[tuple[str, str]]) -> None:
        db = self.connect()
        try:
            migrate(db, migrations, self.busy_timeout_ms() / 1000)
        finally:
            db.conn.close()

    def table_names(self, db: Db) -> list[str]:
        return [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check finds nothing wrong."""
        with self.borrow() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def compact(self) -> None:
        """After a delete: no copy of the deleted text left in the WAL or in free pages.

        secure_delete has zeroed the freed pages; the checkpoint and VACUUM
        make sure no copy survives in the WAL or free pages either.
        """
        with self.borrow() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def backup_whole(self, path: str) -> None:
        """A consistent copy of the whole file in one step (SQLite's backup API), even while attendees write."""
        src = sqlite3.connect(self._uri or self.path, timeout=10, uri=self._uri is not None)
        dst = sqlite3.connect(path, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
            src.close()

    def finish_copy_file(self) -> None:
        """Make this file one self-contained file with no free pages (for the ZIP's copy)."""
        self.release()
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("VACUUM")
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()

    def reset_ids(self, db: Db, tables: list[str]) -> None:
        """Nothing to do: a new row's id is always one more than the largest."""


def lent(db: Db) -> sqlite_utils.Database:
    """A connection this engine lent (`Engine` takes any `Db` back; only its own is ever given)."""
    if not isinstance(db, sqlite_utils.Database):
        raise TypeError(f"an SQLite engine was given another engine's connection: {type(db).__name__}")
    return db


def _raise_if_busy(err: sqlite3.OperationalError) -> None:
    if "locked" in str(err) or "busy" in str(err):
        raise StoreError(BUSY_MESSAGE) from err
