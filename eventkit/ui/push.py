"""Streamlit side of live push: rerun an attendee's session from the server.

Streamlit has no public API for a server-initiated rerun. Its own "run on
save" does it with AppSession.request_rerun and the session's last client
state (query string and page, no widget triggers, so no button fires twice);
this module does the same, on the runtime's event loop because the runtime
is not thread-safe, and only for sessions that are not running a script, so
a rerun never interrupts a vote being saved. If these internals are missing
(a future Streamlit, or AppTest), `available()` is False and attendee pages
fall back to polling fragments.
"""

from __future__ import annotations

import asyncio
import logging

import streamlit as st
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..livepush import LivePush, Outcome, Signature, live_signature

log = logging.getLogger(__name__)

try:
    from streamlit.runtime.app_session import AppSessionState
except ImportError:  # pragma: no cover - a Streamlit without it falls back to polling
    AppSessionState = None


def available() -> bool:
    """Whether screens can be rerun from the server (a real `streamlit run`)."""
    if AppSessionState is None or not Runtime.exists() or get_script_run_ctx() is None:
        return False
    return hasattr(Runtime.instance(), "_session_mgr")


def watch(event_id: int, shown: Signature) -> None:
    """Keep this session's attendee screen in step with the event's live activity."""
    _pusher().watch(get_script_run_ctx().session_id, event_id, shown)


def forget() -> None:
    """This session shows no attendee screen now (a staff page)."""
    if available():
        _pusher().forget(get_script_run_ctx().session_id)


@st.cache_resource
def _pusher() -> LivePush:
    # Imported here: eventkit.ui imports this module.
    from . import clear_shared_reads, store

    runtime = Runtime.instance()
    loop = runtime._get_async_objs().eventloop
    shared = store()

    def rerun(screen_ids: list[str]) -> dict[str, Outcome]:
        future = asyncio.run_coroutine_threadsafe(_rerun_on_loop(runtime, screen_ids), loop)
        return future.result(timeout=10)

    pusher = LivePush(lambda event_id: live_signature(shared, event_id), rerun,
                      lambda event_id: clear_shared_reads())
    pusher.start()
    return pusher


async def _rerun_on_loop(runtime: Runtime, screen_ids: list[str]) -> dict[str, Outcome]:
    """Request reruns; runs on the runtime's event loop, as browser messages do."""
    return {screen_id: _rerun_one(runtime, screen_id) for screen_id in screen_ids}


def _rerun_one(runtime: Runtime, screen_id: str) -> Outcome:
    info = runtime._session_mgr.get_active_session_info(screen_id)
    if info is None:
        return Outcome.GONE
    session = info.session
    if session._state is not AppSessionState.APP_NOT_RUNNING or session._scriptrunner is not None:
        return Outcome.BUSY
    state = ClientState()
    state.CopyFrom(session._client_state)
    state.fragment_id = ""
    state.is_auto_rerun = False
    try:
        session.request_rerun(state)
    except Exception:  # a session shutting down: stop following it
        log.exception("live push could not rerun a session")
        return Outcome.GONE
    return Outcome.ASKED
