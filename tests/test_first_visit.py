"""A phone's first visit downloads no font file (issue #5: at most 700 KB).

Three things keep the fonts away, each checked here: attendee screens ask
for no Material icon (emoji instead; Streamlit's own expander chevron on the
Table page still uses the icon font), the theme uses the device's own fonts,
and `python -m eventkit serve` takes the font preloads out of what nginx serves.
The bytes themselves are measured in Chromium by bench/first_visit.py.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.cli.serve import nginx_config, without_font_downloads

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


# --- Attendee screens draw no Material icon ----------------------------------------


def protos(node):
    """Every element and block message drawn, depth first."""
    if getattr(node, "proto", None) is not None:
        yield node.proto
    for child in getattr(node, "children", {}).values():
        yield from protos(child)


def material_icons(page: str, **params) -> list[str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = str(value)
    at.switch_page(page).run()
    assert not at.exception
    return [m for proto in protos(at._tree) for m in re.findall(r":material/\w+:", str(proto))]


SCREENS = [  # (what is live, page, table)
    ("welcome", "pages/attendee_now.py", "1"),
    ("poll", "pages/attendee_now.py", "1"),
    ("wall", "pages/attendee_now.py", "1"),
    ("tables", "pages/attendee_now.py", "1"),
    ("evaluation", "pages/attendee_now.py", "1"),
    ("poll", "pages/attendee_wall.py", "1"),  # with the "a question is open" banner
    ("welcome", "pages/attendee_table.py", "1"),
    ("evaluation", "pages/attendee_evaluation.py", "1"),
    ("welcome", "pages/privacy.py", ""),
]


@pytest.mark.parametrize(("live", "page", "table"), SCREENS)
def test_attendee_screens_draw_no_material_icon(app_db, live, page, table):
    store, event = app_db
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    store.set_eval_open(event.id, True)
    store.set_live(event.id, live, poll.id if live == "poll" else None)
    params = {"event": event.code, **({"table": table} if table else {})}
    assert material_icons(page, **params) == []


def test_join_screen_draws_no_material_icon(app_db):
    assert material_icons("pages/attendee_now.py") == []


def test_browser_tab_icon_is_an_emoji():
    # A Material page icon makes every phone fetch an SVG from fonts.gstatic.com.
    source = (ROOT / "app.py").read_text()
    icon = re.search(r'page_icon="([^"]*)"', source).group(1)
    assert icon and not icon.startswith(":") and not icon.isascii()
