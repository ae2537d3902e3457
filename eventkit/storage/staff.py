"""Staff secrets kept in the database: the generated organiser password and remembered sign-ins.

Only hashes are stored: the organiser password as a salted scrypt hash, a
remembered sign-in ("pass") as the SHA-256 of its random token, a one-minute
handoff code (the pass on its way to the browser's HttpOnly cookie) as its
SHA-256 beside the pass sealed with it. None of this goes into any export or
backup (see ExportsMixin.backup_to and backends/sqlite_backup.py's strip_staff_secrets).
"""

from __future__ import annotations

from typing import NamedTuple

from ..models import ROLES, Role
from .base import Db, StoreBase, StoreError, utc_now
from .rehash import ADMIN_PASSWORD
from .sign_in_links import forget_sign_in_links
from .stale import unshared


def forget_facilitator_sign_ins(db: Db, event_id: int) -> None:
    """After a new passcode: end the event's remembered sign-ins, its unused sign-in links
    and its sign-in pauses.

    Run inside the transaction that stores the new passcode hash. (Open
    panels are locked anyway: a Console re-checks the hash on every action.)
    """
    db.execute("DELETE FROM staff_passes WHERE role = 'facilitator' AND event_id = ?", [event_id])
    db.execute("DELETE FROM login_attempts WHERE role = 'facilitator' AND event_id = ?", [event_id])
    forget_sign_in_links(db, event_id)


class StaffPass(NamedTuple):
    """A remembered sign-in as stored: whose it is and which secret it was issued for."""

    role: Role
    event_id: int | None
    secret_mark: str
    expires_at: str


class StaffMixin(StoreBase):
    # --- The organiser password generated on first start --------------------------

    @unshared
    def admin_password_hash(self) -> str:
        """The stored organiser password hash ('' when none was generated or set)."""
        with self.read() as db:
            row = db.execute("SELECT value_hash FROM staff_secrets WHERE name = ?", [ADMIN_PASSWORD]).fetchone()
        return row[0] if row else ""

    @unshared
    def create_admin_password_hash(self, password_hash: str) -> bool:
        """Store the organiser password hash unless one exists; True if this call stored it.

        One statement, so when several server processes start at once exactly
        one of them wins (and only that one prints its password).
        """
        written = self._write_one(
            """INSERT INTO staff_secrets (name, value_hash, created_at) VALUES (:name, :hash, :now)
               ON CONFLICT (name) DO NOTHING RETURNING name""",
            {"name": ADMIN_PASSWORD, "hash": password_hash, "now": utc_now()},
            event=None,  # the organiser's, not an event's
        )
        return bool(written.rows)

    @unshared
    def set_admin_password_hash(self, password_hash: str) -> None:
        """Replace the organiser password hash; ends every remembered organiser sign-in
        and every pause on organiser sign-in (the recovery path)."""
        with self.write() as db:
            db.execute(
                """INSERT INTO staff_secrets (name, value_hash, created_at) VALUES (?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET value_hash = excluded.value_hash,
                   created_at = excluded.created_at""",
                [ADMIN_PASSWORD, password_hash, utc_now()],
            )
            db.execute("DELETE FROM staff_passes WHERE role = 'organiser'")
            db.execute("DELETE FROM login_attempts WHERE role = 'organiser'")

    # --- Remembered sign-ins ---------------------------------------------------------

    @unshared
    def add_staff_pass(
        self, token_hash: str, role: Role, event_id: int | None, secret_mark: str, expires_at: str
    ) -> None:
        """Remember a sign-in until `expires_at` (expired ones are dropped on the way)."""
        if role not in ROLES:
            raise StoreError(f"Unknown role {role!r}.")
        now = utc_now()
        with self.write() as db:
            db.execute("DELETE FROM staff_passes WHERE expires_at <= ?", [now])
            db.execute(
                """INSERT INTO staff_passes (token_hash, role, event_id, secret_mark, expires_at, created_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [token_hash, role, event_id, secret_mark, expires_at, now],
            )

    @unshared
    def staff_pass(self, token_hash: str) -> StaffPass | None:
        """The unexpired remembered sign-in with this token hash, or None."""
        with self.read() as db:
            row = db.execute(
                """SELECT role, event_id, secret_mark, expires_at FROM staff_passes
                   WHERE token_hash = ? AND expires_at > ?""",
                [token_hash, utc_now()],
            ).fetchone()
        return StaffPass(*row) if row else None

    @unshared
    def delete_staff_pass(self, token_hash: str) -> None:
        """Forget one remembered sign-in (sign out)."""
        with self.write() as db:
            db.execute("DELETE FROM staff_passes WHERE token_hash = ?", [token_hash])

    @unshared
    def delete_staff_passes(self, role: Role, event_id: int | None = None) -> int:
        """Forget every remembered sign-in for the role (and event); how many."""
        with self.write() as db:
            return db.execute(
                "DELETE FROM staff_passes WHERE role = ? AND event_id IS NOT DISTINCT FROM ?", [role, event_id]
            ).rowcount

    # --- Handing a new pass to the browser's cookie ---------------------------------------

    @unshared
    def add_pass_handoff(self, code_hash: str, sealed_pass: str, expires_at: str) -> None:
        """Keep a one-time handoff until `expires_at` (expired ones are dropped on the way)."""
        with self.write() as db:
            db.execute("DELETE FROM pass_handoffs WHERE expires_at <= ?", [utc_now()])
            db.execute(
                "INSERT INTO pass_handoffs (code_hash, sealed_pass, expires_at) VALUES (?, ?, ?)",
                [code_hash, sealed_pass, expires_at],
            )

    @unshared
    def take_pass_handoff(self, code_hash: str) -> str | None:
        """The sealed pass of an unexpired handoff, which is used up by this call; None otherwise.

        One DELETE … RETURNING: of two requests with the same code, one gets it.
        """
        with self.write() as db:
            row = db.execute(
                "DELETE FROM pass_handoffs WHERE code_hash = ? AND expires_at > ? RETURNING sealed_pass",
                [code_hash, utc_now()],
            ).fetchone()
        return row[0] if row else None
