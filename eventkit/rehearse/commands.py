"""The `rehearse` and `serve` subcommands of `python -m eventkit`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..storage import Store


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `rehearse` and `serve` on the main parser's subcommands."""
    r = sub.add_parser(
        "rehearse",
        help="simulate N phones against a running server and measure it",
        description="Simulate N phones against a running server and measure it. It adds "
        "rehearsal participants, votes, notes and evaluations to the event and changes what "
        "is live: rehearse on a copy of the database or a test event, not on the day's data.",
    )
    r.add_argument("--url", default="http://127.0.0.1:8501", help="the server's address (default %(default)s)")
    r.add_argument("--event", default="FIFE16", help="event code to rehearse on (default %(default)s)")
    r.add_argument("--attendees", type=int, default=100)
    r.add_argument("--duration", type=float, default=60, help="seconds from the first join to the end")
    r.add_argument(
        "--join-window",
        type=float,
        default=60,
        help="everyone joins within this many seconds (at most half the duration)",
    )
    r.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="the server's database file or postgresql:// URL (same as the global --db)",
    )
    r.add_argument("--server-pid", type=int, help="measure this process and its children (CPU, memory)")
    r.add_argument(
        "--database-pid",
        type=int,
        help="with --server-pid: count this process tree too, e.g. "
        "PostgreSQL's postmaster (head -1 $PGDATA/postmaster.pid)",
    )
    r.add_argument(
        "--noscript-share",
        type=float,
        default=0.02,
        help="share of phones with JavaScript off, following by their page's refresh (default %(default)s)",
    )
    r.add_argument("--no-projector", action="store_true", help="do not open a simulated projector")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--json", action="store_true", help="print the results as JSON instead of a summary")
    r.add_argument("--json-out", type=Path, help="also write the results as JSON to this file")
    s = sub.add_parser("serve", help="start the app: N Streamlit processes behind nginx (gzip, sticky sessions)")
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--port", type=int, default=8501, help="the public port (nginx)")
    s.add_argument("--host", default="0.0.0.0", help="address nginx listens on (default %(default)s)")
    s.add_argument(
        "--db", default=argparse.SUPPRESS, help="database file or postgresql:// URL (same as the global --db)"
    )


def cmd_rehearse(store: Store, args: argparse.Namespace) -> int:
    from .runner import format_summary, rehearse
    from .scenario import Settings

    settings = Settings(
        url=args.url,
        event_code=args.event.upper(),
        attendees=args.attendees,
        duration=args.duration,
        join_window=args.join_window,
        db=store.path,
        server_pid=args.server_pid,
        database_pid=args.database_pid,
        projector=not args.no_projector,
        seed=args.seed,
        noscript_share=args.noscript_share,
    )
    result = rehearse(settings)
    print(json.dumps(result, indent=2) if args.json else format_summary(result))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2))
    return 0 if result["database_matches"] and not result["errors"] else 1


def cmd_serve(store: Store, args: argparse.Namespace) -> int:
    from eventkit.cli.serve import serve

    return serve(store.path, workers=args.workers, port=args.port, host=args.host)


COMMANDS = {"rehearse": cmd_rehearse, "serve": cmd_serve}
