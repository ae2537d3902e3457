"""Throttles counted from rows: wrong sign-in attempts and posting speed.

Failed sign-ins are recorded per event and role only (never an IP address,
browser or session), so the slowdown holds across tabs, server processes
and restarts without identifying anybody.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import NoReturn

import sqlite_utils

from ..security import (
    LOGIN_WINDOW_SECONDS, POST_LIMIT, POST_WINDOW_SECONDS, login_delay_seconds, login_wait_message,
    posting_wait_message,
)
from .base import StoreBase, StoreError, utc_now

ROLES = ("facilitator", "organiser")
_POSTED_TABLES = ("notes", "table_notes")  # the only tables check_posting_rate may name


class ThrottledError(StoreError):
    """Refused for now; `wait_seconds` says for how long."""

    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _seconds_until(later: datetime, now: datetime) -> int:
    return max(1, math.ceil((later - now).total_seconds()))


def under_posting_limit(table: str) -> str:
    """An SQL condition: participant :pid posted fewer than :limit times since :since.

    Put it in the WHERE of the statement that inserts the post, so two quick
    requests cannot both slip under the limit; posting_params gives the values.
    """
    if table not in _POSTED_TABLES:
        raise ValueError(f"not a posted table: {table}")
    return f"(SELECT COUNT(*) FROM {table} WHERE participant_id = :pid AND created_at > :since) < :limit"


def posting_params(now: str) -> dict:
    """The :since and :limit values for under_posting_limit at the moment `now`."""
    return {"since": _stamp(_parse(now) - timedelta(seconds=POST_WINDOW_SECONDS)), "limit": POST_LIMIT}


def check_posting_rate(db: sqlite_utils.Database, table: str, participant_id: int, now: str) -> None:
    """Raise ThrottledError when the participant posted POST_LIMIT times within the window."""
    if table not in _POSTED_TABLES:
        raise ValueError(f"not a posted table: {table}")
    moment = _parse(now)
    since = _stamp(moment - timedelta(seconds=POST_WINDOW_SECONDS))
    recent = db.execute(
        f"SELECT COUNT(*) FROM {table} WHERE participant_id = ? AND created_at > ?", [participant_id, since]
    ).fetchone()[0]
    if recent < POST_LIMIT:
        return
    # Posting reopens when enough of the recent posts have aged out of the window.
    oldest_blocking = db.execute(
        f"""SELECT created_at FROM {table} WHERE participant_id = ? AND created_at > ?
            ORDER BY created_at LIMIT 1 OFFSET ?""",
        [participant_id, since, recent - POST_LIMIT],
    ).fetchone()[0]
    wait = _seconds_until(_parse(oldest_blocking) + timedelta(seconds=POST_WINDOW_SECONDS), moment)
    raise ThrottledError(posting_wait_message(wait), wait)


def insert_post(store: StoreBase, table: str, sql: str, params: dict) -> int:
    """Run a post's INSERT (guarded by under_posting_limit); its id, or ThrottledError."""
    written = store._write_one(sql, params)
    if written.rowcount == 0:
        with store.read() as db:
            _refuse_post(db, table, params["pid"], params["now"])
    return written.lastrowid


def _refuse_post(db: sqlite_utils.Database, table: str, participant_id: int, now: str) -> NoReturn:
    """Raise why a post under under_posting_limit was not stored: posting too fast."""
    check_posting_rate(db, table, participant_id, now)
    # Only if some of the recent posts went (an event edited meanwhile): nothing to wait for.
    raise StoreError("That did not save: please try again.")


class AttemptsMixin(StoreBase):
    def login_wait_seconds(self, role: str, event_id: int | None = None) -> int:
        """Seconds before another sign-in attempt for this role (and event) is allowed; 0 = now."""
        _check_role(role)
        now = _parse(utc_now())
        since = _stamp(now - timedelta(seconds=LOGIN_WINDOW_SECONDS))
        with self.read() as db:
            failures, last = db.execute(
                """SELECT COUNT(*), MAX(created_at) FROM login_attempts
                   WHERE role = ? AND event_id IS ? AND created_at > ?""",
                [role, event_id, since],
            ).fetchone()
        delay = login_delay_seconds(failures)
        if not delay:
            return 0
        reopen = _parse(last) + timedelta(seconds=delay)
        return _seconds_until(reopen, now) if reopen > now else 0

    def check_login_allowed(self, role: str, event_id: int | None = None) -> None:
        """Raise ThrottledError (with a message for the person) while sign-in is paused."""
        wait = self.login_wait_seconds(role, event_id)
        if wait:
            raise ThrottledError(login_wait_message(wait), wait)

    def record_login_failure(self, role: str, event_id: int | None = None) -> None:
        """Note one wrong passcode or password for this role (and event)."""
        _check_role(role)
        with self.write() as db:
            db.execute(
                "INSERT INTO login_attempts (role, event_id, created_at) VALUES (?, ?, ?)",
                [role, event_id, utc_now()],
            )
            # Old rows are useless and would only grow the file.
            db.execute("DELETE FROM login_attempts WHERE created_at < ?",
                       [_stamp(_parse(utc_now()) - timedelta(seconds=LOGIN_WINDOW_SECONDS))])

    def clear_login_failures(self, role: str, event_id: int | None = None) -> None:
        """Forget the failures for this role (and event) after a successful sign-in."""
        _check_role(role)
        with self.write() as db:
            db.execute("DELETE FROM login_attempts WHERE role = ? AND event_id IS ?", [role, event_id])

    def count_login_failures(self, role: str, event_id: int | None = None) -> int:
        """Recorded recent failures for this role (and event)."""
        _check_role(role)
        with self.read() as db:
            return db.execute(
                "SELECT COUNT(*) FROM login_attempts WHERE role = ? AND event_id IS ?", [role, event_id]
            ).fetchone()[0]


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise StoreError(f"Unknown role {role!r}.")

