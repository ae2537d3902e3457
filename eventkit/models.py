"""Plain data models shared by storage, pages, exports and tests.

Every model is a frozen dataclass of plain values so it can be cached by
Streamlit (pickled), compared in tests and serialised to the event file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

# The states and kinds the database stores as text: each a Literal type, so the
# type checker catches a misspelt state, and its values as a tuple for checks at run time.
PollState = Literal["draft", "open", "closed", "revealed"]
PollKind = Literal["choice", "estimate"]
NoteState = Literal["visible", "hidden", "pending"]
EvalKind = Literal["score", "likert", "text"]
LiveKind = Literal["welcome", "poll", "wall", "tables", "evaluation"]
POLL_STATES: tuple[PollState, ...] = get_args(PollState)
POLL_KINDS: tuple[PollKind, ...] = get_args(PollKind)
NOTE_STATES: tuple[NoteState, ...] = get_args(NoteState)
EVAL_KINDS: tuple[EvalKind, ...] = get_args(EvalKind)
LIVE_KINDS: tuple[LiveKind, ...] = get_args(LiveKind)
Role = Literal["facilitator", "organiser"]  # staff who sign in with a password
ROLES: tuple[Role, ...] = get_args(Role)
LIKERT_LABELS = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
SCORE_RANGE = (1, 5)
NOTE_MAX_CHARS = 500
TABLE_NOTE_MAX_CHARS = 2000
EVAL_TEXT_MAX_CHARS = 2000


@dataclass(frozen=True)
class Event:
    id: int
    code: str
    title: str
    subtitle: str = ""
    date: str = ""
    venue: str = ""
    welcome: str = ""
    status: str = "open"
    premoderate: bool = False
    word_filter: tuple[str, ...] = ()
    retention_days: int = 180
    eval_open: bool = False
    public_base_url: str = ""
    has_passcode: bool = False
    expected_attendance: int = 0  # people the organiser expects; 0 = not set
    joining_open: bool = True  # False once a facilitator closes the door to new devices


@dataclass(frozen=True)
class Live:
    """What the facilitator has made live: attendees and projector follow it."""

    kind: LiveKind = "welcome"
    poll_id: int | None = None
    changed_at: str = ""
    eval_open: bool = False  # the feedback form is open (Feedback pages show it, live or not)


@dataclass(frozen=True)
class PollOption:
    id: int
    label: str
    is_correct: bool = False


@dataclass(frozen=True)
class Poll:
    id: int
    event_id: int
    position: int
    kind: PollKind
    question: str
    options: tuple[PollOption, ...] = ()
    true_value: float | None = None
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    fact: str = ""
    source: str = ""
    state: PollState = "draft"
    results_visible: bool = False
    repeat_of: int | None = None

    @property
    def correct_option(self) -> PollOption | None:
        return next((o for o in self.options if o.is_correct), None)

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def next_question(
    polls: list[Poll] | tuple[Poll, ...], live_poll_id: int | None, picked_id: int | None = None
) -> Poll | None:
    """The poll *Next question* opens; None when there is none left to ask.

    The picked poll when it is a draft that is not live (the facilitator chose
    it); otherwise, after a live poll, the first draft poll that comes after it;
    with no poll live (welcome, wall ...), the first draft poll. A poll already
    asked is never reopened and a draft is never skipped over by this rule.
    """
    ordered = sorted(polls, key=lambda p: p.position)
    picked = next((p for p in ordered if p.id == picked_id), None)
    if picked is not None and picked.state == "draft" and picked.id != live_poll_id:
        return picked
    live = next((p for p in ordered if p.id == live_poll_id), None)
    after = live.position if live is not None else None
    return next((p for p in ordered if p.state == "draft" and (after is None or p.position > after)), None)


@dataclass(frozen=True)
class OptionCount:
    option_id: int
    label: str
    is_correct: bool
    votes: int
    manual: int = 0

    @property
    def total(self) -> int:
        return self.votes + self.manual


@dataclass(frozen=True)
class PollResults:
    poll_id: int
    votes: int
    counts: tuple[OptionCount, ...] = ()
    estimates: tuple[float, ...] = ()
    manual_total: int = 0

    @property
    def total(self) -> int:
        return self.votes + self.manual_total


@dataclass(frozen=True)
class WallPrompt:
    id: int
    event_id: int
    position: int
    text: str


@dataclass(frozen=True)
class Note:
    id: int
    prompt_id: int
    text: str
    status: NoteState
    created_at: str
    plus_ones: int = 0
    held_reason: str = ""


@dataclass(frozen=True)
class Vignette:
    id: int
    table_id: int
    position: int
    title: str
    story: str
    prompts: tuple[str, ...] = ()


def table_label(number: int, name: str = "") -> str:
    """A table's one name everywhere (QR cards, phones, projector, control panel): its name, else "Table N"."""
    return " ".join(name.split()) or f"Table {number}"


@dataclass(frozen=True)
class Table:
    id: int
    event_id: int
    number: int
    name: str
    vignettes: tuple[Vignette, ...] = ()

    @property
    def label(self) -> str:
        """What every screen calls this table (table_label)."""
        return table_label(self.number, self.name)


@dataclass(frozen=True)
class TableNote:
    id: int
    table_id: int
    vignette_id: int
    prompt: str
    text: str
    created_at: str


@dataclass(frozen=True)
class EvalItem:
    id: int
    event_id: int
    position: int
    kind: EvalKind
    text: str


@dataclass(frozen=True)
class Participant:
    id: int
    event_id: int
    seq: int
    table_no: int | None = None

    @property
    def pseudonym(self) -> str:
        return f"P{self.seq:03d}"
