"""eventkit: one server for staff (Streamlit pages) and phones (plain HTML pages).

`streamlit run app.py` finds `app = st.App(...)` below and serves it: the
HTML attendee routes, the redirect of printed `/?event=` links and
TCP_NODELAY (eventkit/web), beside Streamlit. Streamlit then runs this same
file as its script (as __main__) for every staff screen: the router. Its page
table is in eventkit/ui/routes.py (built once per server process); its
default page, `/` without `?event=`, is the index (pages/home.py). `/?event=`
never reaches it: the middleware sends it to the HTML join first.
"""

import streamlit as st

if __name__ == "__main__":  # Streamlit's script run: the router
    from eventkit.ui import faults, routes

    st.set_page_config(page_title="eventkit", page_icon="📅", layout="centered")

    # Navigation is hidden: every screen carries its own links, and pages
    # check roles themselves. A database fault
    # (full disk, read-only or missing file) gets a clear message, not a crash.
    faults.run_page(st.navigation(routes.app_pages(), position="hidden"))
else:  # imported by the server (`streamlit run`, uvicorn app:app): the ASGI app
    from eventkit.ui.live.runtime import use_st_navigation_only
    from eventkit.web import asgi

    use_st_navigation_only()  # no "Page not found" for the first visitor after a start
    app = st.App(
        "app.py",
        routes=asgi.routes(),
        middleware=asgi.middleware(),
        exception_handlers=asgi.exception_handlers(),
        lifespan=asgi.lifespan,
    )
