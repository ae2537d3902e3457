"""Every organiser download by kind: its file name, media type and the builder that makes it.

GET /staff/download/{kind}?event=CODE (eventkit/web/staff_routes.py) looks the
kind up here and builds the file at each fetch, for a browser whose organiser
pass is valid then; the organiser pages link to that address
(eventkit/ui/downloads.py) instead of handing the bytes to Streamlit's media
store, where its /media/… address would serve them to anyone who holds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from eventkit.event import links
from eventkit.event.file import dump_event_file
from eventkit.models import Event
from eventkit.outputs import exports, qrsheet, report
from eventkit.outputs.codebook import FILES, LONG_NAME, codebook_markdown
from eventkit.storage import Store

CSV = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Download:
    """One kind of file: `name` is a pattern over the event's code; build makes its bytes."""

    name: str
    media_type: str
    build: Callable[[Store, Event], bytes]

    def file_name(self, event: Event) -> str:
        """The attachment's name: the pattern with the event's code, only safe characters kept."""
        return re.sub(r"[^A-Za-z0-9._-]", "-", self.name.format(code=event.code))


def _activity(name: str) -> Callable[[Store, Event], bytes]:
    return lambda store, event: exports.activity_csvs(store, event.id)[f"{name}.csv"]


def _qr_cards(store: Store, event: Event) -> tuple[str, list[qrsheet.Card]]:
    """The QR codes' base address and cards, as the QR codes page makes them (its saved address)."""
    base, _ = links.public_base(event.public_base_url)
    return base, qrsheet.make_cards(base, event, store.list_tables(event.id))


def _qr_sheet(store: Store, event: Event) -> bytes:
    base, cards = _qr_cards(store, event)
    return qrsheet.sheet_html(event, cards, base).encode("utf-8")


def _qr_codes(store: Store, event: Event) -> bytes:
    return qrsheet.cards_zip(event, _qr_cards(store, event)[1])


KINDS: dict[str, Download] = {
    "zip": Download("{code}-export.zip", "application/zip", exports.zip_bytes),
    **{name: Download(f"{{code}}-{name}.csv", CSV, _activity(name)) for name in (*FILES, LONG_NAME)},
    "codebook-md": Download(
        "{code}-codebook.md", "text/markdown; charset=utf-8", lambda s, e: codebook_markdown().encode("utf-8")
    ),
    "codebook-csv": Download("{code}-codebook.csv", CSV, lambda s, e: exports.codebook_csv()),
    # For analysts: without the facilitator passcode's hash (exports.event_file_bytes).
    "event-file": Download("{code}.yaml", "application/yaml", exports.event_file_bytes),
    # The Event editor's copy, for staff recreating the event: keeps the passcode's hash.
    "event-file-staff": Download(
        "{code}-staff.yaml", "application/yaml", lambda s, e: dump_event_file(s.export_spec(e.id)).encode("utf-8")
    ),
    "report": Download(
        "{code}-report.html", "text/html; charset=utf-8", lambda s, e: report.build_report(s, e.id).encode("utf-8")
    ),
    "qr-sheet": Download("{code}-qr-sheet.html", "text/html; charset=utf-8", _qr_sheet),
    "qr-codes": Download("{code}-qr-codes.zip", "application/zip", _qr_codes),
    "analysis-matrix": Download(
        "{code}-analysis-matrix.csv", CSV, lambda s, e: exports.matrix_csv(s.analysis_matrix(e.id))
    ),
}
