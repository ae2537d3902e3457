"""QR codes for the event and its tables, as PNGs and a print-ready HTML sheet.

Each card encodes `<base>/?event=CODE` (or `&table=N` for a table), built by
eventkit.event.links as the projector's QR code is, where the base is the address
phones can reach: the event's public address, else this machine's address on
the local network and the app's port.
"""

from __future__ import annotations

import base64
import html
import io
import zipfile
from dataclasses import dataclass

from eventkit.event.links import join_url, qr_png
from eventkit.models import Event, Table


@dataclass(frozen=True)
class Card:
    """One printed card: the event's join code or one table's."""

    heading: str  # "Join", or the table's one name (models.table_label): "Table 3", "Table A"
    table_no: int | None
    url: str
    png: bytes

    @property
    def file_name(self) -> str:
        return "event.png" if self.table_no is None else f"table-{self.table_no}.png"


def make_cards(base_url: str, event: Event, tables: list[Table]) -> list[Card]:
    """The event's join card followed by one card per table."""
    event_url = join_url(base_url, event.code)
    cards = [Card("Join", None, event_url, qr_png(event_url))]
    for table in tables:
        url = join_url(base_url, event.code, table.number)
        cards.append(Card(table.label, table.number, url, qr_png(url)))
    return cards


def cards_zip(event: Event, cards: list[Card]) -> bytes:
    """A ZIP of the cards' PNGs, named CODE-event.png, CODE-table-N.png."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for card in cards:
            zf.writestr(f"{event.code}-{card.file_name}", card.png)
    return buffer.getvalue()


def sheet_html(event: Event, cards: list[Card], base_url: str) -> str:
    """A self-contained HTML page, one card per printed page (A4)."""
    title, code, base = html.escape(event.title), html.escape(event.code), html.escape(base_url)
    body = "\n".join(_card_html(card, title, code, base) for card in cards)
    return _PAGE.format(title=title, code=code, style=_STYLE, body=body)


def _card_html(card: Card, title: str, code: str, base: str) -> str:
    image = base64.b64encode(card.png).decode("ascii")
    url = html.escape(card.url)
    if card.table_no is None:
        label, big, what, then = (
            "Everyone",
            "Join in",
            "Vote, post notes and give feedback. No app or account needed.",
            "",
        )
    else:
        # The table's name as phones show it (models.table_label): "Table A" on the card, "Table A" on the phone.
        label, big, what = "Your table", card.heading, "Scan to join this table: your table's cases and notes."
        then = f", then choose “{html.escape(card.heading)}”"
    return f"""<section class="card">
  <p class="event">{title}</p>
  <p class="label">{label}</p>
  <h1 class="{"join" if card.table_no is None else "table" + _long(big)}">{html.escape(big)}</h1>
  <img src="data:image/png;base64,{image}" alt="QR code for {url}">
  <p class="what">{html.escape(what)}</p>
  <p class="words">No camera? Go to <strong>{base}</strong><br>and enter the event code <strong>{code}</strong>{then}.</p>
  <p class="link">{url}</p>
</section>"""


def _long(name: str) -> str:
    """A smaller size for a long table name, so it breaks between words, not inside one."""
    return "" if len(name) <= 8 else " long" if len(name) <= 16 else " longer"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>QR codes – {title} ({code})</title>
<style>{style}</style>
</head>
<body>
{body}
</body>
</html>
"""

_STYLE = """
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Helvetica Neue", Arial, sans-serif; color: #111; background: #fff; }
.card { height: 265mm; display: flex; flex-direction: column; align-items: center;
        justify-content: center; text-align: center; padding: 6mm;
        break-after: page; page-break-after: always; break-inside: avoid; }
.card:last-child { break-after: auto; page-break-after: auto; }
.event { font-size: 20pt; margin: 0 0 2mm; }
.label { font-size: 36pt; font-weight: 700; margin: 0; text-transform: uppercase; letter-spacing: 0.08em; }
h1 { margin: 0; line-height: 0.95; font-weight: 800; }
h1.table { font-size: 120pt; overflow-wrap: break-word; }
h1.table.long { font-size: 72pt; }
h1.table.longer { font-size: 48pt; }
h1.join { font-size: 96pt; }
img { width: 105mm; height: 105mm; image-rendering: pixelated; margin: 6mm 0; }
.what { font-size: 18pt; margin: 0 0 5mm; max-width: 170mm; }
.words { font-size: 16pt; margin: 0 0 3mm; overflow-wrap: anywhere; }
.link { font-size: 10pt; color: #555; margin: 0; overflow-wrap: anywhere; }
@media screen { .card { border-bottom: 2px dashed #bbb; min-height: 100vh; height: auto; } }
"""
