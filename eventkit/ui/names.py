"""Names the control panel gives polls, and organiser text made safe for widget labels.

Widget labels accept Markdown, so organiser text is escaped here before it
becomes one. Polls are named state first, then number (and what they
repeat), then the question: a phone's narrow picker cuts the end off.
"""

from __future__ import annotations

import re

from ..models import Poll

_MARKDOWN = re.compile(r"([\\`*_\[\]{}<>#|~$])")


def label(text: str, limit: int = 70) -> str:
    """Organiser text made safe for a widget label (labels accept Markdown)."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", short)


STATE_NAMES = {"draft": "Not asked yet", "open": "Voting open", "closed": "Voting closed", "revealed": "Answer shown"}


def _numbers(polls: list[Poll]) -> dict[int, str]:
    """Each poll's number, with the poll it repeats: 'Q8 (repeat of Q1)'."""
    number = {p.id: f"Q{p.position}" for p in polls}
    return {
        p.id: number[p.id] + (f" (repeat of {number[p.repeat_of]})" if p.repeat_of in number else "") for p in polls
    }


def poll_names(polls: list[Poll]) -> dict[int, str]:
    """Each poll's name for pickers and buttons: state, number (and what it repeats), then the question.

    State and number come first so that a phone's narrow picker, which cuts
    the end off, still tells Q1 from its repeat Q8; buttons wrap the rest.
    """
    numbers = _numbers(polls)
    return {p.id: f"{STATE_NAMES.get(p.state, p.state)} · {numbers[p.id]} · {label(p.question, 140)}" for p in polls}


def poll_titles(polls: list[Poll]) -> dict[int, str]:
    """Each poll's number and question, for sentences: 'Q8 (repeat of Q1): Between …'."""
    numbers = _numbers(polls)
    return {p.id: f"{numbers[p.id]}: {label(p.question, 140)}" for p in polls}


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """'1 answer', '2 answers', '0 answers': the number with its noun in agreement."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
