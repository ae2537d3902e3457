"""`python -m eventkit`: set up the database and move event files in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .demo import ensure_demo
from .eventfile import EventFileError, dump_event_file, load_event_file
from .storage import Store, StoreError, default_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eventkit", description=__doc__)
    parser.add_argument("--db", default=None, help=f"database file (default: $EVENTKIT_DB or {default_path()})")
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create the database (and load the demo event unless --no-demo)")
    init.add_argument("--no-demo", action="store_true")
    imp = sub.add_parser("import", help="import an event file (YAML)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--replace", action="store_true", help="replace an event with the same code, deleting its data")
    exp = sub.add_parser("export", help="write an event as an event file")
    exp.add_argument("code")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    sub.add_parser("list", help="list events")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS.get(args.command)
    if handler is None:
        return _extension(args)
    try:
        return handler(Store(args.db), args)
    except (StoreError, EventFileError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def cmd_init(store: Store, args: argparse.Namespace) -> int:
    loaded = None if args.no_demo else ensure_demo(store)
    print(f"database ready: {store.path}" + (" (demo event loaded)" if loaded else ""))
    return 0


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    spec = load_event_file(args.file)
    store.import_event(spec, replace=args.replace)
    print(f"imported {spec.code}: {spec.title}")
    return 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    event = store.event_by_code(args.code)
    if event is None:
        raise StoreError(f"No event with code {args.code}.")
    text = dump_event_file(store.export_spec(event.id))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    events = store.list_events()
    if not events:
        print("no events")
    for e in events:
        print(f"{e.code}\t{e.date}\t{e.status}\t{e.title}")
    return 0


def _extension(args: argparse.Namespace) -> int:
    print(f"unknown command {args.command}", file=sys.stderr)
    return 2


COMMANDS = {"init": cmd_init, "import": cmd_import, "export": cmd_export, "list": cmd_list}
