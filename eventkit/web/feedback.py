"""The Feedback page's view-model: the evaluation form, what was sent, and the closed states.

The Store calls and rules (those of the retired Streamlit Feedback screen): Store.list_eval_items, Store.my_evaluation,
Store.submit_evaluation (one response per participant, replaced while the
evaluation is open; scores and agree-scale answers 1-5; text cleaned and
limited; at least one answer). While it is closed, a phone that has answered
is told its answers are in; one that has not is told the form is not open yet
or, once anyone has answered (it has been open), that it has closed.
"""

from __future__ import annotations

from ..models import EVAL_TEXT_MAX_CHARS, LIKERT_LABELS, SCORE_RANGE, EvalItem
from ..storage import StoreError
from ..text import TextError
from .device import Attendee
from .render import Problem
from .store import store

SAVED = "Thank you, your feedback is saved. You can change it until the evaluation closes."
ANSWERED_CLOSED = "Thanks, your answers are in. The evaluation has now closed."
NOT_OPEN_YET = "The evaluation is not open yet. It opens at the end of the day: you will find it here."
CLOSED = "The evaluation has closed. Thank you for taking part today."


def field_id(item: EvalItem) -> str:
    return f"item-{item.id}"


def feedback_view(
    attendee: Attendee,
    *,
    sent: bool = False,
    change: bool = False,
    problem: Problem | None = None,
    typed: dict[int, str] | None = None,
) -> dict:
    """Everything the Feedback page shows: a message, or the form (with the answers saved or typed)."""
    event, me = attendee.event, attendee.participant
    items = store().list_eval_items(event.id)
    saved = store().my_evaluation(event.id, me.id) if items else {}
    view: dict = {"title": event.title, "page_title": "Your feedback", "errors": [problem] if problem else []}
    if not items:
        view["message"] = "This event has no evaluation form."
    elif not event.eval_open:
        view["message"] = (
            ANSWERED_CLOSED if saved else CLOSED if store().count_eval_responses(event.id) else NOT_OPEN_YET
        )
    elif saved and not change and problem is None:
        view["done"] = {"text": SAVED, "status": sent}
    else:
        answers = typed if typed is not None else {k: str(v) for k, v in saved.items()}
        view["items"] = [_item(item, answers.get(item.id, "")) for item in items]
        view["error"] = problem
        view["typing"] = True
        view["hint"] = "Every question is optional. Your answers are anonymous."
    return view


def _item(item: EvalItem, value: str) -> dict:
    low, high = SCORE_RANGE
    view: dict = {"id": field_id(item), "name": f"item-{item.id}", "kind": item.kind, "text": item.text, "value": value}
    if item.kind == "likert":
        view["choices"] = [{"value": str(n), "label": LIKERT_LABELS[n - 1]} for n in range(low, high + 1)]
    elif item.kind == "score":
        view["choices"] = [{"value": str(n), "label": str(n)} for n in range(low, high + 1)]
        view["hint"] = f"{low} = poor, {high} = excellent"
    elif item.kind == "text":
        view["hint"] = f"Up to {EVAL_TEXT_MAX_CHARS:,} characters."  # as the Wall and Table say theirs
    return view


def typed_answers(items: list[EvalItem], fields: dict[str, str]) -> dict[int, str]:
    """What the form sent, by item id, whole (kept to show again when nothing was saved: an answer
    over the limit comes back as typed, with its true length, to be shortened, as on the Wall)."""
    return {item.id: fields.get(f"item-{item.id}", "") for item in items}


def submit(attendee: Attendee, typed: dict[int, str]) -> Problem | None:
    """Save this phone's evaluation; a Problem (on the item it is about) when nothing was saved."""
    items = store().list_eval_items(attendee.event.id)
    answers: dict[int, int | str | None] = {}
    for item in items:
        value = typed.get(item.id, "")
        if item.kind == "text":
            answers[item.id] = value
        elif value:
            if not (value.isascii() and value.isdigit()):
                return Problem(field_id(item), f"“{item.text}”: choose one of the answers.")
            answers[item.id] = int(value)
    try:
        store().submit_evaluation(attendee.event.id, attendee.participant.id, answers)
    except (TextError, StoreError) as err:
        about = next((i for i in items if str(err).startswith(f"“{i.text}”")), items[0] if items else None)
        return Problem(field_id(about) if about else "main", str(err))
    return None
