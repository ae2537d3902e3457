"""Projector: the big screen. View-only, no passcode, nothing private; updates by itself."""

import streamlit as st

from eventkit import ui
from eventkit.ui import facilitator as fx
from eventkit.ui import projector, watchdog

# Additive to the router's call: only this page goes wide.
st.set_page_config(page_title="Projector", layout="wide", initial_sidebar_state="collapsed")
ui.use_css("projector")

event = fx.event_from_url("Projector")
if event is None:
    st.stop()

watchdog.watch_for_a_blank_page()  # nobody reloads a projector by hand
projector.live_screen(event)
