"""`python -m eventkit purge-expired`: delete events kept longer than their retention period.

Run it from cron (e.g. daily) on the machine that holds the database:
    python -m eventkit purge-expired --dry-run   # list what would go
    python -m eventkit purge-expired             # delete it
"""

from __future__ import annotations

import argparse
from datetime import date

from eventkit.storage import Store


def add_purge_parser(sub: argparse._SubParsersAction) -> None:
    """Register the purge-expired subcommand."""
    purge = sub.add_parser(
        "purge-expired", help="delete events kept retention_days past their date (or past their creation, if later)"
    )
    purge.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
    purge.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="pretend today is this date (default: today)",
    )


def cmd_purge_expired(store: Store, args: argparse.Namespace) -> int:
    """List or delete the expired events."""
    expired = store.expired_events(args.today)
    if not expired:
        print("no expired events")
        return 0
    for event, expires in expired:
        verb = "would delete" if args.dry_run else "deleting"
        print(
            f"{verb} {event.code}\t{event.date or '(no date)'}\t{event.retention_days}-day retention "
            f"ended {expires.isoformat()}\t{event.title}"
        )
    if not args.dry_run:
        store.purge_expired(args.today)
        print(f"deleted {len(expired)} event{'s' if len(expired) != 1 else ''}")
    return 0
