"""Staff recovery from the command line: organiser password, facilitator passcode, sign-in links and pauses.

    python -m eventkit set-admin-password [--stdin]     choose the organiser password
    python -m eventkit reset-admin-password             make a new random one and print it
    python -m eventkit set-passcode CODE [--stdin]      choose an event's facilitator passcode
    python -m eventkit sign-in-link CODE [--qr]         a single-use link into the control panel
    python -m eventkit clear-sign-in-pauses [CODE]      end pauses after wrong attempts

Whoever can run these on the server machine owns the database anyway, so
they need no password: they are the way back in when one is lost or a
guesser keeps sign-in paused.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from eventkit.access import security, sign_in_link, staff
from eventkit.event import links
from eventkit.storage import Store, StoreError

MIN_ADMIN_PASSWORD = 8
MIN_PASSCODE = 4  # as the event file and the editor require


def add_staff_parsers(sub: argparse._SubParsersAction) -> None:
    setter = sub.add_parser("set-admin-password", help="choose the organiser password (asked for, or --stdin)")
    setter.add_argument("--stdin", action="store_true", help="read the password from the first line of standard input")
    sub.add_parser("reset-admin-password", help="make a new random organiser password and print it")
    passcode = sub.add_parser("set-passcode", help="choose an event's facilitator passcode (asked for, or --stdin)")
    passcode.add_argument("code")
    passcode.add_argument(
        "--stdin", action="store_true", help="read the passcode from the first line of standard input"
    )
    link = sub.add_parser(
        "sign-in-link",
        help=f"print a link that lets one facilitator into an event's control panel, once, within "
        f"{sign_in_link.LINK_MINUTES} minutes, even while sign-in is paused (shown once)",
    )
    link.add_argument("code")
    link.add_argument("--qr", action="store_true", help="also print the link as a QR code in the terminal")
    link.add_argument("--base-url", help="address the facilitator's browser opens (default: the event's saved one)")
    clear = sub.add_parser("clear-sign-in-pauses", help="end sign-in pauses after wrong attempts (all, or one event's)")
    clear.add_argument("code", nargs="?", help="only this event's facilitator sign-in")


def cmd_set_admin_password(store: Store, args: argparse.Namespace) -> int:
    password = _ask("New organiser password", args.stdin)
    if len(password) < MIN_ADMIN_PASSWORD:
        raise StoreError(
            f"The organiser password must be at least {MIN_ADMIN_PASSWORD} characters. Nothing was changed."
        )
    store.set_admin_password_hash(security.hash_passcode(password))
    print("organiser password set; organisers signed in before must sign in again")
    _warn_if_overridden()
    return 0


def cmd_reset_admin_password(store: Store, args: argparse.Namespace) -> int:
    password = security.new_password()
    store.set_admin_password_hash(security.hash_passcode(password))
    staff.announce_admin_password(password, sys.stdout)
    print("organisers signed in before must sign in again")
    _warn_if_overridden()
    return 0


def cmd_set_passcode(store: Store, args: argparse.Namespace) -> int:
    event = store.event_by_code(args.code)
    if event is None:
        raise StoreError(f"No event with code {args.code}.")
    passcode = _ask(f"New facilitator passcode for {event.code}", args.stdin)
    if len(passcode) < MIN_PASSCODE:
        raise StoreError(f"The passcode must be at least {MIN_PASSCODE} characters. Nothing was changed.")
    store.set_facilitator_hash(event.id, security.hash_passcode(passcode))
    print(f"facilitator passcode of {event.code} set; open control panels must sign in again")
    return 0


def cmd_sign_in_link(store: Store, args: argparse.Namespace) -> int:
    event = store.event_by_code(args.code)
    if event is None:
        raise StoreError(f"No event with code {args.code}.")
    try:
        base, note = (
            (links.normalise_base_url(args.base_url), "") if args.base_url else links.public_base(event.public_base_url)
        )
    except links.AddressError as err:
        raise StoreError(f"--base-url: {err}") from err
    if note:
        print(f"note: {note}", file=sys.stderr)
    made = sign_in_link.issue(store, event, base)
    print(made.url)
    if args.qr:
        links.qr_code(made.url, border=2).print_ascii(out=sys.stdout, invert=True)
    until = made.expires.astimezone().strftime("%H:%M")
    print(
        f"works once, until {until} (server time), for {event.code}'s control panel; not shown again", file=sys.stderr
    )
    return 0


def cmd_clear_sign_in_pauses(store: Store, args: argparse.Namespace) -> int:
    if args.code:
        event = store.event_by_code(args.code)
        if event is None:
            raise StoreError(f"No event with code {args.code}.")
        cleared = store.clear_login_failures("facilitator", event.id)
        print(f"cleared {cleared} wrong attempt(s) at {event.code}'s facilitator sign-in")
    else:
        cleared = store.clear_all_login_failures()
        print(f"cleared {cleared} wrong attempt(s); sign-in is open again for everyone")
    return 0


def _ask(prompt: str, from_stdin: bool) -> str:
    """The secret from standard input (--stdin), or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass("Type it again: ") != first:
        raise StoreError("The two did not match. Nothing was changed.")
    return first


def _warn_if_overridden() -> None:
    if staff.configured_admin_password():
        print(
            f"note: {staff.ADMIN_ENV} or admin_password in secrets.toml is set, and the app uses that "
            "instead until it is removed",
            file=sys.stderr,
        )


COMMANDS = {
    "set-admin-password": cmd_set_admin_password,
    "reset-admin-password": cmd_reset_admin_password,
    "set-passcode": cmd_set_passcode,
    "sign-in-link": cmd_sign_in_link,
    "clear-sign-in-pauses": cmd_clear_sign_in_pauses,
}
