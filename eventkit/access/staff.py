"""Staff sign-in without Streamlit: the organiser password, guessing limits, remembered sign-ins.

- The organiser password is the one configured by whoever runs the server
  (`admin_password` in .streamlit/secrets.toml, or $EVENTKIT_ADMIN_PASSWORD).
  Without one, the first process to start generates a random password, stores
  only its scrypt hash and prints the password once to its own terminal, as
  notebook servers print their token. There is no built-in default, so no two
  installations share a password. `python -m eventkit set-admin-password` and
  `reset-admin-password` replace it.
- Every check of a passcode or password goes through sign_in(), which records
  the attempt as failed *before* checking it (Store.begin_sign_in), so the
  guessing limits hold however many attempts arrive at once. A right secret
  whose stored hash is of an older scheme (PBKDF2) is hashed again with
  scrypt, stored in the same write that forgets the attempt.
- A successful sign-in gets a "pass" for the rest of the day: a random token
  the browser keeps in a cookie, stored here only as its SHA-256 with a
  fingerprint of the secret it was issued for. It ends at midnight (server
  time), at sign-out, and when the passcode or password changes.
- The pass reaches the browser's cookie through the server, never through
  page script: the page that signed in gets a one-time handoff code that
  lasts a minute (hand_over), and the server route that takes it back
  (take_handover, eventkit/web/staff_routes.py) sets the HttpOnly cookie.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import sys
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from eventkit.access import security
from eventkit.models import Role
from eventkit.storage import Store, utc_stamp
from eventkit.storage.rehash import HashUpgrade

ADMIN_ENV = "EVENTKIT_ADMIN_PASSWORD"
ORGANISER_COOKIE = "ek_organiser"  # the organiser's pass; a control panel's is facilitator_cookie()
HANDOFF_SECONDS = 60
SECRETS_KEY = "admin_password"
# Where Streamlit looks for secrets.toml (the user's, then the app's); the CLI reads them too.
SECRETS_FILES = (
    Path.home() / ".streamlit" / "secrets.toml",
    Path(".streamlit") / "secrets.toml",
    Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml",
)


# --- The organiser password ----------------------------------------------------------


def configured_admin_password(streamlit_secret: str | None = None) -> str | None:
    """The password whoever runs the server chose, or None.

    `streamlit_secret` is st.secrets["admin_password"] when the app asks; the
    command line reads the same secrets.toml files itself.
    """
    chosen = streamlit_secret or os.environ.get(ADMIN_ENV) or _from_secrets_files()
    return chosen or None


def _from_secrets_files() -> str | None:
    found = None
    for path in SECRETS_FILES:
        try:
            value = tomllib.loads(path.read_text(encoding="utf-8")).get(SECRETS_KEY)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        found = value if isinstance(value, str) and value else found  # later files win, as in Streamlit
    return found


def ensure_admin_password(store: Store, configured: str | None, out: TextIO | None = None) -> str | None:
    """Without a configured or stored password, generate one, store its hash and print it.

    Returns the new password when this call made it (else None). Of several
    processes starting at once, exactly one stores a password and prints it.
    """
    if configured or store.admin_password_hash():
        return None
    password = security.new_password()
    if not store.create_admin_password_hash(security.hash_passcode(password)):
        return None  # another process was first: its terminal shows the password
    announce_admin_password(password, out or sys.stderr)
    return password


def start_up(store: Store, configured: str | None, out: TextIO | None = None) -> None:
    """At a server process's start: make the password if needed, else say where it is."""
    if ensure_admin_password(store, configured, out) is None and not configured:
        print(
            "eventkit: organiser password: the one printed when this database was first used "
            "(lost it? `python -m eventkit reset-admin-password`)",
            file=out or sys.stderr,
            flush=True,
        )


def announce_admin_password(password: str, out: TextIO) -> None:
    """Print the generated password once, where only whoever started the server sees it."""
    rule = "=" * 72
    print(
        f"\n{rule}\neventkit: organiser password (shown once, keep it safe): {password}\n"
        "  Sign in at /organiser. Choose your own with `python -m eventkit set-admin-password`,\n"
        f"  or set {ADMIN_ENV}; lost it? `python -m eventkit reset-admin-password`.\n{rule}\n",
        file=out,
        flush=True,
    )


def admin_password_is_right(store: Store, password: str, configured: str | None) -> bool:
    """Whether `password` is the organiser password (constant time; False when none exists)."""
    if configured:
        return hmac.compare_digest(password.encode(), configured.encode())
    stored = store.admin_password_hash()
    return bool(stored) and security.verify_passcode(password, stored)


def organiser_sign_in(store: Store, password: str, configured: str | None, client: str) -> bool:
    """Check the organiser password as one attempt of this browser session (see sign_in);
    a stored hash of an older scheme is replaced when the password is right."""
    stored = "" if configured else store.admin_password_hash()
    return sign_in(
        store,
        "organiser",
        None,
        client,
        lambda: admin_password_is_right(store, password, configured),
        lambda: rehash(stored, password, _stored_mark),
    )


# --- Checking a secret under the guessing limits -------------------------------------------


def sign_in(
    store: Store,
    role: Role,
    event_id: int | None,
    client: str,
    is_right: Callable[[], bool],
    upgrade: Callable[[], HashUpgrade | None] = lambda: None,
) -> bool:
    """Check a secret as one attempt of this browser session (`client`).

    Raises ThrottledError while sign-in is paused; the attempt is recorded as
    failed before `is_right` runs and forgotten only if it was right, in the
    write that also stores `upgrade()`, a stronger hash of the right secret (or None).
    """
    attempt = store.begin_sign_in(role, event_id, client)
    if not is_right():
        return False
    store.sign_in_succeeded(attempt, role, event_id, client, upgrade())
    return True


def rehash(stored: str, secret: str, mark: Callable[[str], str]) -> HashUpgrade | None:
    """For a right `secret` whose `stored` hash is of an older scheme: its new hash, and the
    passes' marks (made by `mark` from a hash) before and after; None when it is up to date."""
    if not security.needs_rehash(stored):
        return None
    new_hash = security.hash_passcode(secret)
    return HashUpgrade(stored, new_hash, mark(stored), mark(new_hash))


# --- Remembered sign-ins ("passes") ------------------------------------------------------


def organiser_mark(store: Store, configured: str | None) -> str:
    """A fingerprint of the current organiser password: passes issued for another one are void."""
    if configured:
        return "configured:" + _slow_mark(configured)
    stored = store.admin_password_hash()
    return _stored_mark(stored) if stored else ""


def _stored_mark(password_hash: str) -> str:
    return "stored:" + security.fingerprint(password_hash)


@functools.lru_cache(maxsize=4)
def _slow_mark(password: str) -> str:
    return security.slow_fingerprint(password, "organiser-pass")  # once per process and password


def facilitator_mark(passcode_hash: str) -> str:
    """A fingerprint of an event's passcode hash: a new passcode voids its passes."""
    return security.fingerprint(passcode_hash) if passcode_hash else ""


def end_of_day(now: datetime | None = None) -> datetime:
    """Midnight at the end of today, server time (as an aware datetime)."""
    local = (now or datetime.now(UTC)).astimezone()
    return datetime.combine(local.date() + timedelta(days=1), time.min).astimezone()


def day_left(now: datetime | None = None) -> tuple[datetime, int]:
    """(midnight at the end of today, whole seconds until then, at least 1)."""
    now = now or datetime.now(UTC)
    expires = end_of_day(now)
    return expires, max(1, int((expires - now).total_seconds()))


def issue_pass(
    store: Store, role: Role, event_id: int | None, mark: str, now: datetime | None = None
) -> tuple[str, int]:
    """A new pass for today: (token for the browser's cookie, seconds until it expires)."""
    expires, seconds = day_left(now)
    token = security.new_staff_pass()
    store.add_staff_pass(security.fingerprint(token), role, event_id, mark, utc_stamp(expires))
    return token, seconds


def pass_is_valid(store: Store, token: str | None, role: Role, event_id: int | None, mark: str) -> bool:
    """Whether the token is an unexpired pass for this role and event, issued for the current secret."""
    if not token or not mark or not security.looks_like_token(token):
        return False
    found = store.staff_pass(security.fingerprint(token))
    return (
        found is not None
        and found.role == role
        and found.event_id == event_id
        and hmac.compare_digest(found.secret_mark, mark)
    )


def revoke_pass(store: Store, token: str | None) -> None:
    """Sign out: the pass stops working everywhere at once."""
    if token:
        store.delete_staff_pass(security.fingerprint(token))


def facilitator_cookie(event_id: int) -> str:
    """The name of the cookie that keeps the event's control-panel pass."""
    return f"ek_facilitator_{int(event_id)}"


def is_pass_cookie(name: str) -> bool:
    """Whether `name` is one of the cookies that hold a staff pass."""
    prefix = "ek_facilitator_"
    return name == ORGANISER_COOKIE or (name.startswith(prefix) and name[len(prefix) :].isdigit())


# --- Handing a pass to the browser's HttpOnly cookie -----------------------------------------


def hand_over(store: Store, cookie: str, token: str, now: datetime | None = None) -> str:
    """A one-time code, valid for HANDOFF_SECONDS, that the server exchanges for `cookie`=`token`.

    Stored as the code's SHA-256 beside the pass sealed with a key made from
    the code: the row alone reveals neither.
    """
    if not is_pass_cookie(cookie) or not security.looks_like_token(token):
        raise ValueError("not a staff pass")
    code = security.new_staff_pass()
    expires = (now or datetime.now(UTC)) + timedelta(seconds=HANDOFF_SECONDS)
    store.add_pass_handoff(security.fingerprint(code), _seal(code, f"{cookie} {token}"), utc_stamp(expires))
    return code


def take_handover(store: Store, code: str | None) -> tuple[str, str] | None:
    """(cookie name, pass) for an unused, unexpired handoff code (used up now); None otherwise."""
    if not security.looks_like_token(code):
        return None
    sealed = store.take_pass_handoff(security.fingerprint(code or ""))
    if not sealed:
        return None
    cookie, _, token = _seal(code or "", bytes.fromhex(sealed).decode("latin-1"), opening=True).partition(" ")
    return (cookie, token) if is_pass_cookie(cookie) and security.looks_like_token(token) else None


def _seal(code: str, text: str, opening: bool = False) -> str:
    """XOR with a keystream made from the code: sealing gives hex, opening gives the text back."""
    data = text.encode("latin-1")
    stream = hashlib.shake_256(b"eventkit pass handoff v1:" + code.encode()).digest(len(data))
    mixed = bytes(a ^ b for a, b in zip(data, stream, strict=True))
    return mixed.decode("latin-1") if opening else mixed.hex()
