"""Live updates in the app: eventkit/live (plain Python) adapted to Streamlit.

- adapter: the app's Store and the reads every screen shares (the surface below);
- runtime: every private Streamlit call eventkit makes (pages from st.navigation only).

Phones are HTML pages (eventkit/web) and follow the room by an event stream.

How a facilitator's tap reaches a phone: eventkit/live/README.md.
"""

from .adapter import configured_admin_password, reads, store

__all__ = ["configured_admin_password", "reads", "store"]
