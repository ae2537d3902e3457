"""Connections, transactions and migrations for the SQLite store.

Each thread keeps one connection of its own and reuses it for its next
operations, so a connection is only ever used on the thread that opened it
(Streamlit runs every rerun on a new thread, whose connection closes with it).
Opening one costs about 0.6 ms here and its first statement reads the schema,
against ~30 µs for a query on an open connection: a page that read through a
fresh connection each time spent more on opening than on its queries.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import sqlite_utils

from .faults import ADVICE, FAULTS
from .migrations import MIGRATIONS

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "eventkit.db"
ENV_VAR = "EVENTKIT_DB"
BUSY_TIMEOUT_MS = 10_000
BUSY_MESSAGE = "The server is very busy and could not save this. Nothing was lost: please try again in a moment."
FAULT_MESSAGE = "Could not save right now — nothing was lost, your text is kept — please try again."


def default_path() -> str:
    """The database path: $EVENTKIT_DB, else data/eventkit.db in the checkout."""
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


def utc_now() -> str:
    """An ISO 8601 UTC timestamp with milliseconds, e.g. 2016-05-18T09:30:00.000Z."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


class Written(NamedTuple):
    """What one writing statement did: rows changed, the new row's id, RETURNING rows."""

    rowcount: int
    lastrowid: int | None
    rows: list[tuple]


class StoreError(Exception):
    """A request the store refuses, with a message fit to show a person."""


class StorageFault(StoreError):
    """The database cannot be used just now: the disk is full, the file is
    read-only or cannot be opened, or the disk failed.

    `cause` names it for staff and the server log; the message is for
    attendees (nothing they sent before was lost, what they typed is kept).
    Every backend maps its own errors to this class (storage_fault below for SQLite).
    """

    def __init__(self, cause: str) -> None:
        super().__init__(FAULT_MESSAGE)
        self.cause = cause

    @property
    def advice(self) -> str:
        """What staff can do about it."""
        return ADVICE.get(self.cause, "")


# SQLite's messages for each cause (its result codes FULL, READONLY, CANTOPEN, IOERR).
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


class StoreBase:
    """Owns the database file; subclasses add the domain operations."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = str(path or default_path())
        self._uri: str | None = None
        self._local = threading.local()  # .kept: this thread's connection; .in_use: lent out now
        if self.path == ":memory:":
            # Every thread opens its own connection, and a plain ":memory:"
            # would be a new, empty database each time. Share one named
            # in-memory database instead, kept alive as long as this Store.
            self._uri = f"file:eventkit-{uuid.uuid4().hex}?mode=memory&cache=shared"
            self._keepalive = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    def _connect(self) -> sqlite_utils.Database:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a
        # read-then-write never hits SQLite's lock-upgrade deadlock.
        conn = sqlite3.connect(
            self._uri or self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, uri=self._uri is not None
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
    def _borrow(self) -> Iterator[sqlite_utils.Database]:
        """This thread's connection for one operation.

        Kept for the thread's next operation, unless the operation failed
        other than by a refusal (StoreError): its state is then unknown, so it
        is closed. An operation nested inside another gets a connection of its
        own, as before connections were kept. A full disk, a read-only or
        unopenable file or a disk error is raised as StorageFault.
        """
        local = self._local
        if getattr(local, "in_use", False):
            with self._faults_named():
                db = self._connect()
            try:
                yield db
            finally:
                db.conn.close()
            return
        kept = getattr(local, "kept", None)
        local.kept, local.in_use = None, True
        try:
            with self._faults_named():
                kept = kept or _Kept(self._connect())
                yield kept.db
        except StorageFault:  # its connection is closed: the file may need reopening
            if kept is not None:
                kept.close()
            raise
        except StoreError:
            # A refusal (busy, closed poll, posting too fast) leaves a clean
            # connection: keep it, so an overloaded server does not reopen.
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
    def _faults_named(self) -> Iterator[None]:
        """Raise SQLite errors that mean a disk or file problem as StorageFault (logged once)."""
        try:
            yield
        except sqlite3.Error as err:
            fault = storage_fault(err)
            if fault is None:
                raise
            FAULTS.failed(fault, err, self.path)
            raise fault from err

    def release_connection(self) -> None:
        """Close this thread's kept connection, if any.

        For long-lived threads (live push): with no connection open, SQLite
        checkpoints and deletes the -wal file, and with it old copies of
        edited or deleted attendee text, as it did when connections were
        opened per operation.
        """
        kept, self._local.kept = getattr(self._local, "kept", None), None
        if kept is not None:
            kept.close()

    @contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """A connection for reads (autocommit: each statement sees the latest commit)."""
        with self._borrow() as db:
            yield db

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A connection inside one IMMEDIATE transaction: all or nothing."""
        with self._borrow() as db:
            _begin_immediate(db)
            try:
                yield db
            except BaseException:
                _rollback(db)
                raise
            db.execute("COMMIT")
        FAULTS.wrote()

    def _write_one(self, sql: str, params: dict | list) -> Written:
        """Run one writing statement as its own transaction.

        SQLite holds the write lock only while it runs the statement, with
        Python's lock released; use this for the writes hundreds of phones
        make at once. Busy past the timeout: StoreError with BUSY_MESSAGE.
        """
        with self._borrow() as db:
            try:
                cursor = db.conn.execute(sql, params)
                rows = cursor.fetchall()  # RETURNING rows; the statement completes here
                written = Written(cursor.rowcount, cursor.lastrowid, rows)
            except sqlite3.OperationalError as err:
                _raise_if_busy(err)
                raise
            except sqlite3.IntegrityError as err:  # e.g. its prompt was deleted since the checks read it
                raise StoreError("That is no longer part of this event: please reload the page.") from err
        FAULTS.wrote()
        return written

    def _migrate(self) -> None:
        with self._faults_named():
            self._migrate_now()

    def _migrate_now(self) -> None:
        db = self._connect()
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {row["name"] for row in db.query("SELECT name FROM migrations")}
            for name, sql in MIGRATIONS:
                if name not in done:
                    _apply(db, name, sql)
        finally:
            db.conn.close()

    def applied_migrations(self) -> list[str]:
        """Names of the migrations this database has, in order applied."""
        with self.read() as db:
            return [r["name"] for r in db.query("SELECT name FROM migrations ORDER BY rowid")]

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check finds nothing wrong."""
        with self.read() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


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
        try:
            self.db.conn.close()
        except sqlite3.ProgrammingError:  # dropped on another thread (its Store went): the GC closes it
            pass

    def __del__(self) -> None:  # the thread ended: its thread-local values go on that thread
        self.close()


def _apply(db: sqlite_utils.Database, name: str, sql: str) -> None:
    """Apply one migration and record it, atomically."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone():
            db.execute("ROLLBACK")  # another process applied it meanwhile
            return
        for statement in _split(sql):
            db.execute(statement)
        db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", [name, utc_now()])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _rollback(db: sqlite_utils.Database) -> None:
    """Roll back if a transaction is still open; SQLite ends some (a full disk) by itself.

    A failing ROLLBACK must not hide the error that made it necessary.
    """
    if db.conn.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _split(sql: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside them)."""
    return [s.strip() for s in sql.split(";") if s.strip()]


def _begin_immediate(db: sqlite_utils.Database) -> None:
    """Take the write lock, or refuse with a message a person can act on.

    Under a very heavy load (hundreds of phones on two cores) a writer can
    wait longer than the busy timeout: the attendee is told to try again
    (their text stays in the box) instead of seeing a crash.
    """
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        _raise_if_busy(err)
        raise


def _raise_if_busy(err: sqlite3.OperationalError) -> None:
    if "locked" in str(err) or "busy" in str(err):
        raise StoreError(BUSY_MESSAGE) from err
