"""app.py is an st.App that `streamlit run app.py` finds, with the HTML routes and TCP_NODELAY."""

from __future__ import annotations

import socket
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from eventkit.web import asgi
from eventkit.web.nodelay import set_nodelay_on_listeners

ROOT = Path(__file__).resolve().parents[1]


def test_streamlit_run_finds_the_app():
    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.app_name == "app"


def test_the_app_serves_the_html_routes_and_the_lifespan():
    import importlib

    module = importlib.import_module("app")  # imported, not run by Streamlit: the ASGI app
    app = module.app
    paths = {getattr(r, "path", None) for r in app._user_routes}
    assert {"/join", "/e/{code}", "/e/{code}/join", "/e/{code}/vote", "/e/{code}/privacy"} <= paths
    assert app._user_lifespan is asgi.lifespan


def test_nodelay_reaches_every_accepted_connection():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert set_nodelay_on_listeners() >= 1
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_printed_links_and_nothing_else_are_redirected():
    assert asgi.printed_link_target("/", b"event=FIFE16&table=3") == "/e/FIFE16/join?table=3"
    assert asgi.printed_link_target("/", b"event=fife16&p=abc") == "/e/FIFE16/join?p=abc"
    assert asgi.printed_link_target("/", b"") is None
    assert asgi.printed_link_target("/facilitator", b"event=FIFE16") is None
    assert asgi.printed_link_target("/", b"event=%3Cb%3E") == "/join?event=%3Cb%3E"
