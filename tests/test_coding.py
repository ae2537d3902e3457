"""Thematic coding: themes, tags on notes/table notes/answers, the analysis matrix."""

from __future__ import annotations

import pytest

from eventkit.storage import StoreError


@pytest.fixture
def coded(demo):
    store, event = demo
    me = store.join(event.id, "coding-test-token-0001", 1)
    prompt = store.list_prompts(event.id)[0]
    note = store.add_note(prompt.id, me.id, "We need referral pathways")
    vignette = store.list_tables(event.id)[0].vignettes[0]
    store.give_consent(vignette.table_id, me.id)  # table notes are recorded only with consent
    tnote = store.add_table_note(vignette.id, me.id, "", "Data protection worries")
    return store, event, note, tnote


def test_seed_themes_are_there_by_default(demo):
    store, event = demo
    assert [t.name for t in store.list_themes(event.id)] == [
        "Referrals",
        "Resources",
        "Knowledge",
        "Data protection",
        "Who",
    ]


def test_a_theme_name_with_a_nul_is_stored_exactly_or_refused_in_words(demo):
    """SQLite stores a NUL; PostgreSQL's text cannot hold one: a message, never a crash."""
    store, event = demo
    try:
        theme = store.add_theme(event.id, "Nul\x00here")
    except StoreError as err:
        assert store.is_postgres and "NUL character" in str(err)
    else:
        assert not store.is_postgres and store.list_themes(event.id)[-1] == theme
    assert store.add_theme(event.id, "After").name == "After"  # nothing left half done


@pytest.mark.parametrize("name, message", [("", "name"), ("referrals", "already"), ("x" * 61, "at most")])
def test_bad_theme_names_are_refused(demo, name, message):
    store, event = demo
    with pytest.raises(StoreError, match=message):
        store.add_theme(event.id, name)


def test_tag_with_several_themes_and_matrix_counts(coded):
    store, event, note, tnote = coded
    themes = {t.name: t.id for t in store.list_themes(event.id)}
    assert store.set_codings(event.id, "note", {str(note.id): [themes["Referrals"], themes["Who"]]}) == 1
    store.set_codings(event.id, "table_note", {str(tnote.id): [themes["Data protection"]]})
    cells = {(c.theme, c.source): c for c in store.analysis_matrix(event.id)}
    assert cells[("Referrals", "note")].count == 1
    assert cells[("Referrals", "note")].texts == ("We need referral pathways",)
    assert cells[("Who", "note")].count == 1
    assert cells[("Data protection", "table_note")].count == 1
    assert cells[("Knowledge", "note")].count == 0
    item = next(i for i in store.codable_items(event.id, "note") if i.item_key == str(note.id))
    assert set(item.theme_ids) == {themes["Referrals"], themes["Who"]}


def test_retagging_replaces_and_empty_list_clears(coded):
    store, event, note, _ = coded
    t = store.list_themes(event.id)
    store.set_codings(event.id, "note", {str(note.id): [t[0].id]})
    store.set_codings(event.id, "note", {str(note.id): [t[1].id]})
    assert store.codable_items(event.id, "note")[0].theme_ids == (t[1].id,)
    assert store.set_codings(event.id, "note", {str(note.id): []}) == 1
    assert sum(c.count for c in store.analysis_matrix(event.id)) == 0


def test_unknown_item_or_foreign_theme_saves_nothing(coded, demo_spec):
    store, event, note, _ = coded
    from dataclasses import replace

    other = store.import_event(replace(demo_spec, code="OTHER1"))
    foreign = store.list_themes(other)[0].id
    mine = store.list_themes(event.id)[0].id
    with pytest.raises(StoreError):
        store.set_codings(event.id, "note", {str(note.id): [mine], "99999": [mine]})
    with pytest.raises(StoreError):
        store.set_codings(event.id, "note", {str(note.id): [foreign]})
    assert store.codable_items(event.id, "note")[0].theme_ids == ()


def test_eval_answers_can_be_coded(demo):
    store, event = demo
    me = store.join(event.id, "coding-test-token-0002")
    store.set_eval_open(event.id, True)
    text_item = next(i for i in store.list_eval_items(event.id) if i.kind == "text")
    store.submit_evaluation(event.id, me.id, {text_item.id: "More about data sharing"})
    [item] = store.codable_items(event.id, "eval_answer")
    assert item.context == text_item.text
    theme = store.list_themes(event.id)[2]
    store.set_codings(event.id, "eval_answer", {item.item_key: [theme.id]})
    # editing the evaluation keeps the same item key, so the tag stays
    store.submit_evaluation(event.id, me.id, {text_item.id: "More about data sharing, please"})
    assert store.codable_items(event.id, "eval_answer")[0].theme_ids == (theme.id,)


def test_hidden_notes_are_not_coded(coded):
    store, event, note, _ = coded
    store.set_note_status(note.id, "hidden")
    assert store.codable_items(event.id, "note") == []


def test_delete_and_rename_theme(coded):
    store, event, note, _ = coded
    theme = store.list_themes(event.id)[0]
    store.set_codings(event.id, "note", {str(note.id): [theme.id]})
    store.rename_theme(theme.id, "Referral routes")
    assert store.analysis_matrix(event.id)[0].theme == "Referral routes"
    store.delete_theme(theme.id)
    assert store.codable_items(event.id, "note")[0].theme_ids == ()
    assert len(store.list_themes(event.id)) == 4


def test_theme_names_clash_ignoring_case_the_same_way_on_both_engines(demo):
    # SQL's lower() folds only ASCII in SQLite but every letter in PostgreSQL:
    # the check folds in Python, so both engines answer alike.
    store, event = demo
    taken = [store.add_theme(event.id, name) for name in ("Équipe", "Straße", "ΣΟΦΙΑ")]
    clashes = ["équipe", "ÉQUIPE", "STRASSE", "σοφια", "REFERRALS"]
    refused = []
    for name in clashes:
        try:
            store.add_theme(event.id, name)
        except StoreError:
            refused.append(name)
    assert refused == clashes
    with pytest.raises(StoreError, match="already"):
        store.rename_theme(taken[0].id, "straße")
    store.rename_theme(taken[0].id, "équipe")  # its own name in another case is fine
    assert store.list_themes(event.id)[-3].name == "équipe"


def test_the_matrix_csv_is_written_like_every_other_export(demo):
    """The coding page's CSV comes from the exports' one writer: BOM, CRLF, typed columns, formulas neutralised."""
    from eventkit.outputs import exports

    store, event = demo
    me = store.join(event.id, "coding-test-token-0002", 1)
    note = store.add_note(store.list_prompts(event.id)[0].id, me.id, '=HYPERLINK("http://x")')
    theme = store.list_themes(event.id)[0]
    store.set_codings(event.id, "note", {str(note.id): [theme.id]})
    data = exports.matrix_csv(store.analysis_matrix(event.id))
    assert data.startswith(b"\xef\xbb\xbftheme,source,count,text\r\n")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert f'{theme.name},Wall notes,1,"\'=HYPERLINK(""http://x"")"' in lines, lines[:3]
