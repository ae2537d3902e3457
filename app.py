"""eventkit: the router. Each page is a short script under pages/.

The page table is in eventkit/ui/routes.py (built once per server process).
"""

import streamlit as st

from eventkit import ui
from eventkit.ui import routes

st.set_page_config(page_title="eventkit", page_icon="📅", layout="centered")

# Attendee pages sign up again for live updates as they draw; staff pages do not.
ui.stop_following_live()

# Navigation is hidden: every screen carries its own links, so attendees
# never see staff pages, and pages check roles themselves.
st.navigation(routes.app_pages(), position="hidden").run()
