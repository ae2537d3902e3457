"""A phone's first visit downloads no font file (issue #5: at most 700 KB).

Attendee screens are plain HTML (eventkit/web): their policy lets the browser
fetch no font at all, and each page is under 30 KB (issue 20). For the
Streamlit pages (staff, and the index at `/`) three things keep the fonts
away, each checked here: the index asks for no Material icon (emoji instead),
the theme uses the device's own fonts, and `python -m eventkit serve` takes
the font preloads out of what nginx serves. The bytes themselves are measured
in Chromium by bench/first_visit.py.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from eventkit.cli.serve import nginx_config, without_font_downloads
from eventkit.web import store as web_store
from tests.every import assert_every
from tests.web_client import Phone, web_app

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT_STATIC = Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "static"


# --- What nginx serves -------------------------------------------------------------


def location(conf: str, path: str) -> str:
    """The body of one `location PATH { ... }` block of an nginx config."""
    match = re.search(r"location " + re.escape(path) + r" \{(.*?)\n        \}", conf, re.S)
    assert match, f"no location {path}"
    return match.group(1)


def test_pages_from_the_app_lose_their_font_preload(tmp_path):
    conf = nginx_config(tmp_path, "127.0.0.1:8501", [9001], tmp_path / "static")
    page = location(conf, "/")
    assert "sub_filter 'rel=\"preload\"' 'rel=\"x-no-preload\"';" in page
    assert "sub_filter_once off;" in page
    # nginx cannot edit a page the app already compressed
    assert 'proxy_set_header Accept-Encoding "";' in page
    assert "sub_filter" not in location(conf, "/_stcore/stream")


def test_streamlit_page_still_has_the_preload_nginx_takes_out():
    # If Streamlit stops preloading a font, the sub_filter above can go.
    html = (STREAMLIT_STATIC.parent / "index.html").read_text()
    assert re.search(r'rel="preload"\s+href="[^"]*SourceSans', html)


def test_the_static_copy_does_not_load_the_icon_font_at_start_up():
    scripts = {p.name: p.read_text(encoding="utf-8") for p in (STREAMLIT_STATIC / "js").glob("*.js")}
    preloading = [name for name, text in scripts.items() if 'materialIcons}"`)' in text]
    assert preloading, "Streamlit no longer preloads its icon font: drop the .js patch in serve.py"
    for name in preloading:
        lighter = without_font_downloads(".js", scripts[name])
        assert lighter != scripts[name], f"the icon font preload in {name} changed shape: update serve.py"
        assert "document.fonts.load(`1em" not in lighter
        assert len(lighter) == len(scripts[name]) + len("Promise.resolve") - len("document.fonts.load")


def test_the_static_copy_has_no_source_sans():
    css = next((STREAMLIT_STATIC / "css").glob("index.*.css")).read_text(encoding="utf-8")
    assert "SourceSansVF" in css
    lighter = without_font_downloads(".css", css)
    assert "SourceSansVF" not in lighter
    assert "MaterialSymbols" in lighter and "SourceCodeVF" in lighter  # staff screens and code keep theirs
    assert without_font_downloads(".map", css) == css


def test_theme_uses_the_devices_fonts():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    families = [f.strip().strip("'\"") for f in theme["font"].split(",")]
    assert families[-1] == "sans-serif"  # the generic fallback, last
    assert not any("source" in f.lower() for f in families)
    assert "system-ui" not in families  # DejaVu Sans on many Linux machines: too wide on a phone
    assert "headingFont" not in theme or theme["headingFont"] == theme["font"]


# --- Attendee screens (HTML) load no font; the index draws no Material icon -----------------

FIRST_VISIT_BYTES = 30_000  # issue 20: a phone's first visit, all in


def protos(node):
    """Every element and block message drawn, depth first."""
    if getattr(node, "proto", None) is not None:
        yield node.proto
    for child in getattr(node, "children", {}).values():
        yield from protos(child)


def test_the_index_draws_no_material_icon(app_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # `/`: the index
    assert not at.exception
    assert [m for proto in protos(at._tree) for m in re.findall(r":material/\w+:", str(proto))] == []


SCREENS = [  # (what is live, the page under /e/CODE, the table joined)
    ("welcome", "", None),
    ("poll", "", None),
    ("wall", "", None),
    ("tables", "", None),
    ("evaluation", "", None),
    ("poll", "/wall", None),
    ("tables", "/table", 1),
    ("evaluation", "/feedback", None),
    ("welcome", "/privacy", None),
]


def test_attendee_screens_load_no_font_and_fit_a_first_visit(app_db):
    store, event = app_db
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    store.set_eval_open(event.id, True)

    def check(screen) -> None:
        live, page, table = screen
        store.set_live(event.id, live, poll.id if live == "poll" else None)
        web_store.reads().expire_all()
        p = Phone(web_app(), event.code)
        p.join(table)
        answer = p.client.get(f"{p.base}{page}")
        assert answer.status_code == 200
        policy = answer.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "font-src" not in policy  # the browser may fetch no font
        assert "@font-face" not in answer.text and "url(" not in answer.text and "<link" not in answer.text
        assert len(answer.content) <= FIRST_VISIT_BYTES, len(answer.content)

    assert_every([(f"{live} on /e/CODE{page}", (live, page, table)) for live, page, table in SCREENS], check)
    assert Phone(web_app(), event.code).client.get("/join").status_code == 200


def test_browser_tab_icon_is_an_emoji():
    # A Material page icon makes every phone fetch an SVG from fonts.gstatic.com.
    source = (ROOT / "app.py").read_text()
    icon = re.search(r'page_icon="([^"]*)"', source).group(1)
    assert icon and not icon.startswith(":") and not icon.isascii()
