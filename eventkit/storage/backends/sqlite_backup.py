"""SQLite backups that leave the machine: a copy's staff secrets blanked and its sign-ins dropped."""

from __future__ import annotations

import sqlite3


def strip_staff_secrets(path: str) -> None:
    """In a backup file about to leave the machine: blank every staff hash and drop every sign-in.

    The organiser password hash, each event's facilitator passcode hash, the
    passes, handoffs and sign-in attempts. Restored, the copy asks for a new
    organiser password (generated at start, or set) and new passcodes.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("UPDATE staff_secrets SET value_hash = ''")
        conn.execute("UPDATE events SET facilitator_hash = ''")
        for table in ("staff_passes", "pass_handoffs", "login_attempts", "sign_in_locks"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("COMMIT")
        conn.execute("VACUUM")  # no deleted page keeps an old hash
    finally:
        conn.close()
