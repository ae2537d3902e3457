"""Live updates in the app: eventkit/live (plain Python) adapted to Streamlit.

- adapter: the app's Store, the reads every screen shares, and push (the surface below);
- runtime: every private Streamlit call eventkit makes (rerunning a session).

Phones are HTML pages (eventkit/web) and follow the room by an event stream, not by push.

How a facilitator's tap reaches a phone: eventkit/live/README.md.
"""

from .adapter import can_push, configured_admin_password, forget, reads, shown, store, watch

__all__ = ["can_push", "configured_admin_password", "forget", "reads", "shown", "store", "watch"]
