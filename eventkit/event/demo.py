"""The demo event shipped in data/demo_event.yaml, loaded on first run."""

from __future__ import annotations

from pathlib import Path

from eventkit.event.file import load_event_file
from eventkit.storage import Store, StoreError

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_event.yaml"
DEMO_PASSCODE = "fife-demo"


def ensure_demo(store: Store) -> int | None:
    """Load the demo event into an empty database; returns its id, or None if not loaded."""
    if store.list_events():
        return None
    try:
        return store.import_event(load_event_file(DEMO_FILE))
    except StoreError:
        return None  # another process loaded it at the same moment
