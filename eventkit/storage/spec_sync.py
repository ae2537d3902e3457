"""Bringing each part of an event's rows in line with a spec, for editing.write_spec.

Rows are matched to the spec first by their text and then, among the rest,
by order (match_rows), and updated where they stand, so attendee data stays
attached; an old row left over is removed, unless it holds attendee data
(HELD_DATA), which is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventkit.event.spec import EvaluationItemSpec, EventSpec, PollSpec, TableSpec, VignetteSpec

from .base import Db, StoreError
from .staff import forget_facilitator_sign_ins

# Rows an edit may remove: (their label column, what attendee data they hold, its table and column).
HELD_DATA = {
    "polls": ("question", "votes", "votes", "poll_id"),
    "wall_prompts": ("text", "notes", "notes", "prompt_id"),
    "eval_items": ("text", "answers", "eval_answers", "item_id"),
    "event_tables": ("name", "notes", "table_notes", "table_id"),
    "vignettes": ("title", "notes", "table_notes", "vignette_id"),
}


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


def _insert(db: Db, sql: str, params: list) -> int:
    """Run an INSERT and return the new row's id."""
    return db.execute(f"{sql} RETURNING id", params).fetchall()[0][0]


def _rows(db: Db, sql: str, key: int) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute(sql, [key]).fetchall()]


def _count(db: Db, table: str, column: str, row_id: int) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", [row_id]).fetchone()[0]


def _match(db: Db, table: str, old: list[tuple[int, str]], keys: list[str]) -> list[int | None]:
    """Old row ids for the new keys (match_rows); the old rows left over are removed."""
    ids = match_rows(old, keys)
    _remove_unmatched(db, table, old, ids)
    return ids


def _remove_unmatched(db: Db, table: str, old: Sequence[tuple[int, object]], ids: Sequence[int | None]) -> None:
    """Delete the old rows not kept; refuse (naming the row) if one holds attendee data."""
    label, what, child, fk = HELD_DATA[table]
    for rid in [rid for rid, _ in old if rid not in ids]:
        if _count(db, child, fk, rid):
            text = db.execute(f"SELECT {label} FROM {table} WHERE id = ?", [rid]).fetchone()[0]
            raise StoreError(f"{table}: “{text[:60]}” already has {what}, so it cannot be removed.")
        db.execute(f"DELETE FROM {table} WHERE id = ?", [rid])


def _refuse_kind_change(db: Db, table: str, row_id: int, kind: str, message: str) -> None:
    _, _, child, fk = HELD_DATA[table]
    if db.execute(f"SELECT kind FROM {table} WHERE id = ?", [row_id]).fetchone()[0] != kind and _count(
        db, child, fk, row_id
    ):
        raise StoreError(message)


def _write_details(db: Db, event_id: int, spec: EventSpec) -> None:
    s = spec.settings
    old_hash = db.execute("SELECT facilitator_hash FROM events WHERE id = ?", [event_id]).fetchone()[0]
    if old_hash != spec.facilitator_passcode_hash:
        forget_facilitator_sign_ins(db, event_id)
    db.execute(
        """UPDATE events SET code = ?, title = ?, subtitle = ?, date = ?, venue = ?, welcome = ?,
           facilitator_hash = ?, premoderate = ?, word_filter = ?, retention_days = ?, public_base_url = ?,
           expected_attendance = ? WHERE id = ?""",
        [
            spec.code,
            spec.title,
            spec.subtitle,
            spec.date,
            spec.venue,
            spec.welcome,
            spec.facilitator_passcode_hash,
            int(s.premoderate),
            "\n".join(w.lower() for w in s.word_filter),
            int(s.retention_days),
            s.public_base_url,
            int(s.expected_attendance or 0),
            event_id,
        ],
    )


def _sync_polls(db: Db, event_id: int, polls: tuple[PollSpec, ...]) -> None:
    old = _rows(db, "SELECT id, question FROM polls WHERE event_id = ? ORDER BY position", event_id)
    ids = _match(db, "polls", old, [p.question for p in polls])
    final = [
        _write_poll(db, event_id, rid, position, p)
        for position, (rid, p) in enumerate(zip(ids, polls, strict=True), start=1)
    ]
    for poll_id, p in zip(final, polls, strict=True):
        repeat = final[p.repeat_of - 1] if p.repeat_of else None
        db.execute("UPDATE polls SET repeat_of = ? WHERE id = ?", [repeat, poll_id])


def _write_poll(db: Db, event_id: int, poll_id: int | None, position: int, p: PollSpec) -> int:
    values = [p.kind, p.question, p.true_value, p.unit, p.min, p.max, p.fact, p.source]
    if poll_id is None:
        poll_id = _insert(
            db,
            """INSERT INTO polls (event_id, position, kind, question, true_value, unit, min_value,
                                 max_value, fact, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [event_id, position, *values],
        )
    else:
        _refuse_kind_change(
            db,
            "polls",
            poll_id,
            p.kind,
            f"polls[{position}].kind: this poll already has votes, so its kind cannot change.",
        )
        db.execute(
            """UPDATE polls SET position = ?, kind = ?, question = ?, true_value = ?, unit = ?,
                      min_value = ?, max_value = ?, fact = ?, source = ? WHERE id = ?""",
            [position, *values, poll_id],
        )
    _sync_options(db, poll_id, position, p.options, p.correct)
    return poll_id


def _sync_options(db: Db, poll_id: int, poll_no: int, labels: tuple[str, ...], correct: str | None) -> None:
    old = _rows(db, "SELECT id, label FROM poll_options WHERE poll_id = ? ORDER BY position", poll_id)
    ids = match_rows(old, list(labels))
    for rid, label in old:
        if rid not in ids:
            if _count(db, "votes", "option_id", rid):
                raise StoreError(f"polls[{poll_no}].options: “{label}” already has votes, so it cannot be removed.")
            db.execute("DELETE FROM poll_options WHERE id = ?", [rid])
    for position, (kept_id, label) in enumerate(zip(ids, labels, strict=True), start=1):
        values = [position, label, int(label == correct)]
        if kept_id is None:
            db.execute(
                "INSERT INTO poll_options (poll_id, position, label, is_correct) VALUES (?, ?, ?, ?)",
                [poll_id, *values],
            )
        else:
            db.execute(
                "UPDATE poll_options SET position = ?, label = ?, is_correct = ? WHERE id = ?", [*values, kept_id]
            )


def _sync_wall_prompts(db: Db, event_id: int, texts: tuple[str, ...]) -> None:
    old = _rows(db, "SELECT id, text FROM wall_prompts WHERE event_id = ? ORDER BY position", event_id)
    for position, (rid, text) in enumerate(
        zip(_match(db, "wall_prompts", old, list(texts)), texts, strict=True), start=1
    ):
        if rid is None:
            db.execute(
                "INSERT INTO wall_prompts (event_id, position, text) VALUES (?, ?, ?)", [event_id, position, text]
            )
        else:
            db.execute("UPDATE wall_prompts SET position = ?, text = ? WHERE id = ?", [position, text, rid])


def _sync_evaluation(db: Db, event_id: int, items: tuple[EvaluationItemSpec, ...]) -> None:
    old = _rows(db, "SELECT id, text FROM eval_items WHERE event_id = ? ORDER BY position", event_id)
    for position, (rid, item) in enumerate(
        zip(_match(db, "eval_items", old, [i.text for i in items]), items, strict=True), start=1
    ):
        if rid is None:
            db.execute(
                "INSERT INTO eval_items (event_id, position, kind, text) VALUES (?, ?, ?, ?)",
                [event_id, position, item.kind, item.text],
            )
            continue
        _refuse_kind_change(
            db,
            "eval_items",
            rid,
            item.kind,
            f"evaluation[{position}].kind: this item already has answers, so its kind cannot change.",
        )
        db.execute(
            "UPDATE eval_items SET position = ?, kind = ?, text = ? WHERE id = ?", [position, item.kind, item.text, rid]
        )


def _sync_tables(db: Db, event_id: int, tables: tuple[TableSpec, ...]) -> None:
    old: list[tuple[int, int]] = [
        (rid, number)
        for rid, number in db.execute("SELECT id, number FROM event_tables WHERE event_id = ?", [event_id]).fetchall()
    ]
    by_number = {number: rid for rid, number in old}
    ids = [by_number.get(t.number) for t in tables]  # a table is known by its number
    _remove_unmatched(db, "event_tables", old, ids)
    for table_id, t in zip(ids, tables, strict=True):
        if table_id is None:
            table_id = _insert(
                db, "INSERT INTO event_tables (event_id, number, name) VALUES (?, ?, ?)", [event_id, t.number, t.name]
            )
        else:
            db.execute("UPDATE event_tables SET name = ? WHERE id = ?", [t.name, table_id])
        _sync_vignettes(db, table_id, t.vignettes)


def _sync_vignettes(db: Db, table_id: int, vignettes: tuple[VignetteSpec, ...]) -> None:
    old = _rows(db, "SELECT id, title FROM vignettes WHERE table_id = ? ORDER BY position", table_id)
    for position, (rid, v) in enumerate(
        zip(_match(db, "vignettes", old, [v.title for v in vignettes]), vignettes, strict=True), start=1
    ):
        if rid is None:
            rid = _insert(
                db,
                "INSERT INTO vignettes (table_id, position, title, story) VALUES (?, ?, ?, ?)",
                [table_id, position, v.title, v.story],
            )
        else:
            db.execute(
                "UPDATE vignettes SET position = ?, title = ?, story = ? WHERE id = ?",
                [position, v.title, v.story, rid],
            )
        # Prompts are plain texts (table notes copy the prompt text), so replacing them is safe.
        db.execute("DELETE FROM vignette_prompts WHERE vignette_id = ?", [rid])
        for p_pos, text in enumerate(v.prompts, start=1):
            db.execute(
                "INSERT INTO vignette_prompts (vignette_id, position, text) VALUES (?, ?, ?)", [rid, p_pos, text]
            )


def _add_missing_themes(db: Db, event_id: int, themes: tuple[str, ...]) -> None:
    """Themes are managed on the coding page; an edited file can only add new ones."""
    have = {r[0].lower() for r in db.execute("SELECT name FROM themes WHERE event_id = ?", [event_id])}
    start = db.execute("SELECT COALESCE(MAX(position), 0) FROM themes WHERE event_id = ?", [event_id]).fetchone()[0]
    for name in themes:
        if name.lower() not in have:
            start += 1
            have.add(name.lower())
            db.execute("INSERT INTO themes (event_id, position, name) VALUES (?, ?, ?)", [event_id, start, name])
