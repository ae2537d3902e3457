"""The coding page's theme list: add, rename and delete (after a confirmation), each said."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from ..storage import StoreError
from ..storage.coding import Theme
from . import roles
from .live import store
from .organiser import show_refusal, toast_after_rerun
from .widgets import plain

_DELETING = "ek-coding-deleting"  # the id of the theme whose Delete was pressed, waiting for a confirmation


def theme_list(event_id: int, themes: list[Theme]) -> None:
    """Add a theme; each theme's name box, Rename and Delete, labelled with the theme's name."""
    with st.form("add-theme", clear_on_submit=True):
        new = st.text_input("New theme")
        if st.form_submit_button("Add theme"):
            _change(partial(store().add_theme, event_id, new), f'Theme "{plain(new.strip())}" added.')
    for theme in themes:
        name = plain(theme.name)  # organiser text, never Markdown
        with st.container(horizontal=True, vertical_alignment="bottom"):
            renamed = st.text_input(
                f"Name of theme {name}", theme.name, key=f"theme-{theme.id}", label_visibility="collapsed"
            )
            if st.button(f"Rename {name}", key=f"rename-{theme.id}", disabled=renamed == theme.name):
                _change(
                    partial(store().rename_theme, theme.id, renamed), f'Theme renamed to "{plain(renamed.strip())}".'
                )
            if st.button(f"Delete {name}", key=f"delete-{theme.id}", help="Asks first; deletes its tags too"):
                st.session_state[_DELETING] = theme.id
        if st.session_state.get(_DELETING) == theme.id:
            _confirm_delete(theme)


def _confirm_delete(theme: Theme) -> None:
    name = plain(theme.name)
    st.warning(f'Delete the theme "{name}"? Every tag with it is removed from the items; this cannot be undone.')
    with st.container(horizontal=True):
        if st.button(f"Delete {name} for good", key=f"delete-yes-{theme.id}", type="primary"):
            st.session_state.pop(_DELETING, None)
            _change(partial(store().delete_theme, theme.id), f'Theme "{name}" deleted, with its tags.')
        if st.button("Keep it", key=f"delete-no-{theme.id}"):
            st.session_state.pop(_DELETING, None)
            st.rerun()


def _change(action: Callable[[], object], message: str) -> None:
    """Run a change to the themes; say `message` after the rerun, or why it was refused."""
    roles.check_organiser()  # the action checks the role again
    try:
        action()
    except StoreError as err:
        show_refusal(err)
        return
    toast_after_rerun(message)
    st.rerun()
