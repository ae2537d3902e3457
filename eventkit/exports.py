"""Data out: CSV per activity, one long-format CSV with its codebook, and a ZIP of everything.

Every file is UTF-8 with a byte-order mark (so Excel picks the right
encoding), CRLF line ends, ISO 8601 timestamps and stable column types:
integer columns are never blank, and numeric columns that can be blank are
written as floats (84.0), so pandas.read_csv reads the same dtypes whatever
the data. Participants appear only as their pseudonym (P001); every text
cell goes through text.neutralise_cell so no spreadsheet runs it.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .eventfile import dump_event_file
from .models import LIKERT_LABELS, Event
from .storage import Store
from .text import neutralise_cell

BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "int" (never blank), "float" (may be blank), "str", "datetime" (ISO 8601 text)
    description: str


def _cols(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in specs)


_PARTICIPANT = ("participant", "str", "Pseudonym of the participant (P001, P002 … in order of joining); blank for show-of-hands counts")
_TABLE = ("table_number", "int", "Table the participant sat at when exported (0 = not seated)")

FILES: dict[str, tuple[Column, ...]] = {
    "votes": _cols(
        ("poll_id", "int", "Poll id"), ("poll_position", "int", "Poll's place in the running order"),
        ("question", "str", "Poll question"), ("option_id", "int", "Option id"),
        ("option_position", "int", "Option's place in the poll"), ("option_label", "str", "Option text"),
        ("is_correct", "int", "1 when this option is the correct answer, else 0"),
        ("source", "str", "phone = a vote from a phone; show_of_hands = a count typed in by a facilitator"),
        _PARTICIPANT, _TABLE,
        ("count", "int", "Votes this row stands for: 1 for a phone vote, the counted hands for show_of_hands"),
        ("created_at", "datetime", "When the vote was first cast (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When the vote or count was last changed (ISO 8601, UTC)"),
        ("changes", "int", "How many times the participant changed their vote (0 for show_of_hands)"),
    ),
    "estimates": _cols(
        ("poll_id", "int", "Poll id"), ("poll_position", "int", "Poll's place in the running order"),
        ("question", "str", "Poll question"), _PARTICIPANT, _TABLE,
        ("value", "float", "The participant's estimate"),
        ("true_value", "float", "The real figure revealed afterwards (blank if none)"),
        ("unit", "str", "Unit of value and true_value"),
        ("created_at", "datetime", "When the estimate was first given (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When it was last changed (ISO 8601, UTC)"),
        ("changes", "int", "How many times the participant changed their estimate"),
    ),
    "wall_notes": _cols(
        ("note_id", "int", "Note id"), ("prompt_id", "int", "Wall prompt id"),
        ("prompt_position", "int", "Prompt's place on the wall"), ("prompt", "str", "Wall prompt text"),
        _PARTICIPANT, _TABLE, ("text", "str", "The note as posted"),
        ("status", "str", "Moderation state: visible = on the wall; hidden = hidden by a facilitator; "
                          "pending = waiting for approval"),
        ("held_reason", "str", "Why a note was held for approval (blank if not held)"),
        ("plus_ones", "int", "How many other participants gave it a +1"),
        ("created_at", "datetime", "When it was posted (ISO 8601, UTC)"),
    ),
    "table_notes": _cols(
        ("note_id", "int", "Table note id"), ("table_number", "int", "Table number"),
        ("table_name", "str", "Table name"), ("vignette_id", "int", "Vignette id"),
        ("vignette_position", "int", "Vignette's place at its table"), ("vignette_title", "str", "Vignette title"),
        ("prompt", "str", "Discussion prompt the note answers (blank = general)"),
        ("participant", "str", "Pseudonym of the scribe who typed the note"),
        ("text", "str", "The note"), ("created_at", "datetime", "When it was written (ISO 8601, UTC)"),
    ),
    "evaluation_scores": _cols(
        ("response_id", "int", "Evaluation response id (one per participant)"), _PARTICIPANT, _TABLE,
        ("item_id", "int", "Evaluation item id"), ("item_position", "int", "Item's place on the form"),
        ("kind", "str", "score = rating 1 (poor) to 5 (excellent); likert = agreement 1 to 5"),
        ("item", "str", "Item text"), ("value", "int", "Answer, 1 to 5"),
        ("value_label", "str", "Agreement in words for likert items: " + "; ".join(
            f"{n} = {label}" for n, label in enumerate(LIKERT_LABELS, start=1)) + "; blank for scores"),
        ("submitted_at", "datetime", "When the form was first submitted (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When it was last changed (ISO 8601, UTC)"),
    ),
    "evaluation_comments": _cols(
        ("response_id", "int", "Evaluation response id (one per participant)"), _PARTICIPANT, _TABLE,
        ("item_id", "int", "Evaluation item id"), ("item_position", "int", "Item's place on the form"),
        ("item", "str", "Question text"), ("text", "str", "The answer as written"),
        ("submitted_at", "datetime", "When the form was first submitted (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When it was last changed (ISO 8601, UTC)"),
    ),
    "participants": _cols(
        _PARTICIPANT, _TABLE, ("joined_at", "datetime", "When the device first joined (ISO 8601, UTC)"),
    ),
}

ACTIVITIES = {
    "poll_choice": "a vote on a multiple-choice poll (votes.csv)",
    "poll_estimate": "a numeric estimate (estimates.csv)",
    "wall_note": "a note on the anonymous wall (wall_notes.csv)",
    "table_note": "a scribe's note from a table discussion (table_notes.csv)",
    "evaluation_score": "a 1-5 rating on the exit evaluation (evaluation_scores.csv)",
    "evaluation_likert": "a 1-5 agreement on the exit evaluation (evaluation_scores.csv)",
    "evaluation_text": "a free-text answer on the exit evaluation (evaluation_comments.csv)",
}

LONG: tuple[Column, ...] = _cols(
    ("activity", "str", "What kind of answer the row is: " + "; ".join(f"{k} = {v}" for k, v in ACTIVITIES.items())),
    ("source", "str", "phone = typed on a phone; show_of_hands = counted in the room by a facilitator"),
    ("record_id", "int", "Id of the row in its activity's CSV (vote, note, response id); 0 for show_of_hands"),
    ("item_id", "int", "Id of what was answered: poll, wall prompt, vignette or evaluation item"),
    ("item_position", "int", "Its place in the running order, on the wall, at the table or on the form"),
    ("item", "str", "Question, wall prompt, vignette title or evaluation item"),
    ("detail", "str", "Option label for polls, discussion prompt for table notes, otherwise blank"),
    _PARTICIPANT, ("table_number", "int", "Table of the participant (table notes: the note's table); 0 = not seated"),
    ("value_num", "float", "Estimate, or 1-5 rating or agreement; for choice polls 1.0 = correct option, 0.0 = wrong, blank = poll has no correct answer"),
    ("value_text", "str", "Note or free-text answer; agreement in words for likert items"),
    ("count", "int", "Answers the row stands for: 1, or the counted hands for show_of_hands"),
    ("status", "str", "Wall notes only: visible, hidden or pending (see wall_notes.csv)"),
    ("plus_ones", "int", "Wall notes only: +1s received (0 for other activities)"),
    ("created_at", "datetime", "When the answer was given (ISO 8601, UTC)"),
)
LONG_NAME = "all_activities_long"


# --- Rows -------------------------------------------------------------------


def pseudonym(seq: int | None) -> str:
    """P001 for the first participant to join; '' for none."""
    return f"P{seq:03d}" if seq else ""


def _person(r: dict) -> dict:
    return {"participant": pseudonym(r.get("participant_seq")), "table_number": r.get("table_no") or 0}


def activity_rows(store: Store, event_id: int) -> dict[str, list[dict]]:
    """Rows for each activity CSV, keyed like FILES."""
    votes = [{**r, **_person(r), "source": "phone", "count": 1} for r in store.export_votes(event_id)]
    hands = [{**r, "source": "show_of_hands", "participant": "", "table_number": 0, "created_at": r["updated_at"],
              "changes": 0} for r in store.export_manual_counts(event_id)]
    answers = store.export_eval_answers(event_id)
    return {
        "votes": votes + hands,
        "estimates": [{**r, **_person(r)} for r in store.export_estimates(event_id)],
        "wall_notes": [{**r, **_person(r)} for r in store.export_wall_notes(event_id)],
        "table_notes": [{**r, "participant": pseudonym(r["participant_seq"])} for r in store.export_table_notes(event_id)],
        "evaluation_scores": [{**r, **_person(r), "value": r["value_int"], "value_label": _likert(r)}
                              for r in answers if r["kind"] != "text"],
        "evaluation_comments": [{**r, **_person(r), "text": r["value_text"]} for r in answers if r["kind"] == "text"],
        "participants": [_person(r) | {"joined_at": r["joined_at"]} for r in store.export_participants(event_id)],
    }


def _likert(r: dict) -> str:
    return LIKERT_LABELS[r["value_int"] - 1] if r["kind"] == "likert" else ""


def long_rows(rows: dict[str, list[dict]]) -> list[dict]:
    """Every answer of every activity in one table, in the LONG columns."""
    out: list[dict] = []
    for r in rows["votes"]:
        out.append(_long("poll_choice", r, r["poll_id"], r["poll_position"], r["question"], r["option_label"],
                         value_num=float(r["is_correct"]) if r["has_correct"] else None, count=r["count"], source=r["source"],
                         record_id=r.get("vote_id") or 0))
    for r in rows["estimates"]:
        out.append(_long("poll_estimate", r, r["poll_id"], r["poll_position"], r["question"], "",
                         value_num=r["value"], record_id=r["vote_id"]))
    for r in rows["wall_notes"]:
        out.append(_long("wall_note", r, r["prompt_id"], r["prompt_position"], r["prompt"], "", value_text=r["text"],
                         status=r["status"], plus_ones=r["plus_ones"], record_id=r["note_id"]))
    for r in rows["table_notes"]:
        out.append(_long("table_note", r, r["vignette_id"], r["vignette_position"], r["vignette_title"], r["prompt"],
                         value_text=r["text"], record_id=r["note_id"]))
    for r in rows["evaluation_scores"]:
        out.append(_long(f"evaluation_{r['kind']}", r, r["item_id"], r["item_position"], r["item"], "",
                         value_num=float(r["value"]), value_text=r["value_label"], record_id=r["response_id"],
                         created_at=r["submitted_at"]))
    for r in rows["evaluation_comments"]:
        out.append(_long("evaluation_text", r, r["item_id"], r["item_position"], r["item"], "",
                         value_text=r["text"], record_id=r["response_id"], created_at=r["submitted_at"]))
    return out


def _long(activity: str, r: dict, item_id: int, position: int, item: str, detail: str, **extra) -> dict:
    base = {"activity": activity, "source": "phone", "item_id": item_id, "item_position": position, "item": item,
            "detail": detail, "participant": r["participant"], "table_number": r["table_number"],
            "value_num": None, "value_text": "", "count": 1, "status": "", "plus_ones": 0,
            "created_at": r.get("created_at", "")}
    return base | extra


# --- Files ------------------------------------------------------------------


def csv_bytes(rows: Iterable[dict], columns: tuple[Column, ...]) -> bytes:
    """A CSV file (UTF-8 with BOM, CRLF) of the given columns, every cell typed and neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c.name), c.dtype) for c in columns])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _cell(value: object, dtype: str) -> object:
    if dtype == "int":
        return int(value or 0)
    if dtype == "float":
        return "" if value is None else float(value)  # always "84.0", so pandas reads float64
    return neutralise_cell("" if value is None else str(value))


def activity_csvs(store: Store, event_id: int) -> dict[str, bytes]:
    """File name -> CSV bytes for every activity, the long CSV and the codebook."""
    rows = activity_rows(store, event_id)
    files = {f"{name}.csv": csv_bytes(rows[name], columns) for name, columns in FILES.items()}
    files[f"{LONG_NAME}.csv"] = csv_bytes(long_rows(rows), LONG)
    files["codebook.csv"] = codebook_csv()
    files["codebook.md"] = codebook_markdown().encode("utf-8")
    return files


def read_csv(source, name: str):
    """Read one of these CSVs with pandas, text columns as text even when all blank."""
    import pandas as pd

    columns = _all_files()[name.removesuffix(".csv")]
    text = [c.name for c in columns if c.dtype in ("str", "datetime")]
    # Only a blank numeric cell is missing: a note that says "NULL" or "NaN" stays text.
    blanks = {c.name: [""] for c in columns if c.name not in text}
    return pd.read_csv(source, dtype={c: "string" for c in text}, keep_default_na=False, na_values=blanks)


def _all_files() -> dict[str, tuple[Column, ...]]:
    return {**FILES, LONG_NAME: LONG}


def codebook_csv() -> bytes:
    """The codebook as a CSV: one row per file and column."""
    cols = _cols(("file", "str", ""), ("column", "str", ""), ("dtype", "str", ""), ("description", "str", ""))
    rows = [{"file": f"{name}.csv", "column": c.name, "dtype": _PANDAS[c.dtype], "description": c.description}
            for name, columns in _all_files().items() for c in columns]
    return csv_bytes(rows, cols)


_PANDAS = {"int": "int64", "float": "float64", "str": "object (text)", "datetime": "text, ISO 8601 UTC"}


def codebook_markdown() -> str:
    """The codebook as Markdown: every file, column, type and code."""
    lines = ["# Codebook", "", "All files: UTF-8 with BOM, comma-separated, one header row. Timestamps are ISO 8601",
             "in UTC (e.g. 2016-05-18T09:30:00.000Z). Participants appear only as pseudonyms P001, P002 …,",
             "numbered per event in the order they joined; the same pseudonym means the same device in every file.",
             "Text that a spreadsheet could run as a formula (starting with = + - @, tab, CR or LF) starts with an",
             "extra apostrophe '.", "", "Read with pandas: `pd.read_csv(path)`; int columns are never blank,",
             "float columns may be blank (NaN). A text column that is blank in every row reads as float NaN;",
             "`eventkit.exports.read_csv(path, name)` passes the text dtypes for you.", ""]
    for name, columns in _all_files().items():
        lines += [f"## {name}.csv", "", "| column | type | description |", "|---|---|---|"]
        lines += [f"| {c.name} | {_PANDAS[c.dtype]} | {c.description} |" for c in columns]
        lines.append("")
    return "\n".join(lines)


def backup_bytes(store: Store, only_event: int | None = None) -> bytes:
    """A consistent copy of the database file as bytes (see Store.backup_to)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "backup.db")
        store.backup_to(path, only_event=only_event)
        with open(path, "rb") as f:
            return f.read()


def event_file_bytes(store: Store, event: Event) -> bytes:
    """The event file (YAML) that recreates the event without its answers.

    Without the facilitator passcode hash: this file goes with the data to
    analysts, who must not be able to try passcodes offline. (`python -m
    eventkit export` and the editor's Event file tab keep it, for staff.)
    """
    spec = replace(store.export_spec(event.id), facilitator_passcode_hash="")
    return dump_event_file(spec).encode("utf-8")


def zip_bytes(store: Store, event: Event) -> bytes:
    """A ZIP of every CSV, the codebook, the event file and a copy of the event's database."""
    folder = f"{event.code}-export"
    files: dict[str, bytes] = dict(activity_csvs(store, event.id))
    files[f"{event.code}.yaml"] = event_file_bytes(store, event)
    files[f"{event.code}.db"] = backup_bytes(store, only_event=event.id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(f"{folder}/{name}", data)
    return buffer.getvalue()
