"""A spec's problems said for people using the editor's forms: which question, and what to do.

The checks (eventkit/event/check.py) name each problem by its field path, as the event
file spells it ("evaluation[1].text: is required"); the forms say it in words and keep
the path in brackets for anyone who edits the event file directly.
"""

from __future__ import annotations

from eventkit.event.spec import FieldError

_PLACES = {
    "polls": "Poll {n}",
    "evaluation": "Evaluation question {n}",
    "wall_prompts": "Wall prompt {n}",
    "tables": "Table entry {n}",
    "vignettes": "vignette {n}",
    "prompts": "discussion prompt {n}",
    "options": "option {n}",
    "themes": "theme {n}",
}
_FIELDS = {
    "code": "the code",
    "title": "the title",
    "kind": "the kind",
    "text": "the text",
    "question": "the question",
    "options": "the options",
    "correct": "the correct option",
    "true_value": "the true value",
    "min": "the lowest answer allowed",
    "max": "the highest answer allowed",
    "repeat_of": "the poll it repeats",
    "name": "the name",
    "number": "the table number",
    "story": "the story",
    "facilitator_passcode": "the facilitator passcode",
    "public_base_url": "the public address for QR codes",
}
# What to do, for the messages that only say what is wrong.
_TO_DO = {
    ("evaluation", "text", "is required"): 'type the question in the "Evaluation item" column, or delete the row',
    ("evaluation", "kind", "is required"): 'choose score, likert or text in the "Kind" column, or delete the row',
    ("polls", "question", "is required"): "type the question",
}


def plain_problem(error: FieldError) -> str:
    """One problem in words: where (e.g. "Evaluation question 2"), what is wrong, what to do, then the path."""
    place = _place(error.path)
    field = next((_FIELDS.get(p, p.replace("_", " ")) for p in reversed(error.path) if isinstance(p, str)), "the file")
    if error.path and isinstance(error.path[-1], str) and len(error.path) > 1:
        what = f"{place}: {field} {_message(error)}"
    else:
        what = f"{place or field} {_message(error)}"
    to_do = _TO_DO.get(
        (str(error.path[0]) if error.path else "", str(error.path[-1]) if error.path else "", error.message)
    )
    if to_do is None and error.message == "is required":
        to_do = "fill it in"
    return (
        f"{what[0].upper()}{what[1:]}"
        + (f" — {to_do}" if to_do else "")
        + f". ({error.field}{f', line {error.line}' if error.line else ''})"
    )


def _place(path: tuple) -> str:
    """ "Evaluation question 2", "Table entry 1, vignette 3": the numbered things along the path."""
    parts = []
    for field, index in zip(path, path[1:], strict=False):
        if isinstance(field, str) and isinstance(index, int):
            parts.append(_PLACES.get(field, field.replace("_", " ") + " {n}").format(n=index + 1))
    return ", ".join(parts)


def _message(error: FieldError) -> str:
    if error.message == "is required":
        return "is empty"
    return error.message.replace("must be one of score, likert, text", "must be score, likert or text")
