"""After a rehearsal: does the database hold exactly what the screens acknowledged?

Each count is taken before and after the run from the database's rows; the
difference must equal what the simulated screens acknowledged, and every
acknowledged item must be stored as acknowledged (the last vote chosen,
the note's exact text, the evaluation's answers).
"""

from __future__ import annotations

from dataclasses import dataclass

from eventkit.models import NOTE_STATES

from ..models import Event
from ..storage import Store
from .scenario import Ledger


@dataclass(frozen=True)
class Counts:
    participants: int
    votes: dict[int, int]
    notes: int
    table_notes: int
    evaluations: int


def take_counts(store: Store, event: Event) -> Counts:
    """Row counts of everything a rehearsal can add to an event."""
    polls = store.list_polls(event.id)
    statuses = NOTE_STATES
    return Counts(
        participants=store.count_participants(event.id),
        votes={p.id: store.vote_count(p.id) for p in polls},
        notes=len(store.list_notes(event.id, statuses)),
        table_notes=sum(len(store.list_table_notes(t.id)) for t in store.list_tables(event.id)),
        evaluations=store.count_eval_responses(event.id),
    )


def check(store: Store, event: Event, before: Counts, ledger: Ledger) -> list[tuple[str, int, int, bool]]:
    """Rows (what, acknowledged, stored, ok) comparing the ledger with the database."""
    after = take_counts(store, event)
    acked_votes: dict[int, int] = {}
    for _token, poll_id in ledger.votes:
        acked_votes[poll_id] = acked_votes.get(poll_id, 0) + 1
    rows = [
        (
            f"participants joined (+{len(ledger.warm_up)} warm-up)",
            len(ledger.joined) + len(ledger.warm_up),
            after.participants - before.participants,
        )
    ]
    for poll_id in sorted(set(acked_votes) | {p for p in after.votes if after.votes[p] != before.votes.get(p, 0)}):
        rows.append(
            (
                f"votes on poll {poll_id}",
                acked_votes.get(poll_id, 0),
                after.votes.get(poll_id, 0) - before.votes.get(poll_id, 0),
            )
        )
    rows += [
        ("wall notes", sum(map(len, ledger.notes.values())), after.notes - before.notes),
        ("table notes", sum(map(len, ledger.table_notes.values())), after.table_notes - before.table_notes),
        ("evaluations", len(ledger.evaluations), after.evaluations - before.evaluations),
    ]
    result = [(what, acked, stored, acked == stored) for what, acked, stored in rows]
    wrong = _content_mismatches(store, event, ledger)
    items = len(ledger.votes) + len(ledger.notes) + len(ledger.table_notes) + len(ledger.evaluations)
    result.append(("stored exactly as shown (by person)", items, items - len(wrong), not wrong))
    return result


def _content_mismatches(store: Store, event: Event, ledger: Ledger) -> list[str]:
    """Acknowledged items whose stored form differs (wrong option, text or answers)."""
    wrong = []
    ids = {t: store.participant_by_token(event.id, t) for t in ledger.joined}
    for (token, poll_id), option_id in ledger.votes.items():
        who = ids.get(token)
        if who is None or store.my_vote(poll_id, who.id) != option_id:
            wrong.append(f"vote of {token[:6]} on poll {poll_id}")
    for token, texts in ledger.notes.items():
        who = ids.get(token)
        if who is None or sorted(n.text for n in store.notes_by_participant(event.id, who.id)) != sorted(texts):
            wrong.append(f"wall notes of {token[:6]}")
    table_texts = {n.text for t in store.list_tables(event.id) for n in store.list_table_notes(t.id)}
    wrong += [
        f"table note {text[:30]}" for texts in ledger.table_notes.values() for text in texts if text not in table_texts
    ]
    for token, answers in ledger.evaluations.items():
        who = ids.get(token)
        if who is None or store.my_evaluation(event.id, who.id) != answers:
            wrong.append(f"evaluation of {token[:6]}")
    return wrong
