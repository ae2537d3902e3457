"""Rebuild an EventSpec from the database, the inverse of import_event."""

from __future__ import annotations

import sqlite_utils

from ..models import EventSpec
from .base import StoreError


def build_spec(db: sqlite_utils.Database, event_id: int) -> EventSpec:
    rows = list(db.query("SELECT * FROM events WHERE id = ?", [event_id]))
    if not rows:
        raise StoreError("No such event.")
    e = rows[0]
    settings = {
        "premoderate": bool(e["premoderate"]),
        "word_filter": [w for w in e["word_filter"].split("\n") if w],
        "retention_days": e["retention_days"],
    }
    if e["public_base_url"]:
        settings["public_base_url"] = e["public_base_url"]
    if e["expected_attendance"]:
        settings["expected_attendance"] = e["expected_attendance"]
    return EventSpec(
        code=e["code"], title=e["title"], subtitle=e["subtitle"], date=e["date"],
        venue=e["venue"], welcome=e["welcome"], facilitator_passcode_hash=e["facilitator_hash"],
        settings=settings, polls=_polls(db, event_id),
        wall_prompts=_texts(db, "SELECT text FROM wall_prompts WHERE event_id = ? ORDER BY position", event_id),
        tables=_tables(db, event_id), evaluation=_evaluation(db, event_id),
        themes=_texts(db, "SELECT name FROM themes WHERE event_id = ? ORDER BY position", event_id),
    )


def _texts(db: sqlite_utils.Database, sql: str, key: int) -> list[str]:
    return [r[0] for r in db.execute(sql, [key]).fetchall()]


def _polls(db: sqlite_utils.Database, event_id: int) -> list[dict]:
    rows = list(db.query("SELECT * FROM polls WHERE event_id = ? ORDER BY position", [event_id]))
    position_of = {r["id"]: i for i, r in enumerate(rows, start=1)}
    polls = []
    for r in rows:
        p: dict = {"kind": r["kind"], "question": r["question"]}
        if r["kind"] == "choice":
            opts = list(db.query("SELECT label, is_correct FROM poll_options WHERE poll_id = ? ORDER BY position", [r["id"]]))
            p["options"] = [o["label"] for o in opts]
            correct = [o["label"] for o in opts if o["is_correct"]]
            if correct:
                p["correct"] = correct[0]
        else:
            for key, col in (("true_value", "true_value"), ("min", "min_value"), ("max", "max_value")):
                if r[col] is not None:
                    p[key] = _number(r[col])
            if r["unit"]:
                p["unit"] = r["unit"]
        for key in ("fact", "source"):
            if r[key]:
                p[key] = r[key]
        if r["repeat_of"] in position_of:
            p["repeat_of"] = position_of[r["repeat_of"]]
        polls.append(p)
    return polls


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _tables(db: sqlite_utils.Database, event_id: int) -> list[dict]:
    tables = []
    for t in db.query("SELECT * FROM event_tables WHERE event_id = ? ORDER BY number", [event_id]):
        vignettes = []
        for v in db.query("SELECT * FROM vignettes WHERE table_id = ? ORDER BY position", [t["id"]]):
            prompts = _texts(db, "SELECT text FROM vignette_prompts WHERE vignette_id = ? ORDER BY position", v["id"])
            vignettes.append({"title": v["title"], "story": v["story"], "prompts": prompts})
        tables.append({"number": t["number"], "name": t["name"], "vignettes": vignettes})
    return tables


def _evaluation(db: sqlite_utils.Database, event_id: int) -> list[dict]:
    rows = db.query("SELECT kind, text FROM eval_items WHERE event_id = ? ORDER BY position", [event_id])
    return [{"kind": r["kind"], "text": r["text"]} for r in rows]
