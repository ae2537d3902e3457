"""What each Store method makes stale, declared on the method: one source for every consumer.

Every public Store method carries exactly one of these declarations:

- `@reads(*topics)`: a read whose answer shows these topics. Screens may
  share its answers (eventkit/live/reads.py keeps those named in its LIFETIMES);
- `@changes(*topics)`: a write that makes these topics stale. When it returns
  (or fails: a refused write may have seen newer state) the Store tells every
  subscriber (`Announcer.subscribe`), so they drop or announce what it changed;
- `@left_to_lifetime(*topics)`: a write that changes these topics but tells
  nobody: a storm of votes must not drop the results at every vote;
- `@unshared`: a write or read that no shared read shows (one person's own,
  staff secrets, exports, backups);
- `@plumbing`: connections and other machinery that hold no data.

Plain Python, no other eventkit import: the Store (eventkit/storage) declares,
and eventkit/live (the shared reads, the stream hub) and any later consumer read the
declarations (`declarations`, `writes_of`, `reads_of`; for the Store itself
eventkit.live.reads.declared_writes() and declared_reads()) or subscribe.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

# What a write can change (topics). A shared read is dropped when one it shows changes.
EVENT = "event"  # an event's setup: details, polls' wording, prompts, tables, the door, the address
LIVE = "live"  # what is live, each poll's state and whether its results show
VOTES = "votes"  # votes, estimates and show-of-hands counts
WALL = "wall"  # notes, +1s and their moderation
TABLES = "tables"  # seats, consent and scribes' notes
FEEDBACK = "feedback"  # evaluation forms sent
PEOPLE = "people"  # devices that joined
TOPICS = frozenset({EVENT, LIVE, VOTES, WALL, TABLES, FEEDBACK, PEOPLE})

Kind = Literal["reads", "changes", "left_to_lifetime", "unshared", "plumbing"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Declared:
    """One method's declaration: its kind and the topics it shows or changes."""

    kind: Kind
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    """What a subscriber is told after a `@changes` write: the write's name and what it made stale."""

    write: str
    topics: frozenset[str]


Listener = Callable[[Change], None]


def _declare(fn: F, kind: Kind, topics: tuple[str, ...]) -> F:
    unknown = set(topics) - TOPICS
    if unknown:
        raise ValueError(f"{fn.__name__}: unknown topics {sorted(unknown)}")
    fn.__stale__ = Declared(kind, frozenset(topics))  # type: ignore[attr-defined]
    return fn


def reads(*topics: str) -> Callable[[F], F]:
    """A read whose answer shows these topics."""
    return lambda fn: _declare(fn, "reads", topics)


def left_to_lifetime(*topics: str) -> Callable[[F], F]:
    """A write that changes these topics and tells nobody: shared answers keep their lifetimes."""
    return lambda fn: _declare(fn, "left_to_lifetime", topics)


def unshared(fn: F) -> F:
    """A write or read that no shared read shows."""
    return _declare(fn, "unshared", ())


def plumbing(fn: F) -> F:
    """Connections and machinery: no data of their own."""
    return _declare(fn, "plumbing", ())


def changes(*topics: str) -> Callable[[F], F]:
    """A write that makes these topics stale: subscribers are told when it ends, even by an error."""
    change_topics = frozenset(topics)

    def declare(fn: F) -> F:
        change = Change(fn.__name__, change_topics)

        @functools.wraps(fn)
        def write_then_tell(self: Announcer, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, *args, **kwargs)
            finally:  # told even when it failed: a refused write may have seen newer state
                self.announce(change)

        return _declare(write_then_tell, "changes", topics)  # type: ignore[return-value]

    return declare


class Announcer:
    """Tells subscribers about each `@changes` write made through this object (the Store)."""

    _listeners: tuple[Listener, ...] = ()
    _listeners_lock = threading.Lock()

    @plumbing
    def subscribe(self, listener: Listener) -> None:
        """Call listener(Change) after every `@changes` write through this Store, in the writing thread."""
        with self._listeners_lock:
            self._listeners = (*self._listeners, listener)

    @plumbing
    def announce(self, change: Change) -> None:
        """Tell every subscriber (a `@changes` write does this itself)."""
        for listener in self._listeners:
            listener(change)


def declarations(cls: type) -> dict[str, Declared | None]:
    """Each public method of cls (the Store) and its declaration; None where it has none."""
    return {
        name: getattr(getattr(cls, name), "__stale__", None)
        for name in dir(cls)
        if not name.startswith("_") and callable(getattr(cls, name))
    }


def writes_of(cls: type) -> dict[str, frozenset[str]]:
    """Each `@changes` write of cls (the Store) and what it makes stale."""
    return {name: d.topics for name, d in declarations(cls).items() if d is not None and d.kind == "changes"}


def reads_of(cls: type) -> dict[str, frozenset[str]]:
    """Each `@reads` read of cls (the Store) and the topics its answer shows."""
    return {name: d.topics for name, d in declarations(cls).items() if d is not None and d.kind == "reads"}
