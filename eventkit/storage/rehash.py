"""Replacing a staff secret's hash of an older scheme, in the write that ends a right sign-in.

eventkit.access.staff decides when a hash is out of date and makes the new
one (scrypt, slow, so before the write); AttemptsMixin.sign_in_succeeded
stores it here, in the transaction that forgets the attempt.
"""

from __future__ import annotations

from typing import NamedTuple

from .base import Db

ADMIN_PASSWORD = "organiser_password"  # the one row of staff_secrets used today


class HashUpgrade(NamedTuple):
    """A secret that just proved right: its stored hash of an older scheme, a new hash of the
    same secret to store instead, and the marks of remembered sign-ins issued for each."""

    old_hash: str
    new_hash: str
    old_mark: str
    new_mark: str


def upgrade_secret_hash(db: Db, role: str, event_id: int | None, upgrade: HashUpgrade) -> bool:
    """Store the new hash if the old one is still stored; True if this call replaced it.

    Compare and set in one statement, so of sign-ins at once exactly one
    replaces the hash, and a passcode or password set meanwhile is never
    overwritten. The secret is the same, so its remembered sign-ins move to
    the new hash's mark and stay valid.
    """
    if role == "facilitator":
        sql = "UPDATE events SET facilitator_hash = ? WHERE id = ? AND facilitator_hash = ?"
        params: list[object] = [upgrade.new_hash, event_id, upgrade.old_hash]
    else:
        sql = "UPDATE staff_secrets SET value_hash = ? WHERE name = ? AND value_hash = ?"
        params = [upgrade.new_hash, ADMIN_PASSWORD, upgrade.old_hash]
    if db.execute(sql, params).rowcount == 0:
        return False
    db.execute(
        """UPDATE staff_passes SET secret_mark = ?
           WHERE role = ? AND event_id IS NOT DISTINCT FROM ? AND secret_mark = ?""",
        [upgrade.new_mark, role, event_id, upgrade.old_mark],
    )
    return True
