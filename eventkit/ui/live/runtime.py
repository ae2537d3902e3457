"""Every private Streamlit call eventkit makes, in one file: rerunning a session from the server.

Streamlit has no public API for a server-initiated rerun. Its own "run on
save" does it with AppSession.request_rerun and the session's last client
state (query string and page, no widget triggers, so no button fires twice);
this does the same, on the runtime's event loop because the runtime is not
thread-safe, and only for sessions that are not running a script, so a rerun
never interrupts a vote being saved. A screen whose live activity is drawn by
a fragment has only that fragment rerun, as the browser does for a
fragment's timer.

These are Streamlit internals, read in the source of the release named by
CHECKED_WITH: tests/test_streamlit_runtime.py fails loudly when an upgrade
moves one, and when the installed or pinned Streamlit is not the one they
were checked with. If they are missing here (a future Streamlit, or AppTest),
`can_rerun_sessions()` is False and attendee pages poll with timers instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ...live import Outcome

log = logging.getLogger(__name__)

# The Streamlit release every private call below was read against, in its source. After an
# upgrade (requirements.txt's pin), re-read each of PRIVATE_CALLS in the new release's source,
# then set this to it: until then tests/test_streamlit_runtime.py fails and says so.
CHECKED_WITH = "1.67.0"
PRIVATE_CALLS = (
    "Runtime._get_async_objs().eventloop (the runtime's event loop)",
    "Runtime._session_mgr.get_active_session_info(id).session",
    "AppSession._state, ._scriptrunner (is a script running?) and ._client_state (the last rerun's)",
    "AppSession.request_rerun(client_state) and .has_fragment(id)",
    "AppSessionState.APP_NOT_RUNNING",
    "ThreadState.get().fragment_id",
    "ClientState.fragment_id and .is_auto_rerun",
    "PagesManager.uses_pages_directory (the process-wide pages-folder mode flag)",
)

try:
    from streamlit.runtime.app_session import AppSessionState

    HAS_APP_SESSION_STATE = True
except ImportError:  # pragma: no cover - a Streamlit without it falls back to polling
    HAS_APP_SESSION_STATE = False
try:
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    HAS_THREAD_STATE = True
except ImportError:  # pragma: no cover - then whole pages are redrawn instead of fragments
    HAS_THREAD_STATE = False


def use_st_navigation_only() -> None:
    """Pages come from app.py's st.navigation alone, never from a scan of the `pages/` folder.

    Streamlit decides once per process, when the first session is created,
    whether the app uses the legacy pages-folder mode: a folder named `pages/`
    beside app.py turns it on until some script calls st.navigation. The first
    visitor after a start who opened a direct link (/wall?event=…, or an
    organiser page) then met "Page not found" (the folder names its pages by
    file name) over the right page. app.py calls this when the server imports
    it (st.App), before any session exists.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def can_rerun_sessions() -> bool:
    """Whether sessions can be rerun from the server (a real `streamlit run`, this Streamlit)."""
    if not HAS_APP_SESSION_STATE or not Runtime.exists() or get_script_run_ctx() is None:
        return False
    return hasattr(Runtime.instance(), "_session_mgr")


def session_id() -> str:
    """The id of the session whose script is running on this thread."""
    ctx = get_script_run_ctx()
    if ctx is None:
        raise RuntimeError("No Streamlit script is running on this thread: it belongs to no session.")
    return ctx.session_id


def fragment_id() -> str:
    """The fragment this thread is running ("" outside a fragment, or without ThreadState)."""
    if not HAS_THREAD_STATE:
        return ""
    try:
        return ThreadState.get().fragment_id or ""
    except (AttributeError, RuntimeError):
        return ""


def session_rerunner() -> Callable[[dict[str, str]], dict[str, Outcome]]:
    """A function that reruns sessions {session id: fragment to redraw ("" = the page)},
    from any thread, and says what became of each."""
    runtime = Runtime.instance()
    loop = runtime._get_async_objs().eventloop

    def rerun(parts: dict[str, str]) -> dict[str, Outcome]:
        future = asyncio.run_coroutine_threadsafe(_rerun_on_loop(runtime, parts), loop)
        return future.result(timeout=10)

    return rerun


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
