"""After a rehearsal: does the database hold exactly what the screens acknowledged?

Each count is taken before and after the run from the database's rows; the
difference must equal what the simulated screens acknowledged, plus what a
phone sent whose answer never reached it (a reset connection: the POST may
still have been stored). Then each person's items, classified (`classify`):
an acknowledged item missing or stored differently, with no later
unacknowledged attempt by that phone for it, is LOST (fails the run); a
stored item explained by an unacknowledged attempt is counted and reported
(not a failure); a stored item explained by nothing fails the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eventkit.models import NOTE_STATES

from ..models import Event
from ..storage import Store
from .scenario import Ledger

SAMPLES = 5  # of each class, printed


@dataclass(frozen=True)
class Counts:
    participants: int
    votes: dict[int, int]
    notes: int
    table_notes: int
    evaluations: int


@dataclass
class Classes:
    """Each person's items against the database: lost, stored from an unacknowledged attempt, unexplained."""

    lost: list[tuple] = field(default_factory=list)
    unacknowledged_stored: list[tuple] = field(default_factory=list)
    unexplained: list[tuple] = field(default_factory=list)


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


def classify(acked: dict[tuple, object], tries: dict[tuple, list], stored: dict[tuple, object]) -> Classes:
    """Items (keys) as acknowledged, as sent unacknowledged after their last acknowledgement, and as stored."""
    classes = Classes()
    for item in sorted(set(acked) | set(stored), key=repr):
        shown, held, later = acked.get(item), stored.get(item), tries.get(item, [])
        if held == shown:
            continue
        if held is not None and held in later:
            classes.unacknowledged_stored.append(item)
        elif shown is not None:
            classes.lost.append(item)
        else:
            classes.unexplained.append(item)
    return classes


def acknowledged_items(ledger: Ledger) -> dict[tuple, object]:
    """Every acknowledged item by its key (as Ledger.tries keys them) and value."""
    items: dict[tuple, object] = {("vote", t, p): o for (t, p), o in ledger.votes.items()}
    items |= {("wall note", t, text): True for t, texts in ledger.notes.items() for text in texts}
    items |= {("table note", text): True for texts in ledger.table_notes.values() for text in texts}
    items |= {("evaluation", t): answers for t, answers in ledger.evaluations.items()}
    return items


def stored_items(store: Store, event: Event, ledger: Ledger) -> dict[tuple, object]:
    """What the database holds for every device the rehearsal knows (joined, or given a cookie), keyed likewise."""
    items: dict[tuple, object] = {}
    polls = [p.id for p in store.list_polls(event.id)]
    for token in ledger.joined | ledger.join_tries:
        who = store.participant_by_token(event.id, token)
        if who is None:
            continue
        items |= {("vote", token, p): o for p in polls if (o := store.my_vote(p, who.id)) is not None}
        items |= {("wall note", token, n.text): True for n in store.notes_by_participant(event.id, who.id)}
        if answers := store.my_evaluation(event.id, who.id):
            items[("evaluation", token)] = answers
    mine = {text for texts in ledger.table_notes.values() for text in texts} | {
        item[1] for item in ledger.tries if item[0] == "table note"
    }
    tables = store.list_tables(event.id)
    items |= {("table note", n.text): True for t in tables for n in store.list_table_notes(t.id) if n.text in mine}
    return items


def check(store: Store, event: Event, before: Counts, ledger: Ledger) -> tuple[list[tuple[str, int, int, bool]], dict]:
    """Rows (what, acknowledged, stored, ok) comparing the ledger with the database, and the classes'
    samples. A count is right when stored = acknowledged + new rows from unacknowledged attempts."""
    after = take_counts(store, event)
    acked = acknowledged_items(ledger)
    classes = classify(acked, ledger.tries, stored_items(store, event, ledger))
    new = [i for i in classes.unacknowledged_stored if i not in acked]  # rows an acknowledged item did not make

    def extra(kind: str, poll_id: int | None = None) -> int:
        return sum(1 for i in new if i[0] == kind and (poll_id is None or i[2] == poll_id))

    acked_votes: dict[int, int] = {}
    for _token, poll_id in ledger.votes:
        acked_votes[poll_id] = acked_votes.get(poll_id, 0) + 1
    joined = len(ledger.joined) + len(ledger.warm_up)
    stored_joins = after.participants - before.participants
    rows = [
        (
            f"participants joined (+{len(ledger.warm_up)} warm-up, {len(ledger.join_tries)} unacknowledged)",
            joined,
            stored_joins,
            joined <= stored_joins <= joined + len(ledger.join_tries),
        )
    ]
    changed = {p for p in after.votes if after.votes[p] != before.votes.get(p, 0)}
    for poll_id in sorted(set(acked_votes) | changed):
        shown, held = acked_votes.get(poll_id, 0), after.votes.get(poll_id, 0) - before.votes.get(poll_id, 0)
        rows.append((f"votes on poll {poll_id}", shown, held, held == shown + extra("vote", poll_id)))
    for what, kind, shown, held in (
        ("wall notes", "wall note", sum(map(len, ledger.notes.values())), after.notes - before.notes),
        (
            "table notes",
            "table note",
            sum(map(len, ledger.table_notes.values())),
            after.table_notes - before.table_notes,
        ),
        ("evaluations", "evaluation", len(ledger.evaluations), after.evaluations - before.evaluations),
    ):
        rows.append((what, shown, held, held == shown + extra(kind)))
    rows += [
        ("lost: acknowledged, not stored as shown", len(acked), len(classes.lost), not classes.lost),
        ("stored from a POST never acknowledged (not a loss)", 0, len(classes.unacknowledged_stored), True),
        ("stored, explained by nothing", 0, len(classes.unexplained), not classes.unexplained),
    ]
    samples = {
        name: [_describe(i) for i in found[:SAMPLES]]
        for name, found in (
            ("lost", classes.lost),
            ("unacknowledged_stored", classes.unacknowledged_stored),
            ("unexplained", classes.unexplained),
        )
        if found
    }
    return rows, samples


def _describe(item: tuple) -> str:
    """An item for a report line: its kind, the device's token shortened, the poll or the text's start."""
    kind, *rest = item
    short = [str(part)[:6] if i == 0 and kind != "table note" else str(part)[:40] for i, part in enumerate(rest)]
    return " ".join([kind, *short])
