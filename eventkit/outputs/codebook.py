"""The codebook: every export file's columns, their types and what they mean.

eventkit.outputs.rows fills these columns and eventkit.outputs.exports writes them;
the codebook (Markdown here, CSV in exports) is made from the same table, so
it always says what the files hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventkit.models import LIKERT_LABELS


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "int" (never blank), "whole" (a whole number or blank), "float" (may be blank), "str", "datetime"
    description: str


def define_columns(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    """Columns from (name, dtype, description) triples."""
    return tuple(Column(*s) for s in specs)


# Set-aside devices are left out, not flagged: a flag column is easy to miss when rows are
# summed in a spreadsheet, and the files must add up to the results shown at the event.
SET_ASIDE_NOTE = (
    "Devices a facilitator set aside (a flood of devices that joined in a few minutes) are left out of every "
    "file, so the rows add up to the results shown at the event; their pseudonyms are missing from the "
    "numbering. Their answers are kept in the event's database copy (CODE.db in the ZIP, table set_asides and "
    "participants.set_aside_id) and return to the files if the facilitator restores them."
)

_PARTICIPANT = (
    "participant",
    "str",
    "Pseudonym of the participant (P001, P002 … in order of joining); blank for show-of-hands counts",
)
_TABLE = (
    "table_number",
    "whole",
    "Table the participant sat at when exported; blank = not seated (and for show-of-hands counts)",
)

FILES: dict[str, tuple[Column, ...]] = {
    "votes": define_columns(
        ("poll_id", "int", "Poll id"),
        ("poll_position", "int", "Poll's place in the running order"),
        ("question", "str", "Poll question"),
        ("option_id", "int", "Option id"),
        ("option_position", "int", "Option's place in the poll"),
        ("option_label", "str", "Option text"),
        ("is_correct", "int", "1 when this option is the correct answer, else 0"),
        ("source", "str", "phone = a vote from a phone; show_of_hands = a count typed in by a facilitator"),
        _PARTICIPANT,
        _TABLE,
        ("count", "int", "Votes this row stands for: 1 for a phone vote, the counted hands for show_of_hands"),
        ("created_at", "datetime", "When the vote was first cast (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When the vote or count was last changed (ISO 8601, UTC)"),
        ("changes", "int", "How many times the participant changed their vote (0 for show_of_hands)"),
    ),
    "estimates": define_columns(
        ("poll_id", "int", "Poll id"),
        ("poll_position", "int", "Poll's place in the running order"),
        ("question", "str", "Poll question"),
        _PARTICIPANT,
        _TABLE,
        ("value", "float", "The participant's estimate"),
        ("true_value", "float", "The real figure revealed afterwards (blank if none)"),
        ("unit", "str", "Unit of value and true_value"),
        ("created_at", "datetime", "When the estimate was first given (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When it was last changed (ISO 8601, UTC)"),
        ("changes", "int", "How many times the participant changed their estimate"),
    ),
    "wall_notes": define_columns(
        ("note_id", "int", "Note id"),
        ("prompt_id", "int", "Wall prompt id"),
        ("prompt_position", "int", "Prompt's place on the wall"),
        ("prompt", "str", "Wall prompt text"),
        _PARTICIPANT,
        _TABLE,
        ("text", "str", "The note as posted"),
        (
            "status",
            "str",
            "Moderation state: visible = on the wall; hidden = hidden by a facilitator; pending = waiting for approval",
        ),
        ("held_reason", "str", "Why a note was held for approval (blank if not held)"),
        ("plus_ones", "int", "How many other participants gave it a +1"),
        ("created_at", "datetime", "When it was posted (ISO 8601, UTC)"),
    ),
    "table_notes": define_columns(
        ("note_id", "int", "Table note id"),
        ("table_number", "int", "Table number"),
        ("table_name", "str", "Table name"),
        ("vignette_id", "int", "Vignette id"),
        ("vignette_position", "int", "Vignette's place at its table"),
        ("vignette_title", "str", "Vignette title"),
        ("prompt", "str", "Discussion prompt the note answers (blank = general)"),
        ("participant", "str", "Pseudonym of the scribe who typed the note"),
        ("text", "str", "The note"),
        ("created_at", "datetime", "When it was written (ISO 8601, UTC)"),
    ),
    "evaluation_scores": define_columns(
        ("response_id", "int", "Evaluation response id (one per participant)"),
        _PARTICIPANT,
        _TABLE,
        ("item_id", "int", "Evaluation item id"),
        ("item_position", "int", "Item's place on the form"),
        ("kind", "str", "score = rating 1 (poor) to 5 (excellent); likert = agreement 1 to 5"),
        ("item", "str", "Item text"),
        ("value", "int", "Answer, 1 to 5"),
        (
            "value_label",
            "str",
            "Agreement in words for likert items: "
            + "; ".join(f"{n} = {label}" for n, label in enumerate(LIKERT_LABELS, start=1))
            + "; blank for scores",
        ),
        ("submitted_at", "datetime", "When the form was first submitted (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When it was last changed (ISO 8601, UTC)"),
    ),
    "evaluation_comments": define_columns(
        ("response_id", "int", "Evaluation response id (one per participant)"),
        _PARTICIPANT,
        _TABLE,
        ("item_id", "int", "Evaluation item id"),
        ("item_position", "int", "Item's place on the form"),
        ("item", "str", "Question text"),
        ("text", "str", "The answer as written"),
        ("submitted_at", "datetime", "When the form was first submitted (ISO 8601, UTC)"),
        ("updated_at", "datetime", "When it was last changed (ISO 8601, UTC)"),
    ),
    "participants": define_columns(
        _PARTICIPANT,
        _TABLE,
        ("joined_at", "datetime", "When the device first joined (ISO 8601, UTC)"),
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

LONG: tuple[Column, ...] = define_columns(
    ("activity", "str", "What kind of answer the row is: " + "; ".join(f"{k} = {v}" for k, v in ACTIVITIES.items())),
    ("source", "str", "phone = typed on a phone; show_of_hands = counted in the room by a facilitator"),
    ("record_id", "int", "Id of the row in its activity's CSV (vote, note, response id); 0 for show_of_hands"),
    ("item_id", "int", "Id of what was answered: poll, wall prompt, vignette or evaluation item"),
    ("item_position", "int", "Its place in the running order, on the wall, at the table or on the form"),
    ("item", "str", "Question, wall prompt, vignette title or evaluation item"),
    ("detail", "str", "Option label for polls, discussion prompt for table notes, otherwise blank"),
    _PARTICIPANT,
    ("table_number", "whole", "Table of the participant (table notes: the note's table); blank = not seated"),
    (
        "value_num",
        "float",
        "Estimate, or 1-5 rating or agreement; for choice polls 1.0 = correct option, 0.0 = wrong, blank = poll has no correct answer",
    ),
    ("value_text", "str", "Note or free-text answer; agreement in words for likert items"),
    ("count", "int", "Answers the row stands for: 1, or the counted hands for show_of_hands"),
    ("status", "str", "Wall notes only: visible, hidden or pending (see wall_notes.csv)"),
    ("plus_ones", "int", "Wall notes only: +1s received (0 for other activities)"),
    ("created_at", "datetime", "When the answer was given (ISO 8601, UTC)"),
)
LONG_NAME = "all_activities_long"


def all_files() -> dict[str, tuple[Column, ...]]:
    """Every CSV's name (without .csv) and columns: the activity files and the long file."""
    return {**FILES, LONG_NAME: LONG}


PANDAS_TYPES = {
    "int": "int64",
    "whole": "Int64 (blank = none)",
    "float": "float64",
    "str": "object (text)",
    "datetime": "text, ISO 8601 UTC",
}


def codebook_markdown() -> str:
    """The codebook as Markdown: every file, column, type and code."""
    lines = [
        "# Codebook",
        "",
        "All files: UTF-8 with BOM, comma-separated, one header row. Timestamps are ISO 8601",
        "in UTC (e.g. 2016-05-18T09:30:00.000Z). Participants appear only as pseudonyms P001, P002 …,",
        "numbered per event in the order they joined; the same pseudonym means the same device in every file.",
        SET_ASIDE_NOTE,
        "Text that a spreadsheet could run as a formula (starting with = + - @, tab, CR or LF) starts with an",
        "extra apostrophe '.",
        "",
        "Read with pandas: `pd.read_csv(path)`; int columns are never blank,",
        "float columns may be blank (NaN). Int64 columns are whole numbers that may be blank (table_number",
        "is blank for anyone not seated): plain `pd.read_csv` reads them as float64 when a cell is blank.",
        "A text column that is blank in every row reads as float NaN;",
        "`eventkit.outputs.exports.read_csv(path, name)` passes the text and Int64 dtypes for you.",
        "",
    ]
    for name, columns in all_files().items():
        lines += [f"## {name}.csv", "", "| column | type | description |", "|---|---|---|"]
        lines += [f"| {c.name} | {PANDAS_TYPES[c.dtype]} | {c.description} |" for c in columns]
        lines.append("")
    return "\n".join(lines)
