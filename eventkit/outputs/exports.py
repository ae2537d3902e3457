"""Data out: CSV per activity, one long-format CSV with its codebook, and a ZIP of everything.

Every file is UTF-8 with a byte-order mark (so Excel picks the right
encoding), CRLF line ends, ISO 8601 timestamps and stable column types:
integer columns are never blank, and numeric columns that can be blank are
written as floats (84.0), so pandas.read_csv reads the same dtypes whatever
the data; a whole number that can be blank (table_number: not seated) is
written as 3 or nothing, and read_csv here reads it as pandas' Int64. Participants appear only as their pseudonym (P001); every text
cell goes through text.neutralise_cell so no spreadsheet runs it.

The columns and the codebook are in eventkit.outputs.codebook, the rows in
eventkit.outputs.rows; this module writes the files.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import replace

from eventkit.event.file import dump_event_file
from eventkit.models import Event
from eventkit.outputs.codebook import (
    FILES,
    LONG,
    LONG_NAME,
    PANDAS_TYPES,
    Column,
    all_files,
    codebook_markdown,
    define_columns,
)
from eventkit.outputs.rows import activity_rows, long_rows
from eventkit.storage import Store
from eventkit.storage.coding import SOURCE_LABELS, MatrixCell
from eventkit.text import neutralise_cell

BOM = "\ufeff"


def csv_bytes(rows: Iterable[dict], columns: tuple[Column, ...]) -> bytes:
    """A CSV file (UTF-8 with BOM, CRLF) of the given columns, every cell typed and neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c.name), c.dtype) for c in columns])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _cell(value: int | float | str | None, dtype: str) -> object:
    if dtype == "int":
        return int(value or 0)
    if dtype == "whole":
        return "" if value is None else int(value)  # blank, not 0: "no table" is not a table
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

    columns = all_files()[name.removesuffix(".csv")]
    text = [c.name for c in columns if c.dtype in ("str", "datetime")]
    # Only a blank numeric cell is missing: a note that says "NULL" or "NaN" stays text.
    blanks = {c.name: [""] for c in columns if c.name not in text}
    types = {c: "string" for c in text} | {c.name: "Int64" for c in columns if c.dtype == "whole"}
    return pd.read_csv(source, dtype=types, keep_default_na=False, na_values=blanks)


def codebook_csv() -> bytes:
    """The codebook as a CSV: one row per file and column."""
    cols = define_columns(("file", "str", ""), ("column", "str", ""), ("dtype", "str", ""), ("description", "str", ""))
    rows = [
        {"file": f"{name}.csv", "column": c.name, "dtype": PANDAS_TYPES[c.dtype], "description": c.description}
        for name, columns in all_files().items()
        for c in columns
    ]
    return csv_bytes(rows, cols)


MATRIX: tuple[Column, ...] = define_columns(
    ("theme", "str", "Theme"),
    ("source", "str", "Where the coded texts come from (wall notes, table notes, evaluation comments)"),
    ("count", "int", "How many texts of this source have the theme"),
    ("text", "str", "One of those texts; blank for a theme with none"),
)


def matrix_csv(cells: list[MatrixCell]) -> bytes:
    """The coding page's analysis matrix with its texts: one row per theme, source and text."""
    rows = [
        {"theme": c.theme, "source": SOURCE_LABELS[c.source], "count": c.count, "text": t}
        for c in cells
        for t in (c.texts or ("",))
        if c.count or t
    ]
    return csv_bytes(rows, MATRIX)


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
    """A ZIP of every CSV, the codebook, the event file and a copy of the event's database.

    All from one moment, even while attendees answer: the event's database
    copy is made first (read from one snapshot, see Store.backup_to), and
    the CSVs and the event file are read from that copy, not from the
    live database.
    """
    folder = f"{event.code}-export"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "event.db")
        store.backup_to(path, only_event=event.id)
        with open(path, "rb") as f:
            database = f.read()
        copy = Store(path)
        try:
            files: dict[str, bytes] = dict(activity_csvs(copy, event.id))
            files[f"{event.code}.yaml"] = event_file_bytes(copy, event)
        finally:
            copy.close()
    files[f"{event.code}.db"] = database
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(f"{folder}/{name}", data)
    return buffer.getvalue()
