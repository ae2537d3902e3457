"""What differs between the two engines, one small module each.

Both offer the same methods to `StoreBase`, declared by the `Engine`
protocol below: `borrow()` a connection (a `Db`), `begin_write`,
`begin_snapshot`, `write_one`, `rollback`, `faults_named`, `migrate`,
`table_names`, `integrity_ok`, `compact`, `backup_whole`, `reset_ids`,
`release`, `close` and `describe`. The domain SQL itself is shared. They
import only the storage package's leaves (db, errors, faults, locks), never base.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from ..db import Db, Written
from ..locks import EventOf


class Engine(Protocol):
    """One engine, as StoreBase uses it: a `Db` it lends is the only one it is given back."""

    name: str  # "sqlite" or "postgresql"

    def describe(self) -> str: ...

    def borrow(self) -> AbstractContextManager[Db]: ...

    def faults_named(self) -> AbstractContextManager[None]: ...

    def begin_write(self, db: Db, event: EventOf | None = None, serialise: tuple[str, int] | None = None) -> None: ...

    def begin_snapshot(self, db: Db) -> None: ...

    def rollback(self, db: Db) -> None: ...

    def write_one(
        self, sql: str, params: dict | list, serialise: tuple[str, int] | None, event: EventOf | None = None
    ) -> Written: ...

    def migrate(self, migrations: list[tuple[str, str]]) -> None: ...

    def table_names(self, db: Db) -> list[str]: ...

    def integrity_ok(self) -> bool: ...

    def compact(self) -> None: ...

    def backup_whole(self, path: str) -> None: ...

    def reset_ids(self, db: Db, tables: list[str]) -> None: ...

    def release(self) -> None: ...

    def close(self) -> None: ...
