"""Test helpers that look at a Store's database from outside, on either engine."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from eventkit.storage import Store

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def pg_schema(store: Store) -> str:
    """The schema a test's PostgreSQL Store lives in (conftest puts it in the URL)."""
    return re.search(r"search_path%3D(\w+)", store.path).group(1)


def pg_tool(name: str) -> str:
    return shutil.which(name) or str(PG_BIN / name)


def db_bytes(store: Store) -> bytes:
    """Everything the database holds for this store, as bytes.

    SQLite: the file, its WAL and shared memory, as they are on disk.
    PostgreSQL: a pg_dump of the store's schema (what a backup would hold).
    """
    if store.is_postgres:
        url = re.sub(r"[?&]options=[^&]*", "", store.path)
        return subprocess.run(
            [pg_tool("pg_dump"), "--no-owner", "-n", pg_schema(store), "-d", url], check=True, capture_output=True
        ).stdout
    return b"".join(
        Path(store.path + suffix).read_bytes() for suffix in ("", "-wal", "-shm") if Path(store.path + suffix).exists()
    )


def hold_write_lock(store: Store) -> Callable[[], None]:
    """Have another connection take the write lock now; returns the function that lets it go.

    SQLite: BEGIN IMMEDIATE. PostgreSQL: the advisory lock every write takes.
    """
    if store.is_postgres:
        import psycopg

        from eventkit.storage.backends.postgres import WRITE_KEY

        holder = psycopg.connect(store.path, autocommit=True)
        holder.execute("SELECT pg_advisory_lock(%s)", [WRITE_KEY])

        def release_pg() -> None:
            holder.execute("SELECT pg_advisory_unlock(%s)", [WRITE_KEY])  # at once; closing ends it a bit later
            holder.close()

        return release_pg
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")

    def release() -> None:
        holder.execute("ROLLBACK")
        holder.close()

    return release


def integrity_error(store: Store) -> type[Exception]:
    """The driver's exception for a broken constraint inside store.write()."""
    if store.is_postgres:
        import psycopg

        return psycopg.IntegrityError
    return sqlite3.IntegrityError


def open_transactions(store: Store) -> int:
    """How many of the store's connections are inside a transaction now (none should be, between operations)."""
    if store.is_postgres:
        import psycopg

        with psycopg.connect(store.path, autocommit=True) as conn:
            return conn.execute(
                """SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
                   AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"""
            ).fetchone()[0]
    other = sqlite3.connect(store.path)
    try:  # 1 if another connection cannot checkpoint the whole WAL (a snapshot is held)
        return other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        other.close()
