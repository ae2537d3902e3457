"""Hashes made before scrypt (PBKDF2) are replaced at the next right sign-in (issue 19, item 6).

A stored PBKDF2 hash of the organiser password or a facilitator passcode
still lets its secret in; that sign-in stores a scrypt hash of the same
secret in the write that forgets the attempt, and the browsers' remembered
sign-ins and open control panels carry on. A wrong secret changes nothing,
and a secret changed meanwhile is never overwritten.
"""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

from eventkit.access import security, staff
from eventkit.access.console import Console, ConsoleLocked
from eventkit.storage.rehash import HashUpgrade

PASSCODE = "old-school-passcode"


@pytest.fixture(autouse=True)
def no_configured_password(monkeypatch):
    monkeypatch.delenv(staff.ADMIN_ENV, raising=False)
    monkeypatch.setattr(staff, "SECRETS_FILES", ())


def legacy_hash(secret: str, iterations: int = 1_000) -> str:
    """A hash as eventkit stored them before scrypt: 'pbkdf2_sha256$iterations$salt$hash'."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def _scheme(stored: str) -> str:
    return stored.split("$")[0]


# --- The organiser password ----------------------------------------------------------------


def test_an_organiser_pbkdf2_hash_lets_the_password_in_and_is_replaced_by_scrypt(store):
    old = legacy_hash("organiser-password")
    store.create_admin_password_hash(old)
    token, _ = staff.issue_pass(store, "organiser", None, staff.organiser_mark(store, None))
    assert staff.organiser_sign_in(store, "organiser-password", None, "browser-1")
    new = store.admin_password_hash()
    assert _scheme(new) == "scrypt" and new != old
    assert security.verify_passcode("organiser-password", new)
    # The same password: a pass from before the rehash still signs in.
    assert staff.pass_is_valid(store, token, "organiser", None, staff.organiser_mark(store, None))
    assert staff.organiser_sign_in(store, "organiser-password", None, "browser-1")
    assert store.admin_password_hash() == new  # replaced once, not at every sign-in


def test_a_wrong_organiser_password_does_not_replace_the_hash(store):
    old = legacy_hash("organiser-password")
    store.create_admin_password_hash(old)
    assert not staff.organiser_sign_in(store, "not-the-password", None, "browser-1")
    assert store.admin_password_hash() == old


def test_a_configured_organiser_password_stores_nothing(store):
    assert staff.organiser_sign_in(store, "from-the-environment", "from-the-environment", "browser-1")
    assert store.admin_password_hash() == ""


# --- Facilitator passcodes -------------------------------------------------------------------


@pytest.fixture
def legacy_event(demo):
    store, event = demo
    store.set_facilitator_hash(event.id, legacy_hash(PASSCODE))
    return store, event


def test_a_facilitator_pbkdf2_hash_opens_the_panel_and_is_replaced_by_scrypt(legacy_event):
    store, event = legacy_event
    old = store.facilitator_hash(event.id)
    earlier, _ = Console.unlock(store, event.id, PASSCODE, "browser-1").remember()  # replaces it
    new = store.facilitator_hash(event.id)
    assert _scheme(new) == "scrypt" and security.verify_passcode(PASSCODE, new)
    assert new != old
    Console.unlock(store, event.id, PASSCODE, "browser-2").set_joining_open(True)  # works, keeps it
    assert store.facilitator_hash(event.id) == new
    Console.resume(store, event.id, earlier).set_joining_open(True)  # a pass from then still works


def test_a_pass_issued_before_the_rehash_resumes_the_panel_after_it(legacy_event):
    store, event = legacy_event
    before, _ = staff.issue_pass(
        store, "facilitator", event.id, staff.facilitator_mark(store.facilitator_hash(event.id))
    )
    Console.unlock(store, event.id, PASSCODE, "browser-2")
    assert _scheme(store.facilitator_hash(event.id)) == "scrypt"
    Console.resume(store, event.id, before).set_joining_open(True)


def test_a_wrong_facilitator_passcode_does_not_replace_the_hash(legacy_event):
    store, event = legacy_event
    old = store.facilitator_hash(event.id)
    with pytest.raises(ConsoleLocked, match="not right"):
        Console.unlock(store, event.id, "wrong-passcode", "browser-1")
    assert store.facilitator_hash(event.id) == old


def test_many_facilitators_signing_in_at_once_all_get_working_panels(legacy_event):
    store, event = legacy_event

    def sign_in(i: int) -> Console | Exception:
        try:
            con = Console.unlock(store, event.id, PASSCODE, f"browser-{i}")
            con.set_joining_open(True)
            return con
        except Exception as err:
            return err

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(sign_in, range(8)))
    assert all(isinstance(o, Console) for o in outcomes), outcomes
    final = store.facilitator_hash(event.id)
    assert _scheme(final) == "scrypt" and security.verify_passcode(PASSCODE, final)


def test_a_passcode_set_while_signing_in_is_not_overwritten_and_locks_the_panel(legacy_event, monkeypatch):
    store, event = legacy_event
    changed = security.hash_passcode("set-by-the-organiser", n=16)
    real_rehash = staff.rehash

    def organiser_changes_it_meanwhile(*args):
        upgrade = real_rehash(*args)
        store.set_facilitator_hash(event.id, changed)
        return upgrade

    monkeypatch.setattr(staff, "rehash", organiser_changes_it_meanwhile)
    with pytest.raises(ConsoleLocked, match="has changed"):
        Console.unlock(store, event.id, PASSCODE, "browser-1")
    assert store.facilitator_hash(event.id) == changed


def test_the_replacement_is_compare_and_set(legacy_event):
    """Storage alone: an upgrade whose old hash is no longer stored changes nothing."""
    store, event = legacy_event
    stale = store.facilitator_hash(event.id)
    current = security.hash_passcode("newer", n=16)
    store.set_facilitator_hash(event.id, current)
    attempt = store.begin_sign_in("facilitator", event.id, "browser-1")
    upgrade = HashUpgrade(stale, security.hash_passcode(PASSCODE, n=16), "old-mark", "new-mark")
    store.sign_in_succeeded(attempt, "facilitator", event.id, "browser-1", upgrade)
    assert store.facilitator_hash(event.id) == current
    assert store.count_login_failures("facilitator", event.id, "browser-1") == 0
