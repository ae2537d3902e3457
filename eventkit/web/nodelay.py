"""TCP_NODELAY on the server's listening sockets, so small replies leave at once.

Streamlit 1.67's `st.App` binds its listening socket itself as
`socket.socket(AF_INET, SOCK_STREAM)`, whose `proto` is 0. asyncio turns
Nagle's algorithm off only for sockets whose proto is IPPROTO_TCP, so every
accepted connection kept it on: a keep-alive reply (a redraw, a vote) waited
about 40 ms for the client's delayed ACK. A spike measured a fragment redraw's
round trip at 57.5 ms before and 8.9 ms after, a vote at 56 and 12 ms.

On Linux (and the BSDs) an accepted socket inherits TCP_NODELAY from the
listening socket, so setting it once on the listener covers every connection.
The listener is found among the process's live socket objects: no private
Streamlit or uvicorn call, so an upgrade that binds differently only makes this
find nothing (and the start-up log says so).

EVENTKIT_BENCH_NAGLE=1 leaves Nagle's algorithm on, for one purpose only: the
"before" figure of bench/nodelay.sh (the staff screens' round trips with and
without it). Never set it for an event.
"""

from __future__ import annotations

import gc
import logging
import os
import socket

_LOG = logging.getLogger(__name__)
BENCH_NAGLE_ENV = "EVENTKIT_BENCH_NAGLE"


def listening_tcp_sockets() -> list[socket.socket]:
    """Every open TCP socket of this process that is listening."""
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, socket.socket) and obj.fileno() >= 0 and obj.family in (socket.AF_INET, socket.AF_INET6):
            try:
                if obj.type == socket.SOCK_STREAM and obj.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                    found.append(obj)
            except OSError:  # closed meanwhile, or not a socket the OS knows
                continue
    return found


def set_nodelay_on_listeners(listeners: list[socket.socket] | None = None) -> int:
    """Turn Nagle's algorithm off on every listening TCP socket (or these); returns how many."""
    if os.environ.get(BENCH_NAGLE_ENV) == "1":
        _LOG.warning("%s=1: Nagle's algorithm left on (a benchmark's 'before' figure)", BENCH_NAGLE_ENV)
        return 0
    listeners = listening_tcp_sockets() if listeners is None else listeners
    for sock in listeners:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if listeners:
        _LOG.info("TCP_NODELAY set on %d listening socket(s)", len(listeners))
    else:
        _LOG.warning("No listening socket found for TCP_NODELAY: replies may wait ~40 ms for delayed ACKs")
    return len(listeners)
