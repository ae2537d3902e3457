"""PostgreSQL's connection pool, told apart from an outage: the pool's noise and a fresh connection's probe.

When the wait for a pooled connection runs out, the engine (backends/postgres.py)
asks whether a fresh connection fails too (the database is out of reach) or
connects (every pooled connection is in use: very busy, or, just after an
outage, a pool still waiting out its reconnection backoff: renewal_due). psycopg_pool's
warning at each failed attempt is demoted: the store's own log names the
cause once (storage/faults.py).
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool

PROBE_TIMEOUT_S = 3  # a fresh connection's attempt, after a wait for a pooled one timed out
RENEW_EVERY_S = 30.0  # a pool is replaced after an outage at most this often (postgres.py _renewed)
_renewals: dict[str, float] = {}  # url -> time.monotonic() of its pool's last replacement
_renewals_lock = threading.Lock()


class _PoolNoiseDemoted(logging.Filter):
    """psycopg_pool warns at every failed connection attempt (about one a second through an
    outage) and at every connection found closed: demoted to DEBUG, since the store's own log
    names the cause once, when an operation first meets it (storage/faults.py)."""

    NOISE = ("error connecting in", "discarding closed connection", "discarding broken connection")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith(self.NOISE):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


logging.getLogger("psycopg.pool").addFilter(_PoolNoiseDemoted())


def _connect_fails(url: str) -> psycopg.OperationalError | None:
    """What a fresh connection to `url` meets: None if it connects (or the server only has no
    room for one more client: busy, not out of reach), else the error."""
    try:
        psycopg.connect(url, connect_timeout=PROBE_TIMEOUT_S).close()
    except errors.TooManyConnections:
        return None
    except psycopg.OperationalError as err:
        return err
    return None


def renewal_due(url: str) -> bool:
    """Whether the pool for `url` may be replaced now (and, if so, noted as replaced).

    After an outage psycopg_pool waits out its reconnection backoff (1, 2, 4, 8 s…: up to half
    the outage) before it connects again, and every wait for a connection times out meanwhile.
    The first timeout once a fresh connection succeeds replaces the pool instead; at most once
    every RENEW_EVERY_S, so a database that is only busy right after an outage piles up no pools.
    """
    with _renewals_lock:
        if time.monotonic() - _renewals.get(url, float("-inf")) < RENEW_EVERY_S:
            return False
        _renewals[url] = time.monotonic()
        return True


def close_later(pool: ConnectionPool, seconds: float) -> None:
    """Close a replaced pool after `seconds` (its clients waiting for a connection have given up)."""
    closing = threading.Timer(seconds, pool.close)
    closing.daemon = True
    closing.start()
