"""eventkit/ui/cookies.py, the one module that reads and writes the staff sign-in cookie.

Streamlit 1.67 has no call that sets a cookie; the module mounts a small
st.components.v2 component whose fixed JavaScript does it, and reads cookies
with st.context.cookies. These tests fail loudly if a Streamlit upgrade
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
        "cookies.write('ek_organiser', 'Abc-123_token', 3600)\n"
        "cookies.clear('ek_facilitator_7')\n"
        "import streamlit as st\n"
        "st.text(repr(cookies.read('ek_organiser')))\n",
        encoding="utf-8",
    )
    at = AppTest.from_file(str(script), default_timeout=30).run()
    assert not at.exception
    return at


def test_write_and_clear_mount_the_cookie_component_with_its_data(mounted):
    elements = [e for e in mounted.main.children.values() if getattr(e, "key", None)]
    by_key = {e.key: e.proto for e in elements}
    assert set(by_key) == {"ek_organiser-set", "ek_facilitator_7-clear"}
    for proto in by_key.values():
        assert proto.component_name == "eventkit_cookie"
        assert "document.cookie" in proto.js_content and "SameSite=Strict" in proto.js_content
    assert json.loads(by_key["ek_organiser-set"].json) == {
        "name": "ek_organiser",
        "value": "Abc-123_token",
        "maxAge": 3600,
    }
    assert json.loads(by_key["ek_facilitator_7-clear"].json) == {"name": "ek_facilitator_7", "value": "", "maxAge": 0}
    assert mounted.text[0].value == "None"  # AppTest has no browser, so no cookie comes back


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("session", "x"),
        ("ek_Upper", "x"),
        ("ek_x", "a;b"),
        ("ek_x", "a=b"),
        ("ek_x", "a b"),
        ("ek_x;Path=/", "x"),
        ("ek_x", "x" * 101),
    ],
)
def test_only_eventkit_cookies_with_token_shaped_values(name, value):
    with pytest.raises(ValueError):
        cookies.write(name, value, 60)
