"""PostgreSQL's connection pool, told apart from an outage: the pool's noise and a fresh connection's probe.

When the wait for a pooled connection runs out, the engine (backends/postgres.py)
asks whether a fresh connection fails too (the database is out of reach) or
connects (every pooled connection is in use: very busy). psycopg_pool's
warning at each failed attempt is demoted: the store's own log names the
cause once (storage/faults.py).
"""

from __future__ import annotations

import logging

import psycopg
from psycopg import errors

PROBE_TIMEOUT_S = 3  # a fresh connection's attempt, after a wait for a pooled one timed out


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
