"""eventkit: the router. Each page is a short script under pages/.

The page table is in eventkit/ui/routes.py (built once per server process).
"""

import streamlit as st

from eventkit import ui
from eventkit.ui import faults, routes

st.set_page_config(page_title="eventkit", page_icon="📅", layout="centered")

# Attendee pages sign up again for live updates as they draw; staff pages do not.
ui.stop_following_live()

# Navigation is hidden: every screen carries its own links, so attendees
# never see staff pages, and pages check roles themselves. A database fault
# (full disk, read-only or missing file) gets a clear message, not a crash.
faults.run_page(st.navigation(routes.app_pages(), position="hidden"))
