"""Copy whole events, row by row, from one Store to another (either engine to either engine).

Used for the ZIP's per-event database (a fresh SQLite file, ids kept,
token hashes replaced by pseudonyms, no staff secret) and by `python -m eventkit copy`
(between a SQLite file and PostgreSQL; ids kept when the target holds no
events yet, otherwise given anew there). Rows are read from one snapshot
of the source and written in one transaction of the target, and every
table's rows are counted on both sides afterwards.
"""

from __future__ import annotations

from .base import Db, StoreBase, StoreError
from .event_rows import EVENT_TABLES, count_rows

# Columns that may point at a row copied later (or at their own table): set once every row is in.
_SET_LAST = {("events", "live_poll_id"), ("polls", "repeat_of")}
_HAS_ID = {
    "events",
    "set_asides",
    "participants",
    "polls",
    "poll_options",
    "votes",
    "wall_prompts",
    "notes",
    "event_tables",
    "vignettes",
    "vignette_prompts",
    "table_notes",
    "eval_items",
    "eval_responses",
    "themes",
}


def copy_event(
    source: StoreBase, target: StoreBase, event_id: int, *, keep_ids: bool, pseudonymise: bool = False
) -> tuple[int, dict[str, int], dict[str, int]]:
    """Copy one event; returns (its id in the target, row counts in the source, row counts in the target)."""
    with source.read_snapshot() as src:
        expected = count_rows(src, event_id)
        if not expected["events"]:
            raise StoreError("No such event.")
        code = src.execute("SELECT code FROM events WHERE id = ?", [event_id]).fetchone()[0]
        with target.write() as dst:
            if dst.execute("SELECT 1 FROM events WHERE code = ?", [code]).fetchone():
                raise StoreError(f"The target already has an event with code {code}: nothing was copied.")
            maps = _copy_rows(src, dst, event_id, keep_ids, pseudonymise)
            if keep_ids:
                target.engine.reset_ids(dst, sorted(_HAS_ID))
            new_id = maps["events"][event_id]
            copied = count_rows(dst, new_id)
    return new_id, expected, copied


def _copy_rows(src: Db, dst: Db, event_id: int, keep_ids: bool, pseudonymise: bool) -> dict[str, dict[int, int]]:
    maps: dict[str, dict[int, int]] = {}
    last: list[tuple[str, int, str, int]] = []  # (table, new id, column, old value) for _SET_LAST
    for table, where, refs in EVENT_TABLES:
        order = " ORDER BY t.id" if table in _HAS_ID else ""
        cursor = src.execute(f"SELECT t.* FROM {table} t WHERE {where}{order}", {"event": event_id})
        columns = [d[0] for d in cursor.description]
        maps[table] = {}
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            for column, parent in refs.items():
                if row[column] is None:
                    continue
                if (table, column) in _SET_LAST:
                    last.append((table, row["id"], column, row[column]))
                    row[column] = None
                else:
                    row[column] = maps[parent][row[column]]
            if table == "participants" and pseudonymise:
                row["token_hash"] = f"P{row['seq']:03d}"  # the link's hash cannot leave: the pseudonym instead
            if table == "events" and pseudonymise:
                row["facilitator_hash"] = ""  # staff secrets are for running the day, not for analysis
            if table == "codings":
                row["item_key"] = _item_key(row["source"], row["item_key"], maps)
            if table in _HAS_ID:
                maps[table][row["id"]] = _insert(dst, table, row, keep_ids)
            else:
                _insert_plain(dst, table, row)
    for table, old_id, column, old_value in last:
        new_value = maps["polls"].get(old_value)  # a live poll id left over from a deleted poll: none
        dst.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", [new_value, maps[table][old_id]])
    return maps


def _insert(db: Db, table: str, row: dict, keep_id: bool) -> int:
    """Insert a row of a table with ids (_HAS_ID); returns its id here (its own when keep_id)."""
    columns = [c for c in row if keep_id or c != "id"]
    return db.execute(f"{_insert_sql(table, columns)} RETURNING id", [row[c] for c in columns]).fetchone()[0]


def _insert_plain(db: Db, table: str, row: dict) -> None:
    """Insert a row of a table without ids, every column as it is."""
    db.execute(_insert_sql(table, list(row)), list(row.values()))


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _item_key(source: str, key: str, maps: dict[str, dict[int, int]]) -> str:
    """A coded item's key with the target's ids (a note, a table note, or "response:item")."""
    try:
        if source == "note":
            return str(maps["notes"][int(key)])
        if source == "table_note":
            return str(maps["table_notes"][int(key)])
        response, item = key.split(":")
        return f"{maps['eval_responses'][int(response)]}:{maps['eval_items'][int(item)]}"
    except (KeyError, ValueError):
        return key  # names nothing in the source either: kept as it was


def copy_events(source: StoreBase, target: StoreBase, codes: list[str] | None = None) -> list[tuple[str, dict, dict]]:
    """Copy every event (or those with these codes); [(code, source counts, target counts)] per event.

    Ids are kept when the target holds no events yet (a move), so CSVs exported
    before and after name the same rows; otherwise the target gives new ones.
    """
    events = source.list_events()  # type: ignore[attr-defined]
    if codes:
        wanted = {c.strip().upper() for c in codes}
        missing = wanted - {e.code for e in events}
        if missing:
            raise StoreError(f"No event with code {', '.join(sorted(missing))} in {source.describe()}.")
        events = [e for e in events if e.code in wanted]
    keep_ids = not target.list_events()  # type: ignore[attr-defined]
    report = []
    for event in sorted(events, key=lambda e: e.id):
        _, expected, copied = copy_event(source, target, event.id, keep_ids=keep_ids)
        report.append((event.code, expected, copied))
    return report
