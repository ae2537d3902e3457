"""The rows of every export: answers read from the Store, participants as pseudonyms.

activity_rows gives one list of rows per activity file (eventkit.outputs.codebook.FILES);
long_rows puts every answer of every activity into the one long table (LONG).
"""

from __future__ import annotations

from eventkit.models import LIKERT_LABELS
from eventkit.storage import Store


def pseudonym(seq: int | None) -> str:
    """P001 for the first participant to join; '' for none."""
    return f"P{seq:03d}" if seq else ""


def _person(r: dict) -> dict:
    return {"participant": pseudonym(r.get("participant_seq")), "table_number": r.get("table_no") or None}


def activity_rows(store: Store, event_id: int) -> dict[str, list[dict]]:
    """Rows for each activity CSV, keyed like FILES."""
    votes = [{**r, **_person(r), "source": "phone", "count": 1} for r in store.export_votes(event_id)]
    hands = [
        {
            **r,
            "source": "show_of_hands",
            "participant": "",
            "table_number": None,
            "created_at": r["updated_at"],
            "changes": 0,
        }
        for r in store.export_manual_counts(event_id)
    ]
    answers = store.export_eval_answers(event_id)
    return {
        "votes": votes + hands,
        "estimates": [{**r, **_person(r)} for r in store.export_estimates(event_id)],
        "wall_notes": [{**r, **_person(r)} for r in store.export_wall_notes(event_id)],
        "table_notes": [
            {**r, "participant": pseudonym(r["participant_seq"])} for r in store.export_table_notes(event_id)
        ],
        "evaluation_scores": [
            {**r, **_person(r), "value": r["value_int"], "value_label": _likert(r)}
            for r in answers
            if r["kind"] != "text"
        ],
        "evaluation_comments": [{**r, **_person(r), "text": r["value_text"]} for r in answers if r["kind"] == "text"],
        "participants": [_person(r) | {"joined_at": r["joined_at"]} for r in store.export_participants(event_id)],
    }


def _likert(r: dict) -> str:
    return LIKERT_LABELS[r["value_int"] - 1] if r["kind"] == "likert" else ""


def long_rows(rows: dict[str, list[dict]]) -> list[dict]:
    """Every answer of every activity in one table, in the LONG columns."""
    out: list[dict] = []
    for r in rows["votes"]:
        out.append(
            _long(
                "poll_choice",
                r,
                r["poll_id"],
                r["poll_position"],
                r["question"],
                r["option_label"],
                value_num=float(r["is_correct"]) if r["has_correct"] else None,
                count=r["count"],
                source=r["source"],
                record_id=r.get("vote_id") or 0,
            )
        )
    for r in rows["estimates"]:
        out.append(
            _long(
                "poll_estimate",
                r,
                r["poll_id"],
                r["poll_position"],
                r["question"],
                "",
                value_num=r["value"],
                record_id=r["vote_id"],
            )
        )
    for r in rows["wall_notes"]:
        out.append(
            _long(
                "wall_note",
                r,
                r["prompt_id"],
                r["prompt_position"],
                r["prompt"],
                "",
                value_text=r["text"],
                status=r["status"],
                plus_ones=r["plus_ones"],
                record_id=r["note_id"],
            )
        )
    for r in rows["table_notes"]:
        out.append(
            _long(
                "table_note",
                r,
                r["vignette_id"],
                r["vignette_position"],
                r["vignette_title"],
                r["prompt"],
                value_text=r["text"],
                record_id=r["note_id"],
            )
        )
    for r in rows["evaluation_scores"]:
        out.append(
            _long(
                f"evaluation_{r['kind']}",
                r,
                r["item_id"],
                r["item_position"],
                r["item"],
                "",
                value_num=float(r["value"]),
                value_text=r["value_label"],
                record_id=r["response_id"],
                created_at=r["submitted_at"],
            )
        )
    for r in rows["evaluation_comments"]:
        out.append(
            _long(
                "evaluation_text",
                r,
                r["item_id"],
                r["item_position"],
                r["item"],
                "",
                value_text=r["text"],
                record_id=r["response_id"],
                created_at=r["submitted_at"],
            )
        )
    return out


def _long(activity: str, r: dict, item_id: int, position: int, item: str, detail: str, **extra) -> dict:
    base = {
        "activity": activity,
        "source": "phone",
        "item_id": item_id,
        "item_position": position,
        "item": item,
        "detail": detail,
        "participant": r["participant"],
        "table_number": r["table_number"],
        "value_num": None,
        "value_text": "",
        "count": 1,
        "status": "",
        "plus_ones": 0,
        "created_at": r.get("created_at", ""),
    }
    return base | extra
