"""SQLite's migrations: WAL mode, then each missing migration in an IMMEDIATE transaction.

Processes opening the same file at once take turns: each migration is
re-checked under the write lock and applied once.
"""

from __future__ import annotations

import sqlite3
import time

import sqlite_utils

from ..db import split_statements, utc_now


def migrate(db: sqlite_utils.Database, migrations: list[tuple[str, str]], busy_seconds: float) -> None:
    """Bring the file up to date (db: a connection of its own, in autocommit)."""
    _switch_to_wal(db, busy_seconds)
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row["name"] for row in db.query("SELECT name FROM migrations")}
    for name, sql in migrations:
        if name not in done:
            _apply(db, name, sql)


def _apply(db: sqlite_utils.Database, name: str, sql: str) -> None:
    """Apply one migration and record it, atomically."""
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone():
            db.execute("ROLLBACK")  # another process applied it meanwhile
            return
        for statement in split_statements(sql):
            db.execute(statement)
        db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", [name, utc_now()])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _switch_to_wal(db: sqlite_utils.Database, busy_seconds: float) -> None:
    """WAL mode, waiting for other processes opening a new file at the same moment.

    Changing the journal mode can fail at once with "database is locked"
    (SQLite does not wait for it as for a write), so it is retried until
    the busy timeout.
    """
    deadline = time.monotonic() + busy_seconds
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
