"""QR sheet: URLs, PNGs that hold exactly the QR symbol for the URL, and the printable HTML."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from PIL import Image

from eventkit.cli import main as cli
from eventkit.event import links
from eventkit.models import Event, Table, table_label
from eventkit.outputs import qrsheet

EVENT = Event(id=1, code="FIFE16", title="Fife <script>alert(1)</script> & friends")
TABLES = [Table(id=i, event_id=1, number=i, name=f"Table {i}") for i in (1, 2, 3, 12)]
BASE = "http://192.168.1.20:8501"


def _matrix_from_png(png: bytes) -> list[list[bool]]:
    """Read the modules back from the picture: the centre pixel of each box."""
    image = Image.open(io.BytesIO(png)).convert("L")
    modules = image.width // links.BOX_SIZE
    half = links.BOX_SIZE // 2
    return [
        [image.getpixel((x * links.BOX_SIZE + half, y * links.BOX_SIZE + half)) < 128 for x in range(modules)]
        for y in range(modules)
    ]


@pytest.mark.parametrize(
    "table,expected",
    [
        (None, f"{BASE}/?event=FIFE16"),
        (3, f"{BASE}/?event=FIFE16&table=3"),
    ],
)
def test_join_url(table, expected):
    assert links.join_url(BASE + "/", "FIFE16", table) == expected


def test_a_page_link_opens_that_html_page():
    # The projector's feedback QR code: the HTML feedback page (a phone not yet joined goes through the join).
    assert links.join_url(BASE + "/", "FIFE16", page="feedback") == f"{BASE}/e/FIFE16/feedback"


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("http://192.168.1.20:8501", "http://192.168.1.20:8501"),
        ("192.168.1.20:8501/", "http://192.168.1.20:8501"),
        (" https://events.example.org/fife/ ", "https://events.example.org/fife"),
    ],
)
def test_base_url_is_normalised(typed, expected):
    assert links.normalise_base_url(typed) == expected


@pytest.mark.parametrize(
    "typed,message",
    [
        ("", "Please enter"),
        ("ftp://x.org", "http"),
        ("http://", "not a web address"),
        ("http://host:99999", "not a web address"),
        ("http://a b", "not a web address"),
        ("http://host/?event=X", "without"),
    ],
)
def test_unusable_base_urls_are_refused_with_a_reason(typed, message):
    with pytest.raises(links.AddressError, match=message):
        links.normalise_base_url(typed)


def test_suggested_base_url_is_lan_or_localhost_with_the_port(monkeypatch):
    monkeypatch.delenv(links.PUBLIC_URL_ENV, raising=False)
    url = links.suggest_base_url(8765)
    assert re.fullmatch(r"http://(localhost|\d{1,3}(\.\d{1,3}){3}):8765", url)
    assert not url.startswith("http://127.")


@pytest.mark.parametrize(
    "configured,expected",
    [
        ("events.example.org/fife/", "http://events.example.org/fife"),  # behind a load balancer: its address
        ("https://events.example.org", "https://events.example.org"),
        ("ftp://not-a-web-address", None),  # ignored (and logged): this machine's address instead
    ],
)
def test_the_public_address_set_for_all_hosts_is_what_phones_are_sent_to(monkeypatch, configured, expected):
    monkeypatch.setenv(links.PUBLIC_URL_ENV, configured)
    if expected is None:
        assert links.configured_public_url() == "" and links.suggest_base_url(8765).endswith(":8765")
        return
    assert links.suggest_base_url(8765) == expected
    assert links.public_base("", 8765) == (expected, "")  # no note: the operator set it for every host
    assert links.public_base("https://own.example.net", 8765)[0] == "https://own.example.net", (
        "an event's own saved address comes first"
    )


@pytest.mark.parametrize("table", [None, 1, 12])
def test_png_is_valid_and_holds_exactly_the_qr_symbol_for_its_url(table):
    card = next(c for c in qrsheet.make_cards(BASE, EVENT, TABLES) if c.table_no == table)
    assert card.png.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(card.png)).verify()
    expected = links.qr_code(links.join_url(BASE, "FIFE16", table)).get_matrix()
    assert _matrix_from_png(card.png) == expected
    other = links.qr_code(links.join_url(BASE, "FIFE16", 99)).get_matrix()
    assert _matrix_from_png(card.png) != other  # the comparison can tell URLs apart


def test_sheet_html_is_self_contained_escaped_and_one_card_per_page():
    cards = qrsheet.make_cards(BASE, EVENT, TABLES)
    page = qrsheet.sheet_html(EVENT, cards, BASE)
    assert page.count('<section class="card">') == len(TABLES) + 1
    assert page.count('src="data:image/png;base64,') == len(TABLES) + 1
    assert "<script>" not in page and "Fife &lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in page
    assert "@page" in page and "break-after: page" in page
    assert not re.search(r"(src|href)=\"(?!data:)", page)  # nothing fetched from elsewhere
    for n in (1, 2, 3, 12):
        assert f'<h1 class="table">Table {n}</h1>' in page
        assert f"{BASE}/?event=FIFE16&amp;table={n}" in page
    assert "event code <strong>FIFE16</strong>" in page and f"<strong>{BASE}</strong>" in page


def test_a_card_names_its_table_as_the_phones_do():
    """Today's defect: cards said "TABLE 1" while phones listed "Table A / Table B"."""
    named = [Table(1, 1, 1, "Table A"), Table(2, 1, 2, "  Riverside  "), Table(3, 1, 3, "")]
    cards = qrsheet.make_cards(BASE, EVENT, named)
    assert [c.heading for c in cards[1:]] == [t.label for t in named] == ["Table A", "Riverside", "Table 3"]
    page = qrsheet.sheet_html(EVENT, cards, BASE)
    for label in ("Table A", "Riverside", "Table 3"):
        assert re.search(f'<h1 class="table[ a-z]*">{label}</h1>', page) and f"then choose “{label}”" in page
    assert '<h1 class="table">1</h1>' not in page


def test_one_helper_names_tables_everywhere():
    """Cards, phones (HTML and Streamlit), projector and panel all name a table with models.table_label."""
    from pathlib import Path

    assert table_label(4) == "Table 4" and table_label(4, " Table   D ") == "Table D"
    root = Path(__file__).parents[1]
    sources = [*root.glob("eventkit/**/*.py"), *root.glob("pages/*.py"), *root.glob("eventkit/web/templates/*.html")]
    homemade = re.compile(r"(\.name or f?\"Table|\[.name.\] or f\"Table|\btable\.name\b)")
    found = {str(p.relative_to(root)) for p in sources if homemade.search(p.read_text(encoding="utf-8"))}
    assert found == {"eventkit/ui/editor.py"}  # the editor's box where the organiser types the name


def test_png_zip_names_each_card():
    cards = qrsheet.make_cards(BASE, EVENT, TABLES[:2])
    with zipfile.ZipFile(io.BytesIO(qrsheet.cards_zip(EVENT, cards))) as zf:
        assert zf.namelist() == ["FIFE16-event.png", "FIFE16-table-1.png", "FIFE16-table-2.png"]


def test_base_url_is_stored_on_the_event(demo):
    store, event = demo
    store.set_public_base_url(event.id, BASE)
    assert store.get_event(event.id).public_base_url == BASE


def test_cli_writes_pngs_and_sheet_and_saves_the_base_url(demo, tmp_path):
    store, event = demo
    out = tmp_path / "qr"
    assert cli.main(["--db", store.path, "qr-sheet", event.code, "-o", str(out), "--base-url", "10.0.0.5:8501"]) == 0
    assert (out / "qr-sheet.html").exists() and (out / f"{event.code}-table-1.png").exists()
    assert "http://10.0.0.5:8501/?event=FIFE16&amp;table=1" in (out / "qr-sheet.html").read_text()
    assert store.get_event(event.id).public_base_url == "http://10.0.0.5:8501"
    assert cli.main(["--db", store.path, "qr-sheet", event.code, "-o", str(out), "--base-url", "ftp://x"]) == 1
