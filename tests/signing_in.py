"""For page tests: sign an AppTest session in as the organiser without typing the password.

The session must hold a valid pass for today (eventkit.access.staff), as a real
sign-in leaves it: ui/roles.py checks it against the database on every run,
so a plain True in session state no longer signs anyone in.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from eventkit.access import staff
from eventkit.access.security import hash_passcode
from eventkit.storage import Store, default_path
from eventkit.ui import roles


def organiser_pass() -> str:
    """A pass for the app's database ($EVENTKIT_DB), making an organiser password if there is none."""
    store = Store(default_path())
    configured = staff.configured_admin_password()
    if not configured:
        store.create_admin_password_hash(hash_passcode("organiser-password", n=16))
    token, _ = staff.issue_pass(store, "organiser", None, staff.organiser_mark(store, configured))
    return token


def sign_in_organiser(at: AppTest, token: str | None = None) -> AppTest:
    """Put an organiser pass in the session (a new one, or `token` from another session)."""
    at.session_state[roles._ORGANISER_KEY] = token or organiser_pass()
    return at
