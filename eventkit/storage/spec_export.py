"""Rebuild an EventSpec from the database, the inverse of writing one (editing.write_spec)."""

from __future__ import annotations

from dataclasses import replace

from eventkit.event.spec import EvaluationItemSpec, EventSpec, PollSpec, SettingsSpec, TableSpec, VignetteSpec

from .base import Db, StoreError


def build_spec(db: Db, event_id: int) -> EventSpec:
    rows = list(db.query("SELECT * FROM events WHERE id = ?", [event_id]))
    if not rows:
        raise StoreError("No such event.")
    e = rows[0]
    settings = SettingsSpec(
        premoderate=bool(e["premoderate"]),
        word_filter=tuple(w for w in e["word_filter"].split("\n") if w),
        retention_days=e["retention_days"],
        public_base_url=e["public_base_url"],
        expected_attendance=e["expected_attendance"],
    )
    return EventSpec(
        code=e["code"],
        title=e["title"],
        subtitle=e["subtitle"],
        date=e["date"],
        venue=e["venue"],
        welcome=e["welcome"],
        facilitator_passcode_hash=e["facilitator_hash"],
        settings=settings,
        polls=_polls(db, event_id),
        wall_prompts=_texts(db, "SELECT text FROM wall_prompts WHERE event_id = ? ORDER BY position", event_id),
        tables=_tables(db, event_id),
        evaluation=_evaluation(db, event_id),
        themes=_texts(db, "SELECT name FROM themes WHERE event_id = ? ORDER BY position", event_id),
    )


def _texts(db: Db, sql: str, key: int) -> tuple[str, ...]:
    return tuple(r[0] for r in db.execute(sql, [key]).fetchall())


def _polls(db: Db, event_id: int) -> tuple[PollSpec, ...]:
    rows = list(db.query("SELECT * FROM polls WHERE event_id = ? ORDER BY position", [event_id]))
    position_of = {r["id"]: i for i, r in enumerate(rows, start=1)}
    return tuple(_poll(db, r, position_of.get(r["repeat_of"])) for r in rows)


def _poll(db: Db, r: dict, repeat_of: int | None) -> PollSpec:
    poll = PollSpec(kind=r["kind"], question=r["question"], fact=r["fact"], source=r["source"], repeat_of=repeat_of)
    if r["kind"] != "choice":
        return replace(
            poll,
            true_value=_number(r["true_value"]),
            unit=r["unit"],
            min=_number(r["min_value"]),
            max=_number(r["max_value"]),
        )
    opts = list(db.query("SELECT label, is_correct FROM poll_options WHERE poll_id = ? ORDER BY position", [r["id"]]))
    correct = next((o["label"] for o in opts if o["is_correct"]), None)
    return replace(poll, options=tuple(o["label"] for o in opts), correct=correct)


def _number(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _tables(db: Db, event_id: int) -> tuple[TableSpec, ...]:
    tables = []
    for t in db.query("SELECT * FROM event_tables WHERE event_id = ? ORDER BY number", [event_id]):
        vignettes = []
        for v in db.query("SELECT * FROM vignettes WHERE table_id = ? ORDER BY position", [t["id"]]):
            prompts = _texts(db, "SELECT text FROM vignette_prompts WHERE vignette_id = ? ORDER BY position", v["id"])
            vignettes.append(VignetteSpec(v["title"], v["story"], prompts))
        tables.append(TableSpec(t["number"], t["name"], tuple(vignettes)))
    return tuple(tables)


def _evaluation(db: Db, event_id: int) -> tuple[EvaluationItemSpec, ...]:
    rows = db.query("SELECT kind, text FROM eval_items WHERE event_id = ? ORDER BY position", [event_id])
    return tuple(EvaluationItemSpec(r["kind"], r["text"]) for r in rows)
