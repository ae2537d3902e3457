"""Passcode hashing and participant tokens.

Passcodes and the organiser password are stored as salted scrypt hashes and
compared in constant time. Hashes made before scrypt (PBKDF2-SHA256 at
200,000 iterations) still verify, and needs_rehash() tells the sign-in to
replace them (eventkit.access.staff). Participant tokens live only in the
attendee's page URL; the database keeps a one-way hash of them, so neither
the file nor an export can link an answer back to a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from typing import TypeGuard

from eventkit.models import Role

# OWASP's second scrypt setting (n=2**15, r=8, p=3): 32 MiB per hash rather than the
# 128 MiB of n=2**17, p=1, for a small server where several sign-ins may hash at once.
# About 0.2 s of one core per hash on a 2-core test machine (2026).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 3
SCRYPT_MAXMEM = 64 * 2**20  # scrypt needs 128 * r * n bytes and a little more; larger stored n match nothing
SCRYPT_MAX_WORK = 4 * SCRYPT_N * SCRYPT_R * SCRYPT_P  # a stored hash dearer than this matches nothing
# Per process: sign-ins beyond this wait their turn rather than each taking 32 MiB at once (a storm of
# 30 guesses, all let through to the check, would otherwise want about 1 GiB together).
SLOW_HASHES_AT_ONCE = 2
_slow_hashes = threading.BoundedSemaphore(SLOW_HASHES_AT_ONCE)
SCRYPT = "scrypt"
LEGACY_PBKDF2 = "pbkdf2_sha256"  # verified, then replaced at the next sign-in
LEGACY_MAX_ITERATIONS = 1_000_000  # they were made with 200,000; more matches nothing
TOKEN_BYTES = 16


def hash_passcode(passcode: str, *, n: int = SCRYPT_N) -> str:
    """A salted slow hash of a passcode, as 'scrypt$n$r$p$salt$hash' (salt and hash in hex).

    `n` is lowered only by tests, to make many hashes quickly.
    """
    salt = secrets.token_hex(16)
    digest = _scrypt(passcode, salt, n, SCRYPT_R, SCRYPT_P)
    return f"{SCRYPT}${n}${SCRYPT_R}${SCRYPT_P}${salt}${digest}"


def verify_passcode(passcode: str, stored: str) -> bool:
    """True when the passcode matches the stored hash, scrypt or legacy PBKDF2 (constant-time compare)."""
    try:
        scheme, *fields = stored.split("$")
        if not passcode:
            return False
        if scheme == SCRYPT and len(fields) == 5:
            n, r, p, salt, digest = fields
            computed = _scrypt(passcode, salt, int(n), int(r), int(p))
        elif scheme == LEGACY_PBKDF2 and len(fields) == 3:
            iterations, salt, digest = fields
            computed = _pbkdf2(passcode, salt, int(iterations))
        else:
            return False
        return hmac.compare_digest(computed, digest)
    except (AttributeError, OverflowError, TypeError, ValueError):  # a malformed stored hash matches nothing
        return False


def needs_rehash(stored: str) -> bool:
    """True for a hash of an older scheme (PBKDF2): replace it once its passcode proved right."""
    return bool(stored) and not stored.startswith(SCRYPT + "$")


def _scrypt(passcode: str, salt: str, n: int, r: int, p: int) -> str:
    if min(n, r, p) < 1 or n * r * p > SCRYPT_MAX_WORK:
        raise ValueError("scrypt parameters out of range")
    with _slow_hashes:
        raw = hashlib.scrypt(passcode.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)
    return raw.hex()


def _pbkdf2(passcode: str, salt: str, iterations: int) -> str:
    if iterations > LEGACY_MAX_ITERATIONS:
        raise ValueError("PBKDF2 iterations out of range")
    raw = hashlib.pbkdf2_hmac("sha256", passcode.encode(), salt.encode(), iterations)
    return raw.hex()


def new_token() -> str:
    """A fresh random participant token for a page URL."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(event_id: int, token: str) -> str:
    """The one-way hash of a participant token stored in the database."""
    return hashlib.sha256(f"{event_id}:{token}".encode()).hexdigest()


def looks_like_token(value: str | None) -> TypeGuard[str]:
    """True for a string shaped like a token we issued (URL-safe, right length)."""
    if not value or not 16 <= len(value) <= 64:
        return False
    return all((c.isascii() and c.isalnum()) or c in "-_" for c in value)


# --- Staff passwords and remembered sign-ins ---------------------------------

_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a terminal
STAFF_PASS_BYTES = 32  # a remembered sign-in: a random token, stored only as its SHA-256


def new_password(groups: int = 4, size: int = 4) -> str:
    """A random password people can type, e.g. 'k7mp-3xq9-hc2w-v8rt' (about 79 bits)."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(size)) for _ in range(groups))


def new_staff_pass() -> str:
    """A fresh random token for a remembered staff sign-in (kept in the browser's cookie)."""
    return secrets.token_urlsafe(STAFF_PASS_BYTES)


def fingerprint(value: str) -> str:
    """SHA-256 of a value that is random or already slow-hashed (tokens, stored hashes)."""
    return hashlib.sha256(value.encode()).hexdigest()


def slow_fingerprint(password: str, purpose: str) -> str:
    """A deterministic slow hash of a configured password, for telling when it changes.

    Only ever compared, never reversed: it costs a guesser as much as the
    stored hashes do (scrypt with the same parameters).
    """
    return _scrypt(password, f"eventkit-{purpose}", SCRYPT_N, SCRYPT_R, SCRYPT_P)


# --- Slowing down guessing and spam --------------------------------------------
# Counted from rows in the database (login_attempts, notes, table_notes), so
# the limits hold across sessions, browser tabs, server processes and restarts.
# Sign-in is slowed at two levels: per browser session (a guesser slows down
# only themselves) and per role and event across all sessions (a guesser who
# opens many sessions); see eventkit/storage/attempts.py.

FREE_LOGIN_ATTEMPTS = 5  # wrong passcodes one browser session may make before it slows down
STORM_LOGIN_ATTEMPTS = 30  # wrong passcodes from all sessions before everyone's sign-in slows down
LOGIN_WINDOW_SECONDS = 15 * 60  # failures older than this are forgotten
MAX_LOGIN_DELAY_SECONDS = 300  # at worst one guess per 5 minutes

POST_LIMIT = 5  # wall notes one participant may post ...
POST_WINDOW_SECONDS = 60  # ... within this many seconds
SCRIBE_LIMIT = 30  # table notes one scribe may add in the same window: typing up a table's post-its


def login_delay_seconds(recent_failures: int, free: int = FREE_LOGIN_ATTEMPTS) -> int:
    """How long sign-in stays closed after the latest of `recent_failures` wrong attempts.

    The first `free` mistakes cost nothing (people mistype); after that the
    wait doubles with each failure (1 s, 2 s, 4 s …), capped so a guesser can
    at worst pause sign-in for a few minutes.
    """
    if recent_failures < free:
        return 0
    return min(2 ** (recent_failures - free), MAX_LOGIN_DELAY_SECONDS)


def login_wait_message(seconds: int) -> str:
    return (
        f"Too many wrong attempts. Sign-in is paused for {seconds} second"
        f"{'s' if seconds != 1 else ''}; please wait and try again."
    )


def storm_wait_message(seconds: int, role: Role) -> str:
    """Why a person who has not guessed wrong is kept waiting: many guesses from elsewhere."""
    fix = (
        "ask the organiser for a sign-in link (Event editor, Details tab, or "
        "`python -m eventkit sign-in-link CODE` on the server): it lets one person in whatever the pause"
        if role == "facilitator"
        else "run `python -m eventkit clear-sign-in-pauses` or `python -m eventkit reset-admin-password` on the server"
    )
    return (
        f"Many wrong attempts came from other devices, so sign-in is paused for everyone for {seconds} "
        f"second{'s' if seconds != 1 else ''}. If this keeps happening, {fix}."
    )


def posting_wait_message(seconds: int) -> str:
    return f"You are posting very fast — please wait {seconds} second{'s' if seconds != 1 else ''}."
