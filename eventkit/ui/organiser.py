"""Organiser area widgets: the sidebar navigation, the event picker, error lists."""

from __future__ import annotations

import streamlit as st

from ..event.spec import FieldError
from ..models import Event
from ..storage import StorageFault, StoreError
from . import faults, roles, routes
from .live import store
from .problems import plain_problem
from .roles import choose_organiser_event, organiser_event, require_organiser
from .widgets import use_css

ORGANISER_PAGES = (
    (routes.ORGANISER, "Events", ":material/event:"),
    (routes.EDITOR, "Event editor", ":material/edit_note:"),
    (routes.DASHBOARD, "Dashboard", ":material/monitoring:"),
    (routes.CODING, "Thematic coding", ":material/label:"),
    (routes.REPORT, "Event report", ":material/description:"),
    (routes.EXPORTS, "Exports", ":material/download:"),
    (routes.SEATING, "Seating plan", ":material/table_restaurant:"),
    (routes.QR_CODES, "QR codes", ":material/qr_code_2:"),
)


def organiser_nav() -> None:
    """Links to every organiser page, across the top (the sidebar would also show
    Streamlit's own page list, which must stay hidden)."""
    with st.container(horizontal=True, wrap=True, gap="small"):
        for page, label, icon in ORGANISER_PAGES:
            st.page_link(page, label=label, icon=icon)
        # The server's page, whose button (a POST) signs out: opening a page never does.
        roles.sign_out_button()
        roles.keep_signed_in(roles.ORGANISER_COOKIE)


def event_picker() -> Event | None:
    """A choice of the event to work on; returns it (None when there are none)."""
    events = store().list_events()
    current = organiser_event()
    if current is None:
        return None
    # No key: the widget follows the chosen event when another page changes it.
    chosen = st.selectbox(
        "Event",
        events,
        index=next(i for i, e in enumerate(events) if e.id == current.id),
        format_func=lambda e: f"{e.code} · {e.title}" + (f" · {e.date}" if e.date else ""),
    )
    if chosen.id != current.id:
        choose_organiser_event(chosen.id)
    return chosen


_SAVED_KEY = "ek-organiser-saved"  # a confirmation to show in the run after a save's st.rerun()


def toast_after_rerun(message: str) -> None:
    """Say `message` as a toast (with a tick) when the next run of an organiser page starts.

    (Streamlit 1.67 also delivers a plain st.toast made just before st.rerun(), its issue #7740:
    the Events page relies on that; see tests/test_pages_organiser_b.py.)
    """
    st.session_state[_SAVED_KEY] = message


_CREATED_KEY = "ek-organiser-created"  # the code of the event just created, for the run after it


def created(code: str, form_keys: tuple[str, ...]) -> None:
    """After "Create event": empty the form's fields (they stay when the create is refused), and
    point to the editor in the next run (point_to_the_editor_after_create)."""
    for key in form_keys:
        st.session_state.pop(key, None)
    st.session_state[_CREATED_KEY] = code


def point_to_the_editor_after_create() -> None:
    """In the run after an event was created: what to do next, with a link to the editor."""
    if code := st.session_state.pop(_CREATED_KEY, None):
        st.success(f"{code} is created and chosen. Next: set it up — polls, wall, evaluation and the passcode.")
        st.page_link(routes.EDITOR, label=f"Open the Event editor for {code}", icon=":material/edit_note:")


def organiser_page(title: str) -> Event | None:
    """The start of every organiser page: sign-in, navigation, the chosen event."""
    use_css()  # readable captions, visible focus
    require_organiser()
    faults.page_banner()
    if message := st.session_state.pop(_SAVED_KEY, None):
        st.toast(message, icon=":material/check_circle:")
    organiser_nav()
    st.title(title)
    return event_picker()


def require_event(event: Event | None) -> Event:
    """Stop the page with a pointer to the events page when there is no event."""
    if event is None:
        st.info("There are no events yet. Create or import one first.")
        routes.link(routes.ORGANISER, label="Events", icon=":material/event:")
        st.stop()
    return event


def show_errors(errors: list, *, in_words: bool = True) -> None:
    """One message listing every problem: in words with its field path in brackets (the forms), or
    as the field path and line (`in_words=False`, for the event file edited as YAML)."""
    fault = next((e for e in errors if isinstance(e, StorageFault)), None)
    if fault is not None:  # nothing to fix in the form: the database cannot take it now
        show_refusal(fault)
        return
    st.error("Nothing was saved. Please fix:")
    st.text("\n".join(f"• {plain_problem(e) if in_words and isinstance(e, FieldError) else e}" for e in errors))


def show_refusal(err: StoreError) -> None:
    """Why a save was refused; a database problem (disk full, read-only…) is named, and the form kept."""
    if isinstance(err, StorageFault):
        faults.staff_banner(err.cause)
        st.info("What you typed is still in the form: save again once the problem is fixed.")
    else:
        st.error(str(err))
