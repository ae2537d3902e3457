"""The database fault this process last met: logged once, shown to staff until a write succeeds.

A full disk makes every page run that writes fail the same way; the server
log names the cause once (not one traceback per run), and staff pages show a
banner while it lasts. `StorageFault` and the mapping of SQLite's errors to it
are in base.py.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

log = logging.getLogger("eventkit.storage")

ADVICE = {  # what staff can do, by StorageFault.cause
    "disk full": "The disk holding the database is full. Free some space on it: saving works again at once.",
    "database read-only": "The database file cannot be written (a read-only file, folder or disk). "
    "Make it writable for the user running eventkit: saving works again at once.",
    "cannot open the database": "The database file cannot be opened (missing, moved, no permission, or on a "
    "disk that became read-only). Check EVENTKIT_DB, the file's and its folder's "
    "permissions, and the disk.",
    "disk I/O error": "The disk reported an error while reading or writing the database: it may be full "
    "(SQLite reports a full disk this way when it opens the file) or failing. "
    "Check its free space and the disk.",
    "database unreachable": "The PostgreSQL database cannot be reached (stopped, restarting, failed over, or the "
    "network). Check that it runs and that this host reaches it (EVENTKIT_DB): saving "
    "works again as soon as it answers.",
    "database read-only (a standby?)": "PostgreSQL accepts no writes: after a failover this host may still be "
    "connected to a standby, or the database was made read-only. Point "
    "EVENTKIT_DB at the primary: saving works again at once.",
}


class _Fault(Protocol):
    """What the log reads of a core.StorageFault (core imports this module, so not imported here)."""

    @property
    def cause(self) -> str: ...

    @property
    def advice(self) -> str: ...


class _FaultLog:
    """The fault this process last met: logged once (not once per page run), forgotten after a good write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: tuple[str, float] | None = None  # (cause, time.time() of the last failure)

    def failed(self, fault: _Fault, err: BaseException, path: str) -> None:
        with self._lock:
            first = self.current is None or self.current[0] != fault.cause
            self.current = (fault.cause, time.time())
        if first:
            log.error(
                "Database fault: %s (%s: %s) on %s. %s Attendees are told nothing was lost and to try "
                "again; logged once until a write succeeds.",
                fault.cause,
                type(err).__name__,
                err,
                path,
                fault.advice,
            )

    def wrote(self) -> None:
        if self.current is None:  # the usual case: no lock taken
            return
        with self._lock:
            cause, self.current = (self.current or ("",))[0], None
        if cause:
            log.warning("Database fault cleared (%s): writes succeed again.", cause)


FAULTS = _FaultLog()


def current_fault(within_seconds: float = 120) -> str:
    """The cause of the last failed database operation if it failed recently and no write succeeded since, else ''."""
    current = FAULTS.current
    return current[0] if current and time.time() - current[1] <= within_seconds else ""
