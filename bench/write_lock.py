"""Votes saved while other threads keep Python busy, as on a loaded server process.

    python bench/write_lock.py [VOTERS] [BUSY_THREADS]      (defaults 8 and 6)

A server process runs every phone's script on its own thread; when those are
busy, a thread that asked SQLite for something waits for Python's lock to get
going again. A write that holds the database's lock across such waits makes
every other writer wait too (and past the 10 s busy timeout, fail). This
saves 200 votes from VOTERS threads while BUSY_THREADS threads spin, on a
fresh demo database in a temporary folder, and prints how long each took.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventkit.access.security import new_token
from eventkit.event.demo import ensure_demo
from eventkit.storage import Store, StoreError

VOTES = 200


def main(voters: int, busy_threads: int) -> None:
    store = Store(os.path.join(tempfile.mkdtemp(), "eventkit.db"))
    ensure_demo(store)
    event = store.event_by_code("FIFE16")
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    people = [store.join(event.id, new_token()) for _ in range(VOTES)]

    alone = time.perf_counter()
    for person in people[:50]:
        store.cast_vote(poll.id, person.id, poll.options[1].id)
    alone = (time.perf_counter() - alone) / 50

    stop = threading.Event()
    spinners = [threading.Thread(target=_spin, args=(stop,)) for _ in range(busy_threads)]
    took: list[float] = []
    refused: list[str] = []
    workers = [
        threading.Thread(target=_vote, args=(store, poll, people[k::voters], took, refused)) for k in range(voters)
    ]
    for t in spinners:
        t.start()
    started = time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    wall = time.perf_counter() - started
    stop.set()
    for t in spinners:
        t.join()
    took.sort()
    print(f"one vote alone: {alone * 1000:.1f} ms")
    print(
        f"{voters} voters, {busy_threads} busy threads: {len(took)} of {VOTES} saved in {wall:.1f} s, "
        f"p50 {_ms(took, 0.5)} p95 {_ms(took, 0.95)} max {_ms(took, 1.0)}; refused {len(refused)}"
    )


def _vote(store: Store, poll, people: list, took: list[float], refused: list[str]) -> None:
    for person in people:
        started = time.perf_counter()
        try:
            store.cast_vote(poll.id, person.id, poll.options[0].id)
            took.append(time.perf_counter() - started)
        except StoreError as err:
            refused.append(str(err))


def _spin(stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    return f"{values[min(len(values) - 1, int(q * len(values)))] * 1000:.0f} ms"


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args + [8, 6][len(args) :]))
