"""eventkit: the router. Each page is a short script under pages/."""

import streamlit as st

st.set_page_config(page_title="eventkit", page_icon=":material/event:", layout="centered")

pages = [
    # Attendees (phones): the QR code opens /?event=CODE&table=N
    # The default page is served at "/" (Streamlit ignores a url_path on it).
    st.Page("pages/attendee_now.py", title="Now", default=True),
    st.Page("pages/attendee_wall.py", title="Wall", url_path="wall"),
    st.Page("pages/attendee_table.py", title="Table", url_path="table"),
    st.Page("pages/attendee_evaluation.py", title="Feedback", url_path="feedback"),
    st.Page("pages/privacy.py", title="Privacy", url_path="privacy"),
    # Facilitators: the projector and the control panel
    st.Page("pages/projector.py", title="Projector", url_path="projector"),
    st.Page("pages/facilitator.py", title="Control panel", url_path="facilitator"),
    # Organisers: before and after the event
    st.Page("pages/organiser.py", title="Organiser", url_path="organiser"),
    st.Page("pages/organiser_editor.py", title="Event editor", url_path="organiser-editor"),
    st.Page("pages/organiser_dashboard.py", title="Dashboard", url_path="organiser-dashboard"),
    st.Page("pages/organiser_coding.py", title="Coding", url_path="organiser-coding"),
    st.Page("pages/organiser_report.py", title="Report", url_path="organiser-report"),
    st.Page("pages/organiser_exports.py", title="Exports", url_path="organiser-exports"),
    st.Page("pages/organiser_seating.py", title="Seating plan", url_path="organiser-seating"),
    st.Page("pages/organiser_qr.py", title="QR codes", url_path="organiser-qr"),
]

# Navigation is hidden: every screen carries its own links, so attendees
# never see staff pages, and pages check roles themselves.
st.navigation(pages, position="hidden").run()
