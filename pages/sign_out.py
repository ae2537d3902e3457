"""Sign out: end this browser's staff sign-in for the day (organiser, or ?event=CODE's control panel).

Opened from the Sign out link on organiser pages and the control panel. The
pass stops working at once (in every tab that uses it) and the browser
forgets it.
"""

import streamlit as st

from eventkit import ui
from eventkit.ui import facilitator as fx
from eventkit.ui import routes

code = ui.url_code()
event = ui.reads().event_by_code(code) if code else None

ui.use_css()  # captions in a solid grey: Streamlit's faded ones are 3.9:1 on white (axe color-contrast)
st.title("Signed out")
if event is not None:
    fx.sign_out(event)
    st.text(f"This browser is signed out of the control panel of {event.code}.")
    routes.link(
        routes.CONTROL_PANEL, label="Sign in again", icon=":material/login:", query_params={"event": event.code}
    )
else:
    ui.sign_out_organiser()
    st.text("This browser is signed out of the organiser area.")
    routes.link(routes.ORGANISER, label="Sign in again", icon=":material/login:")
st.caption(
    "Staff stay signed in on a browser until midnight unless they sign out, "
    "so sign out on a shared computer when you are done."
)
