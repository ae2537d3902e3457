"""An event's rows: every table that holds an event's data, and how to find its rows in each.

The one definition that copying an event (copying.py: the ZIP's database,
`python -m eventkit copy`) and counting its rows (exports.py: the Exports
page, checks of a copy against its source) both read, so a new table is
added in one place.
"""

from __future__ import annotations

from .db import Db

_IN_POLLS = "t.poll_id IN (SELECT id FROM polls WHERE event_id = :event)"
_IN_TABLES = "t.table_id IN (SELECT id FROM event_tables WHERE event_id = :event)"
# Every table that holds an event's data, parents before children:
# (table, which rows belong to the event, {column: the table its ids point into}).
EVENT_TABLES: list[tuple[str, str, dict[str, str]]] = [
    ("events", "t.id = :event", {"live_poll_id": "polls"}),
    ("set_asides", "t.event_id = :event", {"event_id": "events"}),
    ("participants", "t.event_id = :event", {"event_id": "events", "set_aside_id": "set_asides"}),
    ("polls", "t.event_id = :event", {"event_id": "events", "repeat_of": "polls"}),
    ("poll_options", _IN_POLLS, {"poll_id": "polls"}),
    ("votes", _IN_POLLS, {"poll_id": "polls", "participant_id": "participants", "option_id": "poll_options"}),
    ("manual_counts", _IN_POLLS, {"poll_id": "polls", "option_id": "poll_options"}),
    ("wall_prompts", "t.event_id = :event", {"event_id": "events"}),
    (
        "notes",
        "t.prompt_id IN (SELECT id FROM wall_prompts WHERE event_id = :event)",
        {"prompt_id": "wall_prompts", "participant_id": "participants"},
    ),
    (
        "note_plus_ones",
        """t.note_id IN (SELECT n.id FROM notes n JOIN wall_prompts w ON w.id = n.prompt_id
                                        WHERE w.event_id = :event)""",
        {"note_id": "notes", "participant_id": "participants"},
    ),
    ("event_tables", "t.event_id = :event", {"event_id": "events"}),
    ("vignettes", _IN_TABLES, {"table_id": "event_tables"}),
    (
        "vignette_prompts",
        """t.vignette_id IN (SELECT v.id FROM vignettes v JOIN event_tables e ON e.id = v.table_id
                                              WHERE e.event_id = :event)""",
        {"vignette_id": "vignettes"},
    ),
    ("consents", _IN_TABLES, {"table_id": "event_tables", "participant_id": "participants"}),
    (
        "table_notes",
        _IN_TABLES,
        {"table_id": "event_tables", "vignette_id": "vignettes", "participant_id": "participants"},
    ),
    ("eval_items", "t.event_id = :event", {"event_id": "events"}),
    ("eval_responses", "t.event_id = :event", {"event_id": "events", "participant_id": "participants"}),
    (
        "eval_answers",
        "t.response_id IN (SELECT id FROM eval_responses WHERE event_id = :event)",
        {"response_id": "eval_responses", "item_id": "eval_items"},
    ),
    ("themes", "t.event_id = :event", {"event_id": "events"}),
    ("codings", "t.theme_id IN (SELECT id FROM themes WHERE event_id = :event)", {"theme_id": "themes"}),
]
# Tables deliberately left out of a copy, and why.
NOT_COPIED = {
    "migrations": "each database records its own",
    "login_attempts": "wrong sign-ins are not event data",
    "staff_secrets": "the organiser password belongs to a server",
    "sign_in_locks": "server-side sign-in turns",
    "staff_passes": "remembered staff sign-ins: staff sign in again on the new server",
    "pass_handoffs": "one-minute codes that hand a new pass to the browser's cookie",
    "sign_in_links": "single-use staff sign-in links last minutes: make a new one on the new server",
}


def count_rows(db: Db, event_id: int) -> dict[str, int]:
    """How many rows of each table belong to the event."""
    return {
        table: db.execute(f"SELECT COUNT(*) FROM {table} t WHERE {where}", {"event": event_id}).fetchone()[0]
        for table, where, _ in EVENT_TABLES
    }
