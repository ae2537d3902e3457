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


def version_problems(installed: str, requirements: str) -> list[str]:
    """Why this Streamlit (installed, and pinned in requirements.txt's text) is not the release
    runtime.py's private calls were checked with; [] when it is."""
    pinned = [line.strip() for line in requirements.splitlines() if line.strip().startswith("streamlit")]
    checked = runtime.CHECKED_WITH
    recheck = (
        "re-read each private call in eventkit/ui/live/runtime.py in that release's source ("
        + "; ".join(runtime.PRIVATE_CALLS)
        + "), then set runtime.CHECKED_WITH to it"
    )
    problems = []
    if pinned != [f"streamlit=={checked}"]:
        problems.append(f"requirements.txt pins {pinned}, but the private calls were checked with {checked}: {recheck}")
    if installed != checked:
        problems.append(
            f"Streamlit {installed} is installed, but the private calls were checked with {checked}: "
            f"install requirements.txt, or {recheck}"
        )
    return problems


def test_streamlit_is_the_version_the_private_calls_were_checked_with():
    problems = version_problems(streamlit.__version__, (ROOT / "requirements.txt").read_text())
    assert not problems, "\n".join(problems)


def test_bumping_the_pin_without_re_checking_fails_and_says_what_to_re_check():
    # The pin and the installed version agree after `pip install -r requirements.txt`: not enough.
    bumped = "1.99.0"
    problems = version_problems(bumped, f"pandas\nstreamlit=={bumped}\n")
    assert len(problems) == 2, problems
    assert all("_session_mgr" in p and "runtime.CHECKED_WITH" in p for p in problems), problems
    assert not version_problems(runtime.CHECKED_WITH, f"streamlit=={runtime.CHECKED_WITH}\n")


def test_every_private_attribute_runtime_py_uses_is_listed_for_re_checking():
    source = (ROOT / "eventkit/ui/live/runtime.py").read_text(encoding="utf-8")
    used = {
        node.attr for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute) and node.attr[0] == "_"
    }
    listed = " ".join(runtime.PRIVATE_CALLS)
    assert used and not [name for name in sorted(used) if name not in listed], (used, listed)


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
