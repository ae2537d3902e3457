"""`python -m eventkit`: set up the database and move event files in and out."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from eventkit.access import staff
from eventkit.cli import staff as staff_cli
from eventkit.cli.purge import add_purge_parser, cmd_purge_expired
from eventkit.event.demo import ensure_demo
from eventkit.event.file import EventFileError, dump_event_file, load_event_file
from eventkit.outputs.report import add_report_parser, cmd_report
from eventkit.rehearse import commands as rehearse_commands
from eventkit.storage import Store, StoreError, default_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eventkit", description=__doc__)
    parser.add_argument(
        "--db",
        default=None,
        help=f"database file, or a postgresql:// URL for PostgreSQL (default: $EVENTKIT_DB or {default_path()})",
    )
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
    copy = sub.add_parser(
        "copy",
        help="copy every event (or one) from one database to another, e.g. a SQLite "
        "file to PostgreSQL; row counts are checked afterwards",
    )
    copy.add_argument("source", help="database file or postgresql:// URL to copy from (left unchanged)")
    copy.add_argument("target", help="database file or postgresql:// URL to copy into (created if new)")
    copy.add_argument("--event", action="append", metavar="CODE", help="copy only this event (repeat for more)")
    add_purge_parser(sub)
    add_report_parser(sub)
    _add_data_out_parsers(sub)
    staff_cli.add_staff_parsers(sub)
    rehearse_commands.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "copy":  # two databases, neither of them --db
            return cmd_copy(args)
        handler = COMMANDS.get(args.command)
        if handler is None:
            return _extension(args)
        return handler(Store(args.db), args)
    except (StoreError, EventFileError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def cmd_init(store: Store, args: argparse.Namespace) -> int:
    loaded = None if args.no_demo else ensure_demo(store)
    print(f"database ready: {store.describe()}" + (" (demo event loaded)" if loaded else ""))
    staff.start_up(store, staff.configured_admin_password(), sys.stdout)
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


def cmd_copy(args: argparse.Namespace) -> int:
    from eventkit.storage.copying import copy_events

    source, target = Store(args.source), Store(args.target)
    report = copy_events(source, target, args.event)
    ok = True
    for code, expected, copied in report:
        same = expected == copied
        ok = ok and same
        rows = ", ".join(f"{n} {t}" for t, n in copied.items() if n)
        print(f"{code}: {'copied' if same else 'COUNTS DIFFER'} ({rows})")
        if not same:
            for table in expected:
                if expected[table] != copied[table]:
                    print(f"  {table}: {expected[table]} in the source, {copied[table]} in the target", file=sys.stderr)
    if not report:
        print(f"no events in {source.describe()}")
    print(f"{len(report)} event(s) from {source.describe()} to {target.describe()}")
    return 0 if ok else 1


def _add_data_out_parsers(sub: argparse._SubParsersAction) -> None:
    csvs = sub.add_parser("export-csv", help="write an event's CSVs (per activity, long format, codebook)")
    csvs.add_argument("code")
    csvs.add_argument("-o", "--output", type=Path, required=True, help="folder to write into")
    zipped = sub.add_parser("export-zip", help="write a ZIP of all CSVs, codebook, event file and database copy")
    zipped.add_argument("code")
    zipped.add_argument("-o", "--output", type=Path, required=True, help="ZIP file to write")
    qr = sub.add_parser("qr-sheet", help="write QR code PNGs and a printable HTML sheet")
    qr.add_argument("code")
    qr.add_argument("-o", "--output", type=Path, required=True, help="folder to write into")
    qr.add_argument("--base-url", help="address phones open (saved on the event; default: saved or LAN address)")


def _event_or_fail(store: Store, code: str):
    event = store.event_by_code(code)
    if event is None:
        raise StoreError(f"No event with code {code}.")
    return event


def cmd_export_csv(store: Store, args: argparse.Namespace) -> int:
    from eventkit.outputs.exports import activity_csvs

    event = _event_or_fail(store, args.code)
    args.output.mkdir(parents=True, exist_ok=True)
    for name, data in activity_csvs(store, event.id).items():
        (args.output / name).write_bytes(data)
        print(f"wrote {args.output / name}")
    return 0


def cmd_export_zip(store: Store, args: argparse.Namespace) -> int:
    from eventkit.outputs.exports import zip_bytes

    event = _event_or_fail(store, args.code)
    args.output.write_bytes(zip_bytes(store, event))
    print(f"wrote {args.output}")
    return 0


def cmd_qr_sheet(store: Store, args: argparse.Namespace) -> int:
    from eventkit.event import links
    from eventkit.outputs import qrsheet

    event = _event_or_fail(store, args.code)
    if args.base_url is None:
        base, note = links.public_base(event.public_base_url)
        if note:
            print(f"note: {note}", file=sys.stderr)
    else:
        try:
            base = links.normalise_base_url(args.base_url)
        except links.AddressError as err:
            print(f"error: --base-url: {err}", file=sys.stderr)
            return 1
        store.set_public_base_url(event.id, base)
    cards = qrsheet.make_cards(base, event, store.list_tables(event.id))
    args.output.mkdir(parents=True, exist_ok=True)
    for card in cards:
        (args.output / f"{event.code}-{card.file_name}").write_bytes(card.png)
    (args.output / "qr-sheet.html").write_text(qrsheet.sheet_html(event, cards, base), encoding="utf-8")
    print(f"wrote {len(cards)} QR codes for {base} and {args.output / 'qr-sheet.html'}")
    return 0


def _extension(args: argparse.Namespace) -> int:
    print(f"unknown command {args.command}", file=sys.stderr)
    return 2


# Each command but copy (two databases, neither of them --db) runs on the Store that --db opens.
COMMANDS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "init": cmd_init,
    "import": cmd_import,
    "export": cmd_export,
    "list": cmd_list,
    "purge-expired": cmd_purge_expired,
    "export-csv": cmd_export_csv,
    "export-zip": cmd_export_zip,
    "qr-sheet": cmd_qr_sheet,
    "report": cmd_report,
    **staff_cli.COMMANDS,
    **rehearse_commands.COMMANDS,
}
