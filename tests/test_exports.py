"""Exports: every CSV round-trips through pandas with stable types, is formula-safe and token-free."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest

from eventkit.access.security import token_hash
from eventkit.cli import main as cli
from eventkit.outputs import codebook, exports
from eventkit.storage import Store, StoreError
from tests.engines import db_bytes

TOKENS = [f"tok-{i:02d}-abcdefghijklmnopq" for i in range(6)]
PAYLOADS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A9)"]
CSV_NAMES = [*codebook.FILES, codebook.LONG_NAME]


@pytest.fixture
def filled(demo):
    """(store, event, files): the demo event with answers in every activity, some hostile."""
    store, event = demo
    people = [store.join(event.id, t, table_no=i % 4 + 1) for i, t in enumerate(TOKENS)]
    polls = store.list_polls(event.id)
    for poll in polls:
        store.set_poll_state(poll.id, "open")
    for i, person in enumerate(people):
        for poll in polls:
            if poll.kind == "choice":
                store.cast_vote(poll.id, person.id, poll.options[i % len(poll.options)].id)
            else:
                store.cast_estimate(poll.id, person.id, float(10 + i))
    choice = next(p for p in polls if p.kind == "choice")
    store.set_manual_counts(choice.id, {choice.options[0].id: 5, choice.options[-1].id: 7})
    prompts = store.list_prompts(event.id)
    notes = [store.add_note(prompts[0].id, people[i].id, text) for i, text in enumerate(PAYLOADS)]
    store.plus_one(notes[1].id, people[5].id)
    store.set_note_status(notes[2].id, "hidden")
    table = store.list_tables(event.id)[0]
    vignette = table.vignettes[0]
    store.give_consent(table.id, people[0].id)  # table notes are recorded only with consent
    for text in PAYLOADS:
        store.add_table_note(vignette.id, people[0].id, vignette.prompts[0], text)
    store.set_eval_open(event.id, True)
    items = store.list_eval_items(event.id)
    for i, person in enumerate(people[: len(PAYLOADS)]):
        store.submit_evaluation(
            event.id, person.id, {it.id: (PAYLOADS[i] if it.kind == "text" else i + 2) for it in items}
        )
    return store, event, exports.activity_csvs(store, event.id)


def _read(files: dict[str, bytes], name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(files[f"{name}.csv"]))


@pytest.mark.parametrize("name", CSV_NAMES)
def test_csv_round_trips_through_pandas_with_typed_columns(filled, name):
    _, _, files = filled
    frame = _read(files, name)
    columns = codebook.all_files()[name]
    assert list(frame.columns) == [c.name for c in columns]
    assert len(frame) > 0
    for col in columns:
        if col.dtype == "int":
            assert frame[col.name].dtype == "int64", col.name
        elif col.dtype == "float":
            assert frame[col.name].dtype == "float64", col.name
        elif col.dtype == "whole":  # float64 only when a cell is blank
            assert frame[col.name].dtype in ("int64", "float64"), col.name
        elif col.dtype == "datetime":
            assert pd.to_datetime(frame[col.name], format="ISO8601", utc=True).notna().all(), col.name
        elif frame[col.name].notna().any():
            assert not pd.api.types.is_numeric_dtype(frame[col.name]), col.name


@pytest.mark.parametrize("name", CSV_NAMES)
def test_csv_is_utf8_with_bom_and_read_csv_helper_keeps_text_as_text(filled, name):
    _, _, files = filled
    data = files[f"{name}.csv"]
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    frame = exports.read_csv(io.BytesIO(data), name)
    text_cols = [c.name for c in codebook.all_files()[name] if c.dtype in ("str", "datetime")]
    assert all(frame[c].dtype == "string" for c in text_cols)


def test_no_table_is_blank_not_table_0_and_the_codebook_says_so(demo):
    store, event = demo
    unseated = store.join(event.id, TOKENS[0])
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    store.cast_vote(poll.id, unseated.id, poll.options[0].id)
    store.set_manual_counts(poll.id, {poll.options[1].id: 3})  # show of hands: nobody's table either
    files = exports.activity_csvs(store, event.id)
    for name in ("votes", codebook.LONG_NAME):
        raw = pd.read_csv(io.BytesIO(files[f"{name}.csv"]), dtype=str, keep_default_na=False)
        assert list(raw["table_number"]) == ["", ""], name
        typed = exports.read_csv(io.BytesIO(files[f"{name}.csv"]), name)
        assert str(typed["table_number"].dtype) == "Int64", name
    said = [c.description for c in codebook.all_files()["votes"] if c.name == "table_number"]
    assert "blank = not seated" in said[0]
    assert "0 = not seated" not in files["codebook.md"].decode()


def test_empty_event_still_gives_headers_and_typed_files(store, demo_spec):
    event = store.get_event(store.import_event(demo_spec))
    files = exports.activity_csvs(store, event.id)
    for name in CSV_NAMES:
        frame = exports.read_csv(io.BytesIO(files[f"{name}.csv"]), name)
        assert len(frame) == 0 and list(frame.columns) == [c.name for c in codebook.all_files()[name]]


@pytest.mark.parametrize(
    "name,column",
    [
        ("wall_notes", "text"),
        ("table_notes", "text"),
        ("evaluation_comments", "text"),
        (codebook.LONG_NAME, "value_text"),
    ],
)
def test_formula_payloads_come_back_with_a_leading_apostrophe(filled, name, column):
    _, _, files = filled
    cells = set(_read(files, name)[column].dropna())
    for payload in PAYLOADS:
        assert "'" + payload in cells
        assert payload not in cells


@pytest.mark.parametrize("payload", [*PAYLOADS, "\tcmd", "\rcmd", "\ncmd"])
def test_csv_writer_neutralises_every_formula_starter(payload):
    cols = codebook.define_columns(("text", "str", ""), ("n", "int", ""))
    frame = pd.read_csv(io.BytesIO(exports.csv_bytes([{"text": payload, "n": -3}], cols)))
    assert frame["text"][0] == "'" + payload
    assert frame["n"][0] == -3  # numbers are not touched


def test_no_token_appears_in_any_export_the_zip_or_the_backups(filled, tmp_path):
    store, event, files = filled
    whole = db_bytes(store) if store.is_postgres else exports.backup_bytes(store)  # PostgreSQL: pg_dump's backup
    blobs = list(files.values()) + [exports.event_file_bytes(store, event), whole]
    event_copy = exports.backup_bytes(store, only_event=event.id)
    with zipfile.ZipFile(io.BytesIO(exports.zip_bytes(store, event))) as zf:
        blobs += [zf.read(n) for n in zf.namelist()]
    for token in TOKENS:
        assert all(token.encode() not in blob for blob in blobs + [event_copy])
        assert token_hash(event.id, token).encode() not in event_copy  # the ZIP's copy drops the link hashes


def test_participants_appear_only_as_pseudonyms(filled):
    _, _, files = filled
    for name in CSV_NAMES:
        frame = _read(files, name)
        values = set(frame["participant"].dropna())
        assert values and all(re.fullmatch(r"P\d{3}", v) for v in values), name
    assert sorted(_read(files, "participants")["participant"]) == [f"P{i:03d}" for i in range(1, 7)]


def test_votes_flag_show_of_hands_and_add_up_to_the_results(filled):
    store, event, files = filled
    votes = _read(files, "votes")
    hands = votes[votes["source"] == "show_of_hands"]
    assert sorted(hands["count"]) == [5, 7] and hands["participant"].isna().all()
    for poll in (p for p in store.list_polls(event.id) if p.kind == "choice"):
        results = store.poll_results(poll.id)
        mine = votes[votes["poll_id"] == poll.id].groupby("option_id")["count"].sum()
        assert {c.option_id: c.total for c in results.counts if c.total} == mine.to_dict()


def test_wall_notes_keep_moderation_state_and_plus_ones(filled):
    _, _, files = filled
    notes = _read(files, "wall_notes").set_index("text")
    assert notes.loc["'-1+1", "status"] == "hidden"
    assert notes.loc["'+cmd|' /C calc'!A0", "plus_ones"] == 1
    long = _read(files, codebook.LONG_NAME)
    assert (long["activity"] == "wall_note").sum() == len(notes)


def test_long_format_has_one_row_per_answer(filled):
    store, event, files = filled
    long = _read(files, codebook.LONG_NAME)
    counts = store.event_row_counts(event.id)
    phone = long[long["source"] == "phone"]
    assert phone["activity"].isin(["poll_choice", "poll_estimate"]).sum() == counts["votes"]
    assert phone["activity"].str.startswith("evaluation").sum() == counts["eval_answers"]
    assert (long["activity"] == "table_note").sum() == counts["table_notes"]
    assert set(long["activity"]) <= set(codebook.ACTIVITIES)


def test_codebook_describes_every_column_and_code(filled):
    _, _, files = filled
    book = files["codebook.md"].decode()
    for name, columns in codebook.all_files().items():
        assert f"## {name}.csv" in book
        assert all(f"| {c.name} |" in book for c in columns)
    assert all(code in book for code in [*codebook.ACTIVITIES, "show_of_hands", "pending", "Strongly agree"])
    assert len(_read(files, "codebook")) == sum(len(c) for c in codebook.all_files().values())


def test_a_zip_made_during_the_event_takes_its_csvs_and_database_from_one_moment(filled, tmp_path, monkeypatch):
    """Someone joins and votes while the ZIP is being made (just after its votes were read):
    the ZIP's CSVs and its database copy still describe the same moment."""
    store, event, _ = filled
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    real = Store.export_votes
    arrived = []

    def a_vote_arrives_after_the_read(self, event_id):
        rows = real(self, event_id)
        if not arrived:
            late = store.join(event.id, "late-arrival-token-000000001", 1)
            arrived.append(store.cast_vote(poll.id, late.id, poll.options[0].id))
        return rows

    monkeypatch.setattr(Store, "export_votes", a_vote_arrives_after_the_read)
    with zipfile.ZipFile(io.BytesIO(exports.zip_bytes(store, event))) as zf:
        folder = f"{event.code}-export"
        files = {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist() if n.startswith(folder)}
    assert arrived, "the vote arrived during the export"
    (tmp_path / "copy.db").write_bytes(files[f"{event.code}.db"])
    copy = Store(tmp_path / "copy.db")
    with copy.read() as db:
        in_db = db.execute("SELECT COUNT(*) FROM votes v JOIN polls p ON p.id = v.poll_id WHERE p.kind = 'choice'")
        choice_votes = in_db.fetchone()[0]
    votes = _read(files, "votes")
    assert (votes["source"] == "phone").sum() == choice_votes
    assert len(_read(files, "participants")) == copy.event_row_counts(event.id)["participants"]
    copy.close()


def test_zip_holds_every_file_the_event_file_and_a_database_copy(filled, tmp_path):
    store, event, _ = filled
    with zipfile.ZipFile(io.BytesIO(exports.zip_bytes(store, event))) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
        (tmp_path / "copy.db").write_bytes(zf.read(f"{event.code}-export/{event.code}.db"))
        assert "polls:" in zf.read(f"{event.code}-export/{event.code}.yaml").decode()
    assert names == {f"{n}.csv" for n in CSV_NAMES} | {
        "codebook.csv",
        "codebook.md",
        f"{event.code}.yaml",
        f"{event.code}.db",
    }
    copy = Store(tmp_path / "copy.db")
    assert [e.code for e in copy.list_events()] == [event.code]
    assert copy.event_row_counts(event.id) == store.event_row_counts(event.id)


@pytest.mark.sqlite_only
def test_backup_opens_with_the_same_row_counts(filled, tmp_path, demo_spec):
    store, _, _ = filled
    other = demo_spec.__class__(**{**demo_spec.__dict__, "code": "OTHER1"})
    store.import_event(other)
    store.backup_to(tmp_path / "backup.db")
    assert not (tmp_path / "backup.db-wal").exists()
    backup = Store(tmp_path / "backup.db")
    assert backup.integrity_ok()
    assert backup.table_row_counts() == store.table_row_counts()
    assert backup.table_row_counts()["votes"] > 0


def test_the_whole_database_backup_is_a_file_on_sqlite_and_pg_dumps_job_on_postgresql(demo, tmp_path):
    store, event = demo
    if store.is_postgres:
        with pytest.raises(StoreError, match="pg_dump"):
            store.backup_to(tmp_path / "backup.db")
        assert not (tmp_path / "backup.db").exists()
    else:
        store.backup_to(tmp_path / "backup.db")
        assert [e.code for e in Store(tmp_path / "backup.db").list_events()] == [event.code]


def test_cli_writes_the_csvs_and_the_zip(filled, tmp_path):
    store, event, _ = filled
    assert cli.main(["--db", store.path, "export-csv", event.code.lower(), "-o", str(tmp_path / "out")]) == 0
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"votes.csv", "codebook.md", "all_activities_long.csv"}
    assert cli.main(["--db", store.path, "export-zip", event.code, "-o", str(tmp_path / "x.zip")]) == 0
    assert zipfile.is_zipfile(tmp_path / "x.zip")
    assert cli.main(["--db", store.path, "export-zip", "NOPE", "-o", str(tmp_path / "y.zip")]) == 1
