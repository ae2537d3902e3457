"""eventkit/ui/cookies.py, the one module of the Streamlit pages that touches the staff sign-in cookie.

Streamlit 1.67 has no call that sets a cookie; the server's route sets it
(HttpOnly), and the module mounts a small st.components.v2 component whose
fixed JavaScript posts a one-time handoff code to that route; it reads
cookies with st.context.cookies. These tests fail loudly if a Streamlit upgrade
changes either (tests/browser/test_staff_sign_in_browser.py checks that a real
browser keeps the cookie and stays signed in across a reload).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping

import pytest
import streamlit as st
from streamlit.runtime.context import ContextProxy, StreamlitCookies
from streamlit.testing.v1 import AppTest

from eventkit.ui import cookies


def test_streamlit_still_offers_what_the_adapter_uses():
    params = inspect.signature(st.components.v2.component).parameters
    assert {"name", "js"} <= set(params), "st.components.v2.component(name, js=...) changed"
    assert isinstance(ContextProxy.__dict__.get("cookies"), property), "st.context.cookies is gone"
    assert issubclass(StreamlitCookies, Mapping)
    assert StreamlitCookies({"ek_x": "v"}).get("ek_x") == "v"


@pytest.fixture
def mounted(tmp_path):
    script = tmp_path / "cookie_script.py"
    script.write_text(
        "from eventkit.ui import cookies\n"
        "cookies.hand_over('Abc-123_handoff-code')\n"
        "import streamlit as st\n"
        "st.text(repr(cookies.read('ek_organiser')))\n",
        encoding="utf-8",
    )
    at = AppTest.from_file(str(script), default_timeout=30).run()
    assert not at.exception
    return at


def test_hand_over_mounts_the_component_that_posts_the_code_and_never_touches_document_cookie(mounted):
    elements = [e for e in mounted.main.children.values() if getattr(e, "key", None)]
    by_key = {e.key: e.proto for e in elements}
    assert set(by_key) == {"ek-pass-handoff"}
    proto = by_key["ek-pass-handoff"]
    assert proto.component_name == "eventkit_pass_handoff"
    assert "/staff/pass" in proto.js_content and "document.cookie" not in proto.js_content
    assert json.loads(proto.json) == {"code": "Abc-123_handoff-code"}
    assert mounted.text[0].value == "None"  # AppTest has no browser, so no cookie comes back


@pytest.mark.parametrize("code", ["short", "a;b" * 8, "a b" * 8, "x" * 65, "ek_x;Path=/ and more"])
def test_only_token_shaped_handoff_codes(code):
    with pytest.raises(ValueError):
        cookies.hand_over(code)


@pytest.mark.parametrize(("name", "value"), [("session", ""), ("ek_Upper", ""), ("ek_x;Path=/", "")])
def test_only_eventkit_cookies_are_read(name, value):
    with pytest.raises(ValueError):
        cookies.read(name)
