"""Sign-in links: one facilitator into one event's control panel, once, for a few minutes.

A signed-in organiser or the command line makes one (eventkit/access/sign_in_link.py);
only the SHA-256 of its random token is stored, with its event, when it expires and
when it was used. Using it is one UPDATE … WHERE used_at IS NULL AND expires_at > now
RETURNING, so of two tabs opening the same link exactly one gets in. It is not a
guess: nothing here reads or writes the sign-in attempts, so a guessing storm
neither slows it nor is eased by it.
"""

from __future__ import annotations

from typing import Literal

from .base import Db, StoreBase, utc_now
from .stale import unshared

LinkUse = Literal["used now", "used before", "expired", "unknown"]


def forget_sign_in_links(db: Db, event_id: int) -> None:
    """After a new passcode: the event's links made before it stop working (in that transaction)."""
    db.execute("DELETE FROM sign_in_links WHERE event_id = ?", [event_id])


class SignInLinksMixin(StoreBase):
    @unshared
    def create_sign_in_link(self, event_id: int, token_hash: str, expires_at: str) -> None:
        """Keep a new link (as its token's hash) until `expires_at`; the event's spent ones go."""
        now = utc_now()
        with self.write(event_id) as db:
            db.execute(
                "DELETE FROM sign_in_links WHERE event_id = ? AND (used_at IS NOT NULL OR expires_at <= ?)",
                [event_id, now],
            )
            db.execute(
                """INSERT INTO sign_in_links (token_hash, event_id, expires_at, used_at, created_at)
                   VALUES (?, ?, ?, NULL, ?)""",
                [token_hash, event_id, expires_at, now],
            )

    @unshared
    def use_sign_in_link(self, event_id: int, token_hash: str) -> LinkUse:
        """Use the event's link with this token hash: "used now" for exactly one caller, else why not.

        A link of another event is "unknown", as is one never made (or made
        before the passcode last changed).
        """
        now = utc_now()
        with self.write(event_id) as db:
            used = db.execute(
                """UPDATE sign_in_links SET used_at = ?
                   WHERE token_hash = ? AND event_id = ? AND used_at IS NULL AND expires_at > ?
                   RETURNING id""",
                [now, token_hash, event_id, now],
            ).fetchone()
            if used is not None:
                return "used now"
            row = db.execute(
                "SELECT used_at FROM sign_in_links WHERE token_hash = ? AND event_id = ?", [token_hash, event_id]
            ).fetchone()
        if row is None:
            return "unknown"
        return "used before" if row[0] is not None else "expired"

    @unshared
    def count_sign_in_links(self, event_id: int) -> int:
        """How many of the event's links are still unused and unexpired."""
        with self.read() as db:
            return db.execute(
                "SELECT COUNT(*) FROM sign_in_links WHERE event_id = ? AND used_at IS NULL AND expires_at > ?",
                [event_id, utc_now()],
            ).fetchone()[0]
