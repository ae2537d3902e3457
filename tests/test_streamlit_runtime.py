"""eventkit/ui/live/runtime.py: the only private Streamlit calls eventkit makes, still there.

Without them the first visitor after a start who opens a direct link meets
"Page not found" (tests/browser/test_lost_session.py), so an upgrade that moves
one must fail here, loudly, naming what moved.
"""

from __future__ import annotations

import ast
from pathlib import Path

import streamlit

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
    assert all("uses_pages_directory" in p and "runtime.CHECKED_WITH" in p for p in problems), problems
    assert not version_problems(runtime.CHECKED_WITH, f"streamlit=={runtime.CHECKED_WITH}\n")


def test_every_streamlit_internal_runtime_py_uses_is_listed_for_re_checking():
    # A private attribute (_x) or an attribute of a class imported from streamlit.runtime.
    tree = ast.parse((ROOT / "eventkit/ui/live/runtime.py").read_text(encoding="utf-8"))
    internal = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit.runtime")
        for a in node.names
    }
    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and (node.attr[0] == "_" or (isinstance(node.value, ast.Name) and node.value.id in internal))
    }
    listed = " ".join(runtime.PRIVATE_CALLS)
    assert used and not [name for name in sorted(used) if name not in listed], (used, listed)


def test_the_private_calls_runtime_py_makes_still_exist():
    from streamlit.runtime.pages_manager import PagesManager

    assert hasattr(PagesManager, "uses_pages_directory"), (
        "Streamlit internals eventkit/ui/live/runtime.py uses are gone: PagesManager.uses_pages_directory"
    )


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
