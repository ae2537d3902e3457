"""Group py-spy's raw samples of a server by where the time went.

Usage: python bench/profile_groups.py FILE.raw

Each sample is put in the first group (checked from the innermost frame
outwards) whose pattern its frame matches, so a database read made by a page
counts as "database", not as "page code". Idle threads are not sampled
(py-spy leaves them out unless --idle), and samples caught waiting in a
select, a lock or a sleep are dropped too, so the shares are of busy time.
"""

from __future__ import annotations

import sys
from collections import Counter

# (group, substrings of a frame "function (file:line)"), innermost match wins.
GROUPS = [
    ("database (sqlite3 / psycopg)", ("sqlite3", "psycopg", "eventkit/storage/")),
    ("cached reads (st.cache_data / eventkit.live.reads)", ("runtime/caching/", "eventkit/live/reads")),
    ("protobuf: building and serialising messages", ("google/protobuf", "_pb2", "SerializeToString")),
    ("websocket and tornado", ("tornado/", "websocket")),
    ("elements: st.* calls (delta generator)", ("streamlit/elements/", "delta_generator", "streamlit/runtime/state/")),
    ("live push thread (eventkit.live.push)", ("eventkit/live/push", "eventkit/livepush")),
    ("eventkit page and ui code", ("eventkit/", "pages/", "app.py")),
    ("script runner: thread, rerun, session (Streamlit)", ("scriptrunner", "app_session", "forward_msg", "runtime/")),
]


WAITS = ("select (selectors.py", "wait (threading.py", "sleep", "_worker (concurrent/futures/thread.py:81)")


def group(stack: list[str]) -> str:
    for frame in reversed(stack):
        for name, patterns in GROUPS:
            if any(p in frame for p in patterns):
                return name
    return "other (interpreter, threading, logging…)"


def main(path: str) -> None:
    counts: Counter[str] = Counter()
    with open(path) as lines:
        for line in lines:
            stack, _, n = line.rstrip().rpartition(" ")
            if stack and n.isdigit() and not any(w in stack.split(";")[-1] for w in WAITS):
                counts[group(stack.split(";"))] += int(n)
    total = sum(counts.values()) or 1
    for name, n in counts.most_common():
        print(f"  {100 * n / total:5.1f} %  {name}")
    print(f"  ({total} busy samples)")


if __name__ == "__main__":
    main(sys.argv[1])
