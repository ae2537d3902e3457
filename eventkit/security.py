"""Passcode hashing and participant tokens.

Passcodes are stored as salted PBKDF2-SHA256 hashes and compared in
constant time. Participant tokens live only in the attendee's page URL; the
database keeps a one-way hash of them, so neither the file nor an export
can link an answer back to a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PBKDF2_ITERATIONS = 200_000
TOKEN_BYTES = 16


def hash_passcode(passcode: str, *, iterations: int = PBKDF2_ITERATIONS) -> str:
    """A salted slow hash of a passcode, as 'pbkdf2_sha256$iter$salt$hash'."""
    salt = secrets.token_hex(16)
    digest = _pbkdf2(passcode, salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def verify_passcode(passcode: str, stored: str) -> bool:
    """True when the passcode matches the stored hash (constant-time compare)."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256" or not passcode:
            return False
        return hmac.compare_digest(_pbkdf2(passcode, salt, int(iterations)), digest)
    except (AttributeError, OverflowError, TypeError, ValueError):  # a malformed stored hash matches nothing
        return False


def _pbkdf2(passcode: str, salt: str, iterations: int) -> str:
    raw = hashlib.pbkdf2_hmac("sha256", passcode.encode(), salt.encode(), iterations)
    return raw.hex()


def new_token() -> str:
    """A fresh random participant token for a page URL."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(event_id: int, token: str) -> str:
    """The one-way hash of a participant token stored in the database."""
    return hashlib.sha256(f"{event_id}:{token}".encode()).hexdigest()


def looks_like_token(value: str | None) -> bool:
    """True for a string shaped like a token we issued (URL-safe, right length)."""
    if not value or not 16 <= len(value) <= 64:
        return False
    return all((c.isascii() and c.isalnum()) or c in "-_" for c in value)


# --- Slowing down guessing and spam --------------------------------------------
# Counted from rows in the database (login_attempts, notes, table_notes), so
# the limits hold across sessions, browser tabs, server processes and restarts.

FREE_LOGIN_ATTEMPTS = 5  # wrong passcodes allowed before sign-in slows down
LOGIN_WINDOW_SECONDS = 15 * 60  # failures older than this are forgotten
MAX_LOGIN_DELAY_SECONDS = 300  # at worst one guess per 5 minutes per event and role

POST_LIMIT = 5  # notes one participant may post ...
POST_WINDOW_SECONDS = 60  # ... within this many seconds


def login_delay_seconds(recent_failures: int) -> int:
    """How long sign-in stays closed after the latest of `recent_failures` wrong attempts.

    The first few mistakes cost nothing (people mistype); after that the
    wait doubles with each failure, capped so a guesser in the room can at
    worst pause new sign-ins for a few minutes (open sessions stay signed in).
    """
    extra = recent_failures - FREE_LOGIN_ATTEMPTS
    if extra <= 0:
        return 0
    return min(2 ** (extra - 1), MAX_LOGIN_DELAY_SECONDS)


def login_wait_message(seconds: int) -> str:
    return (f"Too many wrong attempts. Sign-in is paused for {seconds} second"
            f"{'s' if seconds != 1 else ''}; please wait and try again.")


def posting_wait_message(seconds: int) -> str:
    return f"You are posting very fast — please wait {seconds} second{'s' if seconds != 1 else ''}."
