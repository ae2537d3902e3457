"""Thematic coding: themes per event, tags on notes and answers, the analysis matrix.

Coded items are wall notes on the wall (visible ones), scribes' table
notes and free-text evaluation answers. An item is named by its source and
an `item_key`: the note id, the table note id, or "response_id:item_id"
for an evaluation answer (stable when the attendee edits their answers).
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Db, StoreBase, StoreError, utc_now
from .set_aside import counted
from .stale import unshared

SOURCES = ("note", "table_note", "eval_answer")
SOURCE_LABELS = {"note": "Wall notes", "table_note": "Table notes", "eval_answer": "Evaluation answers"}
THEME_MAX_CHARS = 60


@dataclass(frozen=True)
class Theme:
    id: int
    event_id: int
    position: int
    name: str


@dataclass(frozen=True)
class CodableItem:
    """One piece of attendee text that can carry themes."""

    source: str
    item_key: str
    context: str  # the wall prompt, "Table N · vignette" or the evaluation question
    text: str
    theme_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class MatrixCell:
    """Theme × source: how many items carry the theme, and their texts."""

    theme_id: int
    theme: str
    source: str
    count: int
    texts: tuple[str, ...] = ()


# Every codable item of one event (none of devices set aside), with a context line; parameters: event id x3.
_ITEMS_SQL = f"""
SELECT 'note' AS source, CAST(n.id AS TEXT) AS item_key, w.text AS context, n.text AS text,
       w.position AS p1, n.id AS p2
FROM notes n JOIN wall_prompts w ON w.id = n.prompt_id
WHERE w.event_id = ? AND n.status = 'visible' AND {counted("n")}
UNION ALL
SELECT 'table_note', CAST(tn.id AS TEXT), t.name || ' · ' || v.title, tn.text, t.number, tn.id
FROM table_notes tn JOIN event_tables t ON t.id = tn.table_id JOIN vignettes v ON v.id = tn.vignette_id
WHERE t.event_id = ? AND {counted("tn")}
UNION ALL
SELECT 'eval_answer', r.id || ':' || a.item_id, i.text, a.value_text, i.position, r.id
FROM eval_answers a JOIN eval_responses r ON r.id = a.response_id JOIN eval_items i ON i.id = a.item_id
WHERE r.event_id = ? AND a.value_text IS NOT NULL AND {counted("r")}
"""


class CodingMixin(StoreBase):
    @unshared
    def list_themes(self, event_id: int) -> list[Theme]:
        """The event's themes in order."""
        with self.read() as db:
            rows = db.query("SELECT * FROM themes WHERE event_id = ? ORDER BY position, id", [event_id])
            return [Theme(r["id"], r["event_id"], r["position"], r["name"]) for r in rows]

    @unshared
    def add_theme(self, event_id: int, name: str) -> Theme:
        """Add a theme at the end; names are unique per event (ignoring case)."""
        name = _theme_name(name)
        with self.write(event_id) as db:
            _refuse_taken_name(db, event_id, name)
            position = db.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM themes WHERE event_id = ?", [event_id]
            ).fetchone()[0]
            theme_id = db.execute(
                "INSERT INTO themes (event_id, position, name) VALUES (?, ?, ?) RETURNING id",
                [event_id, position, name],
            ).fetchone()[0]
        return Theme(theme_id, event_id, position, name)

    @unshared
    def rename_theme(self, theme_id: int, name: str) -> None:
        """Rename a theme; its tags stay."""
        name = _theme_name(name)
        with self.write(("theme", theme_id)) as db:
            row = db.execute("SELECT event_id FROM themes WHERE id = ?", [theme_id]).fetchone()
            if row is None:
                raise StoreError("No such theme.")
            _refuse_taken_name(db, row[0], name, theme_id)
            db.execute("UPDATE themes SET name = ? WHERE id = ?", [name, theme_id])

    @unshared
    def delete_theme(self, theme_id: int) -> None:
        """Delete a theme and every tag with it."""
        with self.write(("theme", theme_id)) as db:
            db.execute("DELETE FROM themes WHERE id = ?", [theme_id])

    @unshared
    def codable_items(self, event_id: int, source: str | None = None) -> list[CodableItem]:
        """Items that can be coded (all sources, or one), with their current themes."""
        if source is not None and source not in SOURCES:
            raise StoreError(f"Unknown source {source!r}.")
        with self.read() as db:
            rows = db.execute(
                f"SELECT * FROM ({_ITEMS_SQL}) AS items ORDER BY source, p1, p2", [event_id] * 3
            ).fetchall()
            tags: dict[tuple[str, str], list[int]] = {}
            for src, key, theme_id in db.execute(
                """SELECT c.source, c.item_key, c.theme_id FROM codings c JOIN themes t ON t.id = c.theme_id
                   WHERE t.event_id = ? ORDER BY t.position""",
                [event_id],
            ):
                tags.setdefault((src, key), []).append(theme_id)
        return [
            CodableItem(r[0], r[1], r[2], r[3], tuple(tags.get((r[0], r[1]), ())))
            for r in rows
            if source is None or r[0] == source
        ]

    @unshared
    def set_codings(self, event_id: int, source: str, codings: dict[str, list[int]]) -> int:
        """Replace the themes of the given items, all in one transaction.

        `codings` maps item_key to the theme ids it should carry (empty list:
        none). Returns how many items changed. Unknown items or themes of
        another event raise StoreError and nothing is saved.
        """
        if source not in SOURCES:
            raise StoreError(f"Unknown source {source!r}.")
        with self.write(event_id) as db:
            valid_themes = {r[0] for r in db.execute("SELECT id FROM themes WHERE event_id = ?", [event_id])}
            valid_keys = {
                r[0]
                for r in db.execute(
                    f"SELECT item_key FROM ({_ITEMS_SQL}) AS items WHERE source = ?", [event_id] * 3 + [source]
                )
            }
            changed = 0
            for key, theme_ids in codings.items():
                if key not in valid_keys:
                    raise StoreError(f"Item {key} is not part of this event.")
                if not set(theme_ids) <= valid_themes:
                    raise StoreError("Those themes are not part of this event.")
                changed += _replace_item_codings(db, valid_themes, source, key, set(theme_ids))
        return changed

    @unshared
    def analysis_matrix(self, event_id: int) -> list[MatrixCell]:
        """Theme × source cells (every theme and source, zero counts included)."""
        with self.read() as db:
            themes = list(
                db.execute("SELECT id, name FROM themes WHERE event_id = ? ORDER BY position, id", [event_id])
            )
            counts = {
                (r[0], r[1]): r[2]
                for r in db.execute(
                    f"""SELECT c.theme_id, c.source, COUNT(*) FROM codings c
                        JOIN themes t ON t.id = c.theme_id
                        JOIN ({_ITEMS_SQL}) i ON i.source = c.source AND i.item_key = c.item_key
                        WHERE t.event_id = ? GROUP BY c.theme_id, c.source""",
                    [event_id] * 4,
                )
            }
            texts: dict[tuple[int, str], list[str]] = {}
            for theme_id, src, text in db.execute(
                f"""SELECT c.theme_id, c.source, i.text FROM codings c
                    JOIN themes t ON t.id = c.theme_id
                    JOIN ({_ITEMS_SQL}) i ON i.source = c.source AND i.item_key = c.item_key
                    WHERE t.event_id = ? ORDER BY c.theme_id, c.source, i.p1, i.p2""",
                [event_id] * 4,
            ):
                texts.setdefault((theme_id, src), []).append(text)
        return [
            MatrixCell(tid, name, src, counts.get((tid, src), 0), tuple(texts.get((tid, src), ())))
            for tid, name in themes
            for src in SOURCES
        ]


def _replace_item_codings(db, valid_themes: set[int], source: str, key: str, wanted: set[int]) -> int:
    """Make one item carry exactly the wanted themes; 1 if anything changed."""
    marks = ",".join("?" * len(valid_themes))
    current = (
        {
            r[0]
            for r in db.execute(
                f"SELECT theme_id FROM codings WHERE source = ? AND item_key = ? AND theme_id IN ({marks})",
                [source, key, *valid_themes],
            )
        }
        if valid_themes
        else set()
    )
    for theme_id in current - wanted:
        db.execute("DELETE FROM codings WHERE theme_id = ? AND source = ? AND item_key = ?", [theme_id, source, key])
    now = utc_now()
    for theme_id in wanted - current:
        db.execute(
            "INSERT INTO codings (theme_id, source, item_key, created_at) VALUES (?, ?, ?, ?)",
            [theme_id, source, key, now],
        )
    return int(current != wanted)


def _theme_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise StoreError("Please give the theme a name.")
    if len(name) > THEME_MAX_CHARS:
        raise StoreError(f"A theme name can be at most {THEME_MAX_CHARS} characters.")
    return name


def _refuse_taken_name(db: Db, event_id: int, name: str, theme_id: int | None = None) -> None:
    """Refuse a name another theme of the event has, ignoring case.

    Compared in Python: SQL's lower() folds only ASCII letters in SQLite but
    every letter in PostgreSQL, so "Équipe" and "équipe" would be one theme on
    one engine and two on the other. Called inside the write transaction.
    """
    folded = name.casefold()
    rows = db.execute("SELECT id, name FROM themes WHERE event_id = ?", [event_id]).fetchall()
    if any(other != theme_id and taken.casefold() == folded for other, taken in rows):
        raise StoreError(f"There is already a theme called “{name}”.")
