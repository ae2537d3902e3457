"""`StoreLike`: what a Store mixin calls on another mixin, declared for the type checker.

The Store is assembled from mixins (see __init__.py); a few methods call a
method another mixin defines (retention deletes events, facilitation reads
polls and notes). Such a method annotates `self: StoreLike` instead of
silencing the checker: mypy checks the call against the declaration here, and
checks at each call site that the Store it is called on has these methods
with these signatures, so renaming or changing one in its mixin is caught.
Add a method here only when a mixin calls it on another.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date
from typing import Protocol

from ..models import Event, Note, NoteState, Poll, PollResults
from .db import Db
from .locks import EventOf


class StoreLike(Protocol):
    # StoreBase
    def read(self) -> AbstractContextManager[Db]: ...

    def write(
        self, event: EventOf | None = None, *, serialise: tuple[str, int] | None = None
    ) -> AbstractContextManager[Db]: ...

    # EventsMixin
    def list_events(self) -> list[Event]: ...

    def delete_event(self, event_id: int) -> None: ...

    # PollsMixin
    def get_poll(self, poll_id: int) -> Poll | None: ...

    def poll_results(self, poll_id: int) -> PollResults: ...

    # WallMixin
    def list_notes(self, event_id: int, statuses: tuple[NoteState, ...] = ("visible",)) -> list[Note]: ...

    # RetentionMixin (purge_expired, on a StoreLike, calls it)
    def expired_events(self, today: date | None = None) -> list[tuple[Event, date]]: ...
