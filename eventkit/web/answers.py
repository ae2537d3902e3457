"""A poll's answers in words: what a phone says about its vote, the reveal and the room.

The sentences the retired Streamlit Now screen used, as plain strings:
templates escape them.
"""

from __future__ import annotations

from eventkit.results import charts

from ..models import Poll, PollResults


def answer_text(poll: Poll, value: float | int | None) -> str:
    """An answer in words: the option's label in quotes, or the number with its unit."""
    if value is None:
        return ""
    if poll.kind == "estimate":
        return f"{value:,g}{' ' + poll.unit if poll.unit else ''}"
    return next((f"“{o.label}”" for o in poll.options if o.id == value), "")


def has_right_answer(poll: Poll) -> bool:
    """Whether the poll has a right answer (a quiz or an estimate), not an opinion poll."""
    return (poll.true_value if poll.kind == "estimate" else poll.correct_option) is not None


def verdict(poll: Poll, mine: float | int | None) -> tuple[bool | None, str]:
    """(was it right — None for an opinion poll or no answer, the sentence to show)."""
    truth = poll.true_value if poll.kind == "estimate" else (poll.correct_option.id if poll.correct_option else None)
    said = answer_text(poll, mine)
    if truth is None:
        return None, f"You answered {said}." if mine is not None else "You did not answer this one."
    answer = answer_text(poll, truth)
    if mine is None:
        return None, f"You did not answer this one. The answer is {answer}."
    if poll.kind == "estimate":
        right = abs(mine - truth) <= abs(truth) * charts.ESTIMATE_TOLERANCE
        close = "" if mine == truth else f" (within 10% of {answer})"
    else:
        right, close = mine == truth, ""
    if right:
        return True, f"You answered {said} — you were right{close}."
    return False, f"You answered {said} — the answer is {answer}."


def range_text(poll: Poll) -> str:
    """The numbers an estimate may take, in words ('' when unbounded)."""
    unit = f" {poll.unit}" if poll.unit else ""
    low, high = poll.min_value, poll.max_value
    if low is not None and high is not None:
        return f"a number from {low:,g} to {high:,g}{unit}"
    if low is not None:
        return f"a number of at least {low:,g}{unit}"
    if high is not None:
        return f"a number up to {high:,g}{unit}"
    return ""


def room_lines(poll: Poll, room: PollResults, mine: float | int | None) -> list[dict]:
    """How the room answered, one row per option (label, marks, share) or per estimate figure."""
    if poll.kind == "estimate":
        return [{"label": line, "share": None, "marks": ""} for line in _estimate_lines(poll, room)]
    revealed = poll.state == "revealed"
    rows = []
    for count in room.counts:
        marks = [
            m
            for m, on in (("the answer", revealed and count.is_correct), ("your answer", count.option_id == mine))
            if on
        ]
        share = round(100 * count.total / room.total) if room.total else 0
        rows.append(
            {
                "label": count.label,
                "share": share,
                "marks": ", ".join(marks),
                "count": f"{count.total} answer{'s' if count.total != 1 else ''} ({share}%)",
            }
        )
    return rows


def _estimate_lines(poll: Poll, room: PollResults) -> list[str]:
    lines = [f"{len(room.estimates)} guess{'es' if len(room.estimates) != 1 else ''}"]
    if room.estimates:
        lines.append(f"Median guess: {answer_text(poll, charts.median(room.estimates))}")
        lines.append(f"From {answer_text(poll, min(room.estimates))} to {answer_text(poll, max(room.estimates))}")
    if poll.state == "revealed" and room.estimates and poll.true_value is not None:
        right, total = charts.right_share(poll, room)
        lines.append(f"{round(100 * right / total)}% within 10% of the answer")
    return lines
