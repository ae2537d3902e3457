"""What storage refuses or cannot do, in words fit to show a person: StoreError and StorageFault.

A leaf of the storage package (it imports only `faults`), so that base.py
and both backends can raise these without an import cycle.
"""

from __future__ import annotations

from .faults import ADVICE

BUSY_MESSAGE = "The server is very busy and could not save this. Nothing was lost: please try again in a moment."
FAULT_MESSAGE = "Could not save right now — nothing was lost, your text is kept — please try again."


class StoreError(Exception):
    """A request the store refuses, with a message fit to show a person."""


class StorageFault(StoreError):
    """The database cannot be used just now: the disk is full, the file is
    read-only or cannot be opened, the disk failed, or the database server
    cannot be reached.

    `cause` names it for staff and the server log; the message is for
    attendees (nothing they sent before was lost, what they typed is kept).
    Every backend maps its own errors to this class (storage_fault in
    backends/sqlite.py, faults_named in backends/postgres.py).
    """

    def __init__(self, cause: str) -> None:
        super().__init__(FAULT_MESSAGE)
        self.cause = cause

    @property
    def advice(self) -> str:
        """What staff can do about it."""
        return ADVICE.get(self.cause, "")
