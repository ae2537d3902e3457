"""eventkit.access.security: passcode hashes and participant tokens."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from eventkit.access import security
from eventkit.access.security import hash_passcode, looks_like_token, new_token, token_hash, verify_passcode
from tests.every import assert_every, labelled

FAST = 16  # scrypt's n for tests; the real default is deliberately slow
# Made by the PBKDF2 code before scrypt (commit 201d501) for "fife-demo": such hashes are still in
# databases and event files, and must verify until the next sign-in replaces them.
LEGACY = (
    "pbkdf2_sha256$200000$6145876258799532b9849bfebe6b0e50$"
    "aba708b0aa6669d5c906e89b0465a2eca4170bc38d1944c96e214bc2911e1ef9"
)


@pytest.fixture(scope="module")
def stored():
    return hash_passcode("fife-demo", n=FAST)


def test_hash_format(stored):
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(FAST), "8", "3")
    assert len(salt) == 32 and len(digest) == 64
    assert "fife-demo" not in stored


def test_default_cost_is_owasps_scrypt_setting():
    made = hash_passcode("x")
    assert made.startswith("scrypt$32768$8$3$"), made  # OWASP: n=2**15, r=8, p=3
    assert verify_passcode("x", made)


def test_a_pbkdf2_hash_from_before_scrypt_still_verifies_and_asks_to_be_replaced():
    assert verify_passcode("fife-demo", LEGACY)
    assert not verify_passcode("fife-demo ", LEGACY)
    assert security.needs_rehash(LEGACY)


def test_only_hashes_of_the_older_scheme_need_a_rehash(stored):
    assert not security.needs_rehash(stored)
    assert not security.needs_rehash("")  # no passcode set: nothing to replace


def test_slow_fingerprint_is_scrypt_at_the_stored_hashes_cost():
    expected = hashlib.scrypt(b"pw", salt=b"eventkit-organiser-pass", n=2**15, r=8, p=3, maxmem=2**26, dklen=32)
    assert security.slow_fingerprint("pw", "organiser-pass") == expected.hex()


@pytest.mark.parametrize(
    "passcode,expected",
    [
        ("fife-demo", True),
        ("fife-demo ", False),
        ("Fife-demo", False),
        ("fife-dem", False),
        ("wrong", False),
        ("", False),
    ],
)
def test_verify_passcode(stored, passcode, expected):
    assert verify_passcode(passcode, stored) is expected


MALFORMED_HASHES = [
    "",
    "nonsense",
    "pbkdf2_sha256$1000$salt",  # too few parts
    "pbkdf2_sha256$1000$salt$digest$extra",  # too many parts
    "md5$1000$salt$0123",  # unknown scheme
    "pbkdf2_sha256$many$salt$0123",  # iterations not a number
    "pbkdf2_sha256$0$salt$0123",  # iterations out of range
    "pbkdf2_sha256$-5$salt$0123",
    "pbkdf2_sha256$99999999999999999999999$salt$0123",  # iterations too big for C
    "pbkdf2_sha256$1000$salt$d\u00e9j\u00e0",  # non-ASCII digest
    "pbkdf2_sha256$2000000000$salt$0123",  # a planted hash that would take minutes: matches nothing
    "scrypt$16$8$3$salt",  # too few parts
    "scrypt$16$8$3$salt$0123$extra",  # too many parts
    "scrypt$15$8$3$salt$0123",  # n not a power of two
    "scrypt$0$8$3$salt$0123",
    "scrypt$16$0$3$salt$0123",
    "scrypt$16$8$-1$salt$0123",
    "scrypt$x$8$3$salt$0123",
    "scrypt$1073741824$8$1$salt$0123",  # 1 TiB of memory: over maxmem
    "scrypt$32768$8$1000000$salt$0123",  # hours of work: over the cap
    "scrypt$16$8$3$salt$d\u00e9j\u00e0",  # non-ASCII digest
    "scrypt$16$8$3$s\u00e0lt$0123",  # non-ASCII salt: encoded, matches nothing
    None,
]


def test_verify_passcode_malformed_stored_hash_is_false():
    def check(bad):
        assert verify_passcode("fife-demo", bad) is False

    assert_every(labelled([(bad,) for bad in MALFORMED_HASHES]), check)


def test_no_more_than_a_few_slow_hashes_run_at_once(monkeypatch):
    # Each takes 32 MiB at the real cost: a storm of sign-ins must queue, not take them all together.
    real, running, most, lock = hashlib.scrypt, [0], [0], threading.Lock()

    def tracked(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(security.hashlib, "scrypt", tracked)
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(lambda i: hash_passcode(f"passcode-{i}", n=FAST), range(8)))
    assert len(made) == 8 and most[0] == security.SLOW_HASHES_AT_ONCE, most


def test_unicode_passcode_round_trips():
    stored = hash_passcode("caf\u00e9-\U0001f511", n=FAST)
    assert verify_passcode("caf\u00e9-\U0001f511", stored)
    assert not verify_passcode("cafe-\U0001f511", stored)


def test_salts_differ():
    first, second = (hash_passcode("same", n=FAST) for _ in range(2))
    assert first != second
    assert first.split("$")[-2] != second.split("$")[-2]
    assert verify_passcode("same", first) and verify_passcode("same", second)


def test_token_hash_is_deterministic_per_event():
    token = new_token()
    assert token_hash(1, token) == token_hash(1, token)
    assert len(token_hash(1, token)) == 64
    assert token not in token_hash(1, token)


@pytest.mark.parametrize("a,b", [((1, "tok"), (2, "tok")), ((1, "tok"), (1, "tok2")), ((1, "2:x"), (12, ":x"))])
def test_token_hash_differs(a, b):
    assert token_hash(*a) != token_hash(*b)


def test_new_tokens_are_fresh_and_look_like_tokens():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(looks_like_token(t) for t in tokens)


TOKENS = [  # (value, whether it may be taken as an attendee's link token)
    ("a" * 16, True),
    ("A-b_9" * 4, True),
    ("x" * 64, True),
    ("x" * 15, False),
    ("x" * 65, False),
    ("", False),
    (None, False),
    ("abc def ghi jkl mno", False),
    ("abcdefghijklmnop/", False),
    ("abcdefghijklmnop=", False),
    ("<script>alert(1)</script>", False),
    ("\u00e9" * 20, False),  # letters, but not URL-safe ASCII
    ("\u0663" * 20, False),  # Arabic-Indic digits
]


def test_looks_like_token():
    def check(value, expected):
        assert looks_like_token(value) is expected

    assert_every(labelled(TOKENS), check)
