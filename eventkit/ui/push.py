"""Streamlit side of live push: rerun an attendee's session from the server.

Streamlit has no public API for a server-initiated rerun. Its own "run on
save" does it with AppSession.request_rerun and the session's last client
state (query string and page, no widget triggers, so no button fires twice);
this module does the same, on the runtime's event loop because the runtime
is not thread-safe, and only for sessions that are not running a script, so
a rerun never interrupts a vote being saved. A screen whose live activity is
drawn by a fragment (the Now screen's live part, the poll banner elsewhere)
has only that fragment rerun, as the browser does for a fragment's timer.
If these internals are missing (a future Streamlit, or AppTest),
`available()` is False and attendee pages fall back to polling fragments.
"""

from __future__ import annotations

import asyncio
import logging

import streamlit as st
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..livepush import LivePush, Outcome, Signature, live_signatures
from .shared import clear_shared_reads, store

log = logging.getLogger(__name__)

try:
    from streamlit.runtime.app_session import AppSessionState
except ImportError:  # pragma: no cover - a Streamlit without it falls back to polling
    AppSessionState = None
try:
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState
except ImportError:  # pragma: no cover - then whole pages are redrawn instead of fragments
    ThreadState = None


def available() -> bool:
    """Whether screens can be rerun from the server (a real `streamlit run`)."""
    if AppSessionState is None or not Runtime.exists() or get_script_run_ctx() is None:
        return False
    return hasattr(Runtime.instance(), "_session_mgr")


def watch(event_id: int, shown: Signature) -> None:
    """Keep this session's attendee screen in step with the event's live activity.

    Called from inside a fragment, only that fragment is redrawn when the
    activity changes; otherwise the whole page is.
    """
    _pusher().watch(get_script_run_ctx().session_id, event_id, shown, _current_fragment())


def shown() -> Signature | None:
    """What this session's screen last drew of the live activity, as push knows it."""
    return _pusher().shown(get_script_run_ctx().session_id)


def _current_fragment() -> str:
    try:
        return ThreadState.get().fragment_id or ""
    except (AttributeError, RuntimeError):  # no ThreadState: redraw whole pages
        return ""


def forget() -> None:
    """This session shows no attendee screen now (a staff page)."""
    if available():
        _pusher().forget(get_script_run_ctx().session_id)


@st.cache_resource
def _pusher() -> LivePush:
    runtime = Runtime.instance()
    loop = runtime._get_async_objs().eventloop
    shared = store()

    def rerun(parts: dict[str, str]) -> dict[str, Outcome]:
        future = asyncio.run_coroutine_threadsafe(_rerun_on_loop(runtime, parts), loop)
        return future.result(timeout=10)

    def signatures(event_ids: set[int]) -> dict[int, Signature]:
        try:
            return live_signatures(shared, event_ids)
        finally:
            # This thread lives as long as the server: keeping its connection
            # would keep the -wal file (and old copies of edited text) for ever.
            shared.release_connection()

    pusher = LivePush(signatures, rerun, lambda event_id: clear_shared_reads())
    pusher.start()
    return pusher


async def _rerun_on_loop(runtime: Runtime, parts: dict[str, str]) -> dict[str, Outcome]:
    """Request reruns; runs on the runtime's event loop, as browser messages do."""
    return {screen_id: _rerun_one(runtime, screen_id, part) for screen_id, part in parts.items()}


def _rerun_one(runtime: Runtime, screen_id: str, part: str) -> Outcome:
    info = runtime._session_mgr.get_active_session_info(screen_id)
    if info is None:
        return Outcome.GONE
    session = info.session
    if session._state is not AppSessionState.APP_NOT_RUNNING or session._scriptrunner is not None:
        return Outcome.BUSY
    state = ClientState()
    state.CopyFrom(session._client_state)
    # A fragment the session no longer holds would be silently ignored: redraw the page.
    holds = getattr(session, "has_fragment", lambda fragment_id: False)
    state.fragment_id = part if part and holds(part) else ""
    state.is_auto_rerun = False
    try:
        session.request_rerun(state)
    except Exception:  # a session shutting down: stop following it
        log.exception("live push could not rerun a session")
        return Outcome.GONE
    return Outcome.ASKED
