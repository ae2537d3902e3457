"""How fast idle attendee screens follow a change of live activity.

Opens N real Streamlit sessions on the Now screen of the demo event, then the
facilitator (through the Store, on the server's database file) switches the
live activity a few times; reports how long until each screen shows it.

    python bench/follow.py --url http://127.0.0.1:8501 --db data/eventkit.db -n 300
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from eventkit.access.security import new_token
from eventkit.rehearse.client import StreamlitSession
from eventkit.storage import Store

MARKERS = {"wall": "The wall is open", "tables": "Table discussions", "evaluation": "Before you go"}


def shows(session: StreamlitSession, text: str) -> bool:
    return any(text in s.text for s in session.elements.values())


async def follow(session: StreamlitSession, marker: str, start: float, done: list[float]) -> None:
    """Wait until the screen shows `marker`; add the seconds since `start` to `done`."""
    await session.wait_for(lambda s: shows(s, marker), 60)
    done.append(time.monotonic() - start)


async def main(url: str, db: str, n: int, changes: int, code: str) -> None:
    store = Store(db)
    event = store.event_by_code(code)
    store.set_live(event.id, "welcome")
    sessions = [StreamlitSession(url, query_string=f"event={code}&p={new_token()}") for _ in range(n)]
    for i in range(0, n, 50):
        await asyncio.gather(*(s.open() for s in sessions[i : i + 50]))
    await asyncio.gather(*(s.wait_for(lambda s: s.runs_finished, 60) for s in sessions))
    print(f"{n} screens open")
    kinds = ["wall", "tables", "evaluation"]
    for i in range(changes):
        kind = kinds[i % len(kinds)]
        await asyncio.sleep(2)
        start = time.monotonic()
        store.set_live(event.id, kind)
        done: list[float] = []
        await asyncio.gather(*(follow(s, MARKERS[kind], start, done) for s in sessions), return_exceptions=True)
        done.sort()
        print(
            f"{kind:10} followed {len(done)}/{n}: p50 {statistics.median(done):.2f}s "
            f"p95 {done[int(0.95 * (len(done) - 1))]:.2f}s max {done[-1]:.2f}s"
        )
    await asyncio.gather(*(s.close() for s in sessions))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--db", default="data/eventkit.db")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--event", default="FIFE16")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.db, args.n, args.changes, args.event))
