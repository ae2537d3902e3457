"""Table notes are recorded only with consent, as the README and the panel promise (issue 13).

The rule: a scribe's note is saved only at a table where at least one person
has ticked the recording consent; otherwise it is refused with a clear
message and the text stays in the box. The scribe form says how many at the
table have consented.
"""

from __future__ import annotations

import pytest

from eventkit.storage import StoreError
from eventkit.storage.tables import NO_CONSENT
from tests.test_pages_attendee import ATTENDEE_PAGES, button, open_page

# Each row: who consents (at which table), whether they then withdraw, and whether a note at table 1 is kept.
CASES = [
    ("nobody has consented", [], False, False),
    ("the scribe consented", [("scribe", 1)], False, True),
    ("someone else at the table consented", [("neighbour", 1)], False, True),
    ("only someone at another table consented", [("elsewhere", 2)], False, False),
    ("the only consent was withdrawn", [("neighbour", 1)], True, False),
]


@pytest.mark.parametrize("name, consents, withdrawn, kept", CASES, ids=[c[0] for c in CASES])
def test_a_table_note_is_recorded_only_where_someone_at_the_table_consented(demo, name, consents, withdrawn, kept):
    store, event = demo
    tables = {n: store.table_by_number(event.id, n) for n in (1, 2)}
    people = {
        "scribe": store.join(event.id, "consent-test-scribe-01", 1),
        "neighbour": store.join(event.id, "consent-test-neighbour", 1),
        "elsewhere": store.join(event.id, "consent-test-elsewhere", 2),
    }
    for who, table in consents:
        store.give_consent(tables[table].id, people[who].id)
        if withdrawn:
            store.withdraw_consent(tables[table].id, people[who].id)
    vignette = tables[1].vignettes[0]
    if kept:
        note = store.add_table_note(vignette.id, people["scribe"].id, "", "Call the GP first")
        assert [n.id for n in store.list_table_notes(tables[1].id)] == [note.id]
    else:
        with pytest.raises(StoreError) as refused:
            store.add_table_note(vignette.id, people["scribe"].id, "", "Call the GP first")
        assert str(refused.value) == NO_CONSENT and "agreed to recording" in NO_CONSENT
        assert store.list_table_notes(tables[1].id) == []
    expected = sum(1 for _, t in consents if t == 1) * (not withdrawn)
    assert store.table_consent_count(tables[1].id) == (expected, 2)


def _scribe_note(at):
    return next(t for t in at.text_area if t.label == "Note")


def test_the_scribe_form_says_how_many_consented_and_refuses_without_consent(app_db):
    store, event = app_db
    table = store.table_by_number(event.id, 1)
    store.join(event.id, "consent-test-seated-01", 1)
    at = open_page(ATTENDEE_PAGES["table"], event=event.code, table=1)
    assert not at.exception
    assert "0 of 2 people at this table have agreed to recording" in at.warning[0].value
    _scribe_note(at).input("Referral pathways are unclear")
    button(at, "Add note").click()
    at.run()
    assert [e.value for e in at.error] == [NO_CONSENT]
    assert _scribe_note(at).value == "Referral pathways are unclear"  # kept, to save once someone consents
    assert store.list_table_notes(table.id) == []

    at.checkbox[0].check()
    at.run()
    assert not at.warning
    assert any("1 of 2 people at this table has agreed to recording" in c.value for c in at.caption)
    button(at, "Add note").click()
    at.run()
    assert "Note added." in [s.value for s in at.success]
    assert [n.text for n in store.list_table_notes(table.id)] == ["Referral pathways are unclear"]
