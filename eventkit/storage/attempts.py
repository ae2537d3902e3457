"""Throttles counted from rows: wrong sign-in attempts and posting speed.

Failed sign-ins are recorded with their role, event, time and a random id of
the browser session that made them (never an IP address or browser detail),
so the slowdown holds across server processes and restarts without
identifying anybody. A session that guesses wrong slows down itself; only a
storm of wrong attempts from many sessions slows down everyone's sign-in for
that role and event, and a new passcode or the command line ends it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import NoReturn

from eventkit.access.security import (
    LOGIN_WINDOW_SECONDS,
    POST_LIMIT,
    POST_WINDOW_SECONDS,
    SCRIBE_LIMIT,
    STORM_LOGIN_ATTEMPTS,
    login_delay_seconds,
    login_wait_message,
    posting_wait_message,
    storm_wait_message,
)

from ..models import ROLES, Role
from .base import Db, StoreBase, StoreError, utc_now
from .db import parse_stamp, utc_stamp
from .rehash import HashUpgrade, upgrade_secret_hash
from .set_aside import refuse_if_set_aside
from .stale import unshared

_POSTED_TABLES = ("notes", "table_notes")  # the only tables check_posting_rate may name
# Posts per participant per window: a wall poster, or a scribe typing up a table's post-its.
POSTING_LIMITS = {"notes": POST_LIMIT, "table_notes": SCRIBE_LIMIT}


class ThrottledError(StoreError):
    """Refused for now; `wait_seconds` says for how long."""

    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


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


def posting_params(now: str, table: str = "notes") -> dict:
    """The :since and :limit values for under_posting_limit on `table` at the moment `now`."""
    return {
        "since": utc_stamp(parse_stamp(now) - timedelta(seconds=POST_WINDOW_SECONDS)),
        "limit": POSTING_LIMITS[table],
    }


def check_posting_rate(db: Db, table: str, participant_id: int, now: str) -> None:
    """Raise ThrottledError when the participant reached the table's posting limit within the window."""
    if table not in _POSTED_TABLES:
        raise ValueError(f"not a posted table: {table}")
    limit = POSTING_LIMITS[table]
    moment = parse_stamp(now)
    since = utc_stamp(moment - timedelta(seconds=POST_WINDOW_SECONDS))
    recent = db.execute(
        f"SELECT COUNT(*) FROM {table} WHERE participant_id = ? AND created_at > ?", [participant_id, since]
    ).fetchone()[0]
    if recent < limit:
        return
    # Posting reopens when enough of the recent posts have aged out of the window.
    oldest_blocking = db.execute(
        f"""SELECT created_at FROM {table} WHERE participant_id = ? AND created_at > ?
            ORDER BY created_at LIMIT 1 OFFSET ?""",
        [participant_id, since, recent - limit],
    ).fetchone()[0]
    wait = _seconds_until(parse_stamp(oldest_blocking) + timedelta(seconds=POST_WINDOW_SECONDS), moment)
    raise ThrottledError(posting_wait_message(wait), wait)


def insert_post(store: StoreBase, table: str, sql: str, params: dict) -> int:
    """Run a post's INSERT (guarded by under_posting_limit, RETURNING id); its id, or ThrottledError.

    The count and the insert run alone per participant, on either engine.
    """
    written = store._write_one(sql, params, event=("participant", params["pid"]), serialise=("post", params["pid"]))
    if not written.rows:
        with store.read() as db:
            refuse_post(db, table, params["pid"], params["now"])
    return written.rows[0][0]


def refuse_post(db: Db, table: str, participant_id: int, now: str) -> NoReturn:
    """Raise why a post under under_posting_limit (and not_set_aside) was not stored: set aside, or too fast."""
    refuse_if_set_aside(db, participant_id)
    check_posting_rate(db, table, participant_id, now)
    # Only if some of the recent posts went (an event edited meanwhile): nothing to wait for.
    raise StoreError("That did not save: please try again.")


class AttemptsMixin(StoreBase):
    @unshared
    def begin_sign_in(self, role: Role, event_id: int | None = None, client: str = "") -> int:
        """Record a sign-in attempt as failed before its secret is checked; returns its id.

        Raises ThrottledError instead while this browser session (`client`) is
        paused after its own wrong attempts, or while everyone is paused after a
        storm of wrong attempts from many sessions. Checking and recording are
        one step: the transaction first updates the role and event's row in
        sign_in_locks, so concurrent attempts (threads or processes, SQLite or
        PostgreSQL) take turns and five free attempts are exactly five. Call
        sign_in_succeeded(id) once the secret proved right.
        """
        _check_role(role)
        now = utc_now()
        scope = _scope(role, event_id)
        with self.write() as db:
            db.execute(
                "INSERT INTO sign_in_locks (scope, touched_at) VALUES (?, ?) ON CONFLICT (scope) DO NOTHING",
                [scope, now],
            )
            db.execute("UPDATE sign_in_locks SET touched_at = ? WHERE scope = ?", [now, scope])
            since = _window_start(now)
            # Old rows only grow the file; this scope's, under its lock.
            db.execute(
                "DELETE FROM login_attempts WHERE role = ? AND event_id IS NOT DISTINCT FROM ? AND created_at < ?",
                [role, event_id, since],
            )
            wait, message = _pause(db, role, event_id, client, now)
            if wait:
                raise ThrottledError(message, wait)
            return db.execute(
                "INSERT INTO login_attempts (role, event_id, client, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                [role, event_id, client, now],
            ).fetchone()[0]

    @unshared
    def sign_in_succeeded(
        self,
        attempt_id: int,
        role: Role,
        event_id: int | None = None,
        client: str = "",
        upgrade: HashUpgrade | None = None,
    ) -> None:
        """The attempt was right: forget it and this session's earlier wrong attempts, and
        with `upgrade` replace the secret's hash of an older scheme, in the same transaction.

        Other sessions' failures stay: a guesser's count is not reset by the
        real facilitator signing in.
        """
        _check_role(role)
        with self.write() as db:
            db.execute(
                """DELETE FROM login_attempts WHERE id = ? OR
                   (role = ? AND event_id IS NOT DISTINCT FROM ? AND client = ?)""",
                [attempt_id, role, event_id, client],
            )
            if upgrade is not None:
                upgrade_secret_hash(db, role, event_id, upgrade)

    @unshared
    def login_wait_seconds(self, role: Role, event_id: int | None = None, client: str = "") -> int:
        """Seconds before this session may try to sign in again for the role (and event); 0 = now."""
        _check_role(role)
        with self.read() as db:
            return _pause(db, role, event_id, client, utc_now())[0]

    @unshared
    def clear_login_failures(self, role: Role, event_id: int | None = None) -> int:
        """Forget every wrong attempt for the role (and event), from every session; how many.

        The recovery path after a guessing storm: a new passcode does this for
        its event, and `python -m eventkit clear-sign-in-pauses` for any.
        """
        _check_role(role)
        with self.write() as db:
            return db.execute(
                "DELETE FROM login_attempts WHERE role = ? AND event_id IS NOT DISTINCT FROM ?", [role, event_id]
            ).rowcount

    @unshared
    def clear_all_login_failures(self) -> int:
        """Forget every recorded wrong attempt (all roles and events); how many."""
        with self.write() as db:
            return db.execute("DELETE FROM login_attempts").rowcount

    @unshared
    def count_login_failures(self, role: Role, event_id: int | None = None, client: str | None = None) -> int:
        """Recorded recent failures for the role (and event), from one session or all."""
        _check_role(role)
        with self.read() as db:
            return db.execute(
                """SELECT COUNT(*) FROM login_attempts WHERE role = ? AND event_id IS NOT DISTINCT FROM ?
                   AND (CAST(? AS TEXT) IS NULL OR client = ?)""",
                [role, event_id, client, client],
            ).fetchone()[0]


def _scope(role: Role, event_id: int | None) -> str:
    return role if event_id is None else f"{role}:{event_id}"


def _window_start(now: str) -> str:
    return utc_stamp(parse_stamp(now) - timedelta(seconds=LOGIN_WINDOW_SECONDS))


def _pause(db: Db, role: Role, event_id: int | None, client: str, now: str) -> tuple[int, str]:
    """(seconds to wait, why) for a new attempt by `client`: (0, "") when it may go ahead."""
    everyone, last, mine, my_last = db.execute(
        """SELECT COUNT(*), MAX(created_at), COUNT(*) FILTER (WHERE client = ?),
                  MAX(CASE WHEN client = ? THEN created_at END)
           FROM login_attempts WHERE role = ? AND event_id IS NOT DISTINCT FROM ? AND created_at >= ?""",
        [client, client, role, event_id, _window_start(now)],
    ).fetchone()
    moment = parse_stamp(now)
    own = _remaining(my_last, login_delay_seconds(mine), moment)
    if own:
        return own, login_wait_message(own)
    storm = _remaining(last, login_delay_seconds(everyone, STORM_LOGIN_ATTEMPTS), moment)
    return (storm, storm_wait_message(storm, role)) if storm else (0, "")


def _remaining(last: str | None, delay: int, now: datetime) -> int:
    if not delay or last is None:
        return 0
    reopen = parse_stamp(last) + timedelta(seconds=delay)
    return _seconds_until(reopen, now) if reopen > now else 0


def _check_role(role: Role) -> None:
    if role not in ROLES:
        raise StoreError(f"Unknown role {role!r}.")
