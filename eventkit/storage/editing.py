"""Editing an event that may already have data, in place and all at once.

`update_event` brings the database in line with an edited EventSpec in
one transaction. Existing rows are updated where they stand (so votes,
notes and answers stay attached to their poll, prompt or item); rows are
matched to the edited spec first by their text (question, label, prompt,
title; table by number) and then, among the rest, by order, so editing a
question's wording keeps its votes and moving a poll keeps its votes too.
Removing something that already holds attendee data is refused.
"""

from __future__ import annotations

import sqlite_utils

from ..models import EventSpec
from .base import StoreBase, StoreError


def match_rows(old: list[tuple[int, str]], new_keys: list[str]) -> list[int | None]:
    """Pair each new key with an old row id.

    First the same key at the same place, then the same key anywhere, nearest
    first (a move), then what is left over in order (a rewording).
    """
    matched: list[int | None] = [None] * len(new_keys)
    used: set[int] = set()
    for i, key in enumerate(new_keys):
        if i < len(old) and old[i][1] == key:
            matched[i] = old[i][0]
            used.add(old[i][0])
    for i, key in enumerate(new_keys):
        if matched[i] is None:
            # with repeated texts (a repeat poll), take the nearest one
            candidates = [(abs(j - i), rid) for j, (rid, k) in enumerate(old) if k == key and rid not in used]
            hit = min(candidates)[1] if candidates else None
            if hit is not None:
                matched[i] = hit
                used.add(hit)
    leftovers = iter([rid for rid, _ in old if rid not in used])
    return [rid if rid is not None else next(leftovers, None) for rid in matched]


class EditingMixin(StoreBase):
    def update_event(self, event_id: int, spec: EventSpec) -> None:
        """Make the event match the spec, keeping attendee data; all or nothing."""
        with self.write() as db:
            if not db.execute("SELECT 1 FROM events WHERE id = ?", [event_id]).fetchone():
                raise StoreError("No such event.")
            clash = db.execute("SELECT 1 FROM events WHERE code = ? AND id != ?", [spec.code, event_id]).fetchone()
            if clash:
                raise StoreError(f"code: another event already uses {spec.code}.")
            _update_details(db, event_id, spec)
            _sync_polls(db, event_id, spec.polls)
            _sync_simple(db, event_id, "wall_prompts", "text", spec.wall_prompts, "notes", "prompt_id", "wall_prompts")
            _sync_evaluation(db, event_id, spec.evaluation)
            _sync_tables(db, event_id, spec.tables)
            _add_missing_themes(db, event_id, spec.themes)

    def duplicate_event(self, event_id: int, code: str, title: str | None = None) -> int:
        """Copy an event's set-up (no attendee data) under a new code; returns the new id."""
        from dataclasses import replace

        spec = self.export_spec(event_id)
        copy = replace(spec, code=code.strip().upper(), title=(title or f"{spec.title} (copy)").strip())
        return self.import_event(copy)


def _update_details(db: sqlite_utils.Database, event_id: int, spec: EventSpec) -> None:
    s = spec.settings
    db.execute(
        """UPDATE events SET code = ?, title = ?, subtitle = ?, date = ?, venue = ?, welcome = ?,
           facilitator_hash = ?, premoderate = ?, word_filter = ?, retention_days = ?, public_base_url = ?,
           expected_attendance = ? WHERE id = ?""",
        [
            spec.code, spec.title, spec.subtitle, spec.date, spec.venue, spec.welcome,
            spec.facilitator_passcode_hash, int(bool(s.get("premoderate"))),
            "\n".join(w.lower() for w in s.get("word_filter", [])), int(s.get("retention_days", 180)),
            s.get("public_base_url", ""), int(s.get("expected_attendance") or 0), event_id,
        ],
    )


def _count(db: sqlite_utils.Database, table: str, column: str, row_id: int) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", [row_id]).fetchone()[0]


def _sync_polls(db: sqlite_utils.Database, event_id: int, polls: list[dict]) -> None:
    old = [(r[0], r[1]) for r in db.execute("SELECT id, question FROM polls WHERE event_id = ? ORDER BY position", [event_id])]
    ids = match_rows(old, [p["question"] for p in polls])
    _refuse_removal(db, [rid for rid, _ in old if rid not in ids], "polls", "question", "votes", "poll_id", "votes")
    final: list[int] = []
    for position, (poll_id, p) in enumerate(zip(ids, polls), start=1):
        values = [p["kind"], p["question"], p.get("true_value"), p.get("unit") or "", p.get("min"),
                  p.get("max"), p.get("fact") or "", p.get("source") or ""]
        if poll_id is None:
            poll_id = db.execute(
                """INSERT INTO polls (event_id, position, kind, question, true_value, unit, min_value,
                   max_value, fact, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [event_id, position, *values],
            ).lastrowid
        else:
            kind = db.execute("SELECT kind FROM polls WHERE id = ?", [poll_id]).fetchone()[0]
            if kind != p["kind"] and _count(db, "votes", "poll_id", poll_id):
                raise StoreError(f"polls[{position}].kind: this poll already has votes, so its kind cannot change.")
            db.execute(
                """UPDATE polls SET position = ?, kind = ?, question = ?, true_value = ?, unit = ?,
                   min_value = ?, max_value = ?, fact = ?, source = ? WHERE id = ?""",
                [position, *values, poll_id],
            )
        _sync_options(db, poll_id, position, p.get("options") or [], p.get("correct"))
        final.append(poll_id)
    for poll_id, p in zip(final, polls):
        repeat = final[p["repeat_of"] - 1] if p.get("repeat_of") else None
        db.execute("UPDATE polls SET repeat_of = ? WHERE id = ?", [repeat, poll_id])


def _sync_options(db: sqlite_utils.Database, poll_id: int, poll_no: int, labels: list[str], correct: str | None) -> None:
    old = [(r[0], r[1]) for r in db.execute("SELECT id, label FROM poll_options WHERE poll_id = ? ORDER BY position", [poll_id])]
    ids = match_rows(old, labels)
    for rid, label in old:
        if rid not in ids:
            if _count(db, "votes", "option_id", rid):
                raise StoreError(f"polls[{poll_no}].options: “{label}” already has votes, so it cannot be removed.")
            db.execute("DELETE FROM poll_options WHERE id = ?", [rid])
    for position, (rid, label) in enumerate(zip(ids, labels), start=1):
        values = [position, label, int(label == correct)]
        if rid is None:
            db.execute("INSERT INTO poll_options (poll_id, position, label, is_correct) VALUES (?, ?, ?, ?)", [poll_id, *values])
        else:
            db.execute("UPDATE poll_options SET position = ?, label = ?, is_correct = ? WHERE id = ?", [*values, rid])


def _refuse_removal(db, ids: list[int], table: str, label_col: str, what: str, fk: str, child: str) -> None:
    """Delete rows that hold no attendee data; refuse (naming the row) if any does."""
    for rid in ids:
        if _count(db, child, fk, rid):
            label = db.execute(f"SELECT {label_col} FROM {table} WHERE id = ?", [rid]).fetchone()[0]
            raise StoreError(f"{table}: “{label[:60]}” already has {what}, so it cannot be removed.")
        db.execute(f"DELETE FROM {table} WHERE id = ?", [rid])


def _sync_simple(db, event_id: int, table: str, col: str, texts: list[str], what: str, fk: str, child: str) -> None:
    old = [(r[0], r[1]) for r in db.execute(f"SELECT id, {col} FROM {table} WHERE event_id = ? ORDER BY position", [event_id])]
    ids = match_rows(old, texts)
    _refuse_removal(db, [rid for rid, _ in old if rid not in ids], table, col, what, fk, child)
    for position, (rid, text) in enumerate(zip(ids, texts), start=1):
        if rid is None:
            db.execute(f"INSERT INTO {table} (event_id, position, {col}) VALUES (?, ?, ?)", [event_id, position, text])
        else:
            db.execute(f"UPDATE {table} SET position = ?, {col} = ? WHERE id = ?", [position, text, rid])


def _sync_evaluation(db: sqlite_utils.Database, event_id: int, items: list[dict]) -> None:
    old = [(r[0], r[1]) for r in db.execute("SELECT id, text FROM eval_items WHERE event_id = ? ORDER BY position", [event_id])]
    ids = match_rows(old, [i["text"] for i in items])
    _refuse_removal(db, [rid for rid, _ in old if rid not in ids], "eval_items", "text", "answers", "item_id", "eval_answers")
    for position, (rid, item) in enumerate(zip(ids, items), start=1):
        if rid is None:
            db.execute("INSERT INTO eval_items (event_id, position, kind, text) VALUES (?, ?, ?, ?)",
                       [event_id, position, item["kind"], item["text"]])
            continue
        kind = db.execute("SELECT kind FROM eval_items WHERE id = ?", [rid]).fetchone()[0]
        if kind != item["kind"] and _count(db, "eval_answers", "item_id", rid):
            raise StoreError(f"evaluation[{position}].kind: this item already has answers, so its kind cannot change.")
        db.execute("UPDATE eval_items SET position = ?, kind = ?, text = ? WHERE id = ?", [position, item["kind"], item["text"], rid])


def _sync_tables(db: sqlite_utils.Database, event_id: int, tables: list[dict]) -> None:
    old = {r[1]: r[0] for r in db.execute("SELECT id, number FROM event_tables WHERE event_id = ?", [event_id])}
    wanted = {t["number"] for t in tables}
    _refuse_removal(db, [rid for number, rid in old.items() if number not in wanted],
                    "event_tables", "name", "notes", "table_id", "table_notes")
    for t in tables:
        table_id = old.get(t["number"])
        if table_id is None:
            table_id = db.execute("INSERT INTO event_tables (event_id, number, name) VALUES (?, ?, ?)",
                                  [event_id, t["number"], t["name"]]).lastrowid
        else:
            db.execute("UPDATE event_tables SET name = ? WHERE id = ?", [t["name"], table_id])
        _sync_vignettes(db, table_id, t.get("vignettes", []))


def _sync_vignettes(db: sqlite_utils.Database, table_id: int, vignettes: list[dict]) -> None:
    old = [(r[0], r[1]) for r in db.execute("SELECT id, title FROM vignettes WHERE table_id = ? ORDER BY position", [table_id])]
    ids = match_rows(old, [v["title"] for v in vignettes])
    _refuse_removal(db, [rid for rid, _ in old if rid not in ids], "vignettes", "title", "notes", "vignette_id", "table_notes")
    for position, (rid, v) in enumerate(zip(ids, vignettes), start=1):
        if rid is None:
            rid = db.execute("INSERT INTO vignettes (table_id, position, title, story) VALUES (?, ?, ?, ?)",
                             [table_id, position, v["title"], v.get("story", "")]).lastrowid
        else:
            db.execute("UPDATE vignettes SET position = ?, title = ?, story = ? WHERE id = ?",
                       [position, v["title"], v.get("story", ""), rid])
        # Prompts are plain texts (table notes copy the prompt text), so replacing them is safe.
        db.execute("DELETE FROM vignette_prompts WHERE vignette_id = ?", [rid])
        for p_pos, text in enumerate(v.get("prompts", []), start=1):
            db.execute("INSERT INTO vignette_prompts (vignette_id, position, text) VALUES (?, ?, ?)", [rid, p_pos, text])


def _add_missing_themes(db: sqlite_utils.Database, event_id: int, themes: list[str]) -> None:
    """Themes are managed on the coding page; an edited file can only add new ones."""
    have = {r[0].lower() for r in db.execute("SELECT name FROM themes WHERE event_id = ?", [event_id])}
    start = db.execute("SELECT COALESCE(MAX(position), 0) FROM themes WHERE event_id = ?", [event_id]).fetchone()[0]
    for name in themes:
        if name.lower() not in have:
            start += 1
            have.add(name.lower())
            db.execute("INSERT INTO themes (event_id, position, name) VALUES (?, ?, ?)", [event_id, start, name])
