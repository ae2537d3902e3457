"""Nothing injected downstream: every export is neutralised and reads back intact.

Every accepted corpus entry is posted as a wall note, a table note and an
evaluation comment. Each CSV (per activity, long format, inside the ZIP) is
read back with pandas.read_csv: a text cell equals "'" + text for formula
starters and the text itself otherwise, and no text cell could run as a
spreadsheet formula. The HTML report escapes attendee text.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from eventkit.access import security
from eventkit.models import NOTE_MAX_CHARS
from eventkit.outputs import codebook, exports
from eventkit.storage import Store
from tests.every import assert_every
from tests.hostile import corpus

FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_COLUMNS = {
    "wall_notes": "text",
    "table_notes": "text",
    "evaluation_comments": "text",
    codebook.LONG_NAME: "value_text",
}


TEXTS = corpus.accepted(NOTE_MAX_CHARS)


def expected_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTERS) else text


@pytest.fixture(scope="module")
def hostile_event(new_database, demo_spec):
    """The demo event with every accepted corpus text as a note, table note and comment (per engine)."""
    store = Store(new_database("exports"))
    event = store.get_event(store.import_event(demo_spec))
    store.set_eval_open(event.id, True)
    prompt = store.list_prompts(event.id)[0]
    vignette = store.table_by_number(event.id, 1).vignettes[0]
    comment = next(i for i in store.list_eval_items(event.id) if i.kind == "text")
    store.give_consent(vignette.table_id, store.join(event.id, security.new_token(), table_no=1).id)
    for text in TEXTS:
        me = store.join(event.id, security.new_token(), table_no=1)
        store.add_note(prompt.id, me.id, text)
        store.add_table_note(vignette.id, me.id, vignette.prompts[0], text)
        store.submit_evaluation(event.id, me.id, {comment.id: text})
    return store, event


@pytest.fixture(scope="module")
def files(hostile_event):
    store, event = hostile_event
    return exports.activity_csvs(store, event.id)


def _read(data: bytes) -> pd.DataFrame:
    # keep_default_na=False: a note that says "NULL" or "NaN" is text, not a missing value.
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.mark.parametrize("name", sorted(TEXT_COLUMNS))
def test_every_text_reads_back_neutralised_and_intact(files, name):
    frame = _read(files[f"{name}.csv"])
    column = TEXT_COLUMNS[name]
    cells = (
        frame[column].tolist()
        if name != codebook.LONG_NAME
        else frame.loc[frame["activity"].isin(["wall_note", "table_note", "evaluation_text"]), column].tolist()
    )
    copies = 3 if name == codebook.LONG_NAME else 1
    assert sorted(cells) == sorted(expected_cell(t) for t in TEXTS for _ in range(copies))


def test_no_text_cell_could_run_as_a_formula(files):
    def check(name: str) -> None:
        columns = dict(codebook.all_files()).get(name)
        frame = _read(files[f"{name}.csv"])
        text_cols = [c.name for c in columns if c.dtype in ("str", "datetime")] if columns else list(frame.columns)
        for col in text_cols:
            bad = [v for v in frame[col] if v.startswith(FORMULA_STARTERS)]
            assert not bad, f"{name}.{col}: {bad[:3]!r}"

    assert_every([(n, n) for n in sorted(codebook.FILES) + [codebook.LONG_NAME, "codebook"]], check)


def test_the_zip_holds_the_same_neutralised_files(hostile_event, files):
    store, event = hostile_event
    with zipfile.ZipFile(io.BytesIO(exports.zip_bytes(store, event))) as zf:
        inside = {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}
    for name, data in files.items():
        assert inside[name] == data, name


def test_the_documented_reader_keeps_hostile_texts(files):
    """exports.read_csv, the helper the codebook recommends, gives the same cells (NA-like words included)."""
    frame = exports.read_csv(io.BytesIO(files["wall_notes.csv"]), "wall_notes")
    cells = [("" if pd.isna(v) else v) for v in frame["text"]]
    lost = sorted(set(expected_cell(t) for t in TEXTS) - set(cells))
    assert not lost, f"read back as missing values: {lost!r}"


def test_report_escapes_attendee_text(hostile_event):
    from eventkit.outputs import report

    store, event = hostile_event
    html = report.build_report(store, event.id)
    import html as htmllib

    for payload in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
        '<a href="javascript:alert(1)">click</a>',
    ):
        assert payload in TEXTS, "the payload was posted"
        assert payload not in html
        assert htmllib.escape(payload) in html, "the report shows it, escaped (not left out)"
