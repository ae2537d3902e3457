"""Table notes are recorded only with consent, as the README and the panel promise (issue 13).

The rule: a scribe's note is saved only at a table where at least one person
has ticked the recording consent; otherwise it is refused with a clear
message and the text stays in the box. The scribe form says how many at the
table have consented: the HTML Table page shows it (tests/test_web_table.py, the consent tests).
"""

from __future__ import annotations

import pytest

from eventkit.storage import StoreError
from eventkit.storage.tables import NO_CONSENT

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
