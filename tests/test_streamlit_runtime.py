"""eventkit/ui/live/runtime.py: the only private Streamlit calls eventkit makes, still there.

Without them phones silently fall back to polling every 3 s (about a hundred
times the server's work at rest), so an upgrade that moves one must fail here,
loudly, naming what moved. tests/test_rehearse.py's
test_push_redraws_only_the_live_part_of_an_open_phone checks the whole path
against a real server.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import streamlit
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.scriptrunner_utils import script_run_context
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from eventkit.ui.live import runtime

ROOT = Path(__file__).resolve().parents[1]


def test_streamlit_is_the_pinned_version_the_adapter_was_checked_against():
    pinned = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.startswith("streamlit==")]
    assert pinned == [f"streamlit=={streamlit.__version__}"], (
        "Streamlit changed: re-check every private call in eventkit/ui/live/runtime.py against its source"
    )


def test_the_private_calls_the_adapter_makes_still_exist():
    missing = []
    if not hasattr(Runtime, "_get_async_objs"):
        missing.append("Runtime._get_async_objs")
    init = inspect.getsource(Runtime.__init__)
    missing += [f"Runtime.{name}" for name in ("_session_mgr",) if f"self.{name}" not in init]
    session_init = inspect.getsource(AppSession.__init__)
    missing += [
        f"AppSession.{name}"
        for name in ("_state", "_scriptrunner", "_client_state")
        if f"self.{name}" not in session_init
    ]
    missing += [
        f"AppSession.{name}()"
        for name in ("request_rerun", "has_fragment")
        if not callable(getattr(AppSession, name, None))
    ]
    if not hasattr(AppSessionState, "APP_NOT_RUNNING"):
        missing.append("AppSessionState.APP_NOT_RUNNING")
    state = inspect.signature(ThreadState.get).return_annotation
    if not callable(getattr(ThreadState, "get", None)) or "fragment_id" not in getattr(
        script_run_context.FragmentThreadState, "__dataclass_fields__", {}
    ):
        missing.append(f"ThreadState.get().fragment_id ({state})")
    fields = {f.name for f in ClientState.DESCRIPTOR.fields}
    missing += [f"ClientState.{name}" for name in ("fragment_id", "is_auto_rerun") if name not in fields]
    assert not missing, f"Streamlit internals eventkit/ui/live/runtime.py uses are gone: {missing}"


def test_no_other_module_makes_private_streamlit_calls():
    # Private imports (streamlit.runtime, .proto, .web) are allowed in runtime.py alone,
    # and the wire format (streamlit.proto) in the rehearsal tool, a client of the server.
    allowed = {ROOT / "eventkit/ui/live/runtime.py"}
    client = ROOT / "eventkit" / "rehearse"
    offenders = []
    for path in [*(ROOT / "eventkit").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]:
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            private = (
                ("streamlit.runtime", "streamlit.web")
                if client in path.parents
                else ("streamlit.runtime", "streamlit.proto", "streamlit.web")
            )
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith(private)]
    assert not offenders, offenders


def test_outside_a_real_server_the_adapter_says_it_cannot_rerun_sessions():
    assert runtime.can_rerun_sessions() is False
    assert runtime.fragment_id() == ""
