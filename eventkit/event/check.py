"""The one check of an EventSpec, for the event file and the editor alike.

`checked(spec)` returns the spec as it will be saved (texts trimmed, the
code in capitals, the public address normalised, default table names) or
raises EventFileError listing every problem by field path, such as
"polls[2].options". The event file adds line numbers; the editor has none.
Number fields are checked for being numbers here, since the editor's
fields can be empty too; texts and lists are already texts and sequences.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import replace
from typing import TypeVar

from eventkit.event import limits
from eventkit.event.links import AddressError, normalise_base_url
from eventkit.event.spec import EventFileError, EventSpec, FieldError, PollSpec, SettingsSpec, TableSpec
from eventkit.models import EVAL_KINDS, POLL_KINDS, table_label
from eventkit.text import direction_controls

T = TypeVar("T")

CODE_RE = re.compile(r"^[A-Z0-9]{3,12}$")


def checked(spec: EventSpec) -> EventSpec:
    """The tidied spec, or EventFileError naming every problem."""
    tidied = tidy(spec)
    errors = problems(tidied)
    if errors:
        raise EventFileError(errors)
    return tidied


# --- Tidying: what every entry point does to what people typed ----------------------------------


def tidy(spec: EventSpec) -> EventSpec:
    """Texts trimmed, the code in capitals, defaults filled in; a valid spec is unchanged by it."""
    return replace(
        spec,
        code=_trim(spec.code).upper(),
        title=_trim(spec.title),
        subtitle=_trim(spec.subtitle),
        date=_trim(spec.date),
        venue=_trim(spec.venue),
        welcome=_trim(spec.welcome),
        facilitator_passcode_hash=_trim(spec.facilitator_passcode_hash),
        facilitator_passcode=_trim(spec.facilitator_passcode),
        settings=_tidy_settings(spec.settings),
        polls=tuple(_tidy_poll(p) for p in spec.polls),
        wall_prompts=_trims(spec.wall_prompts),
        tables=tuple(_tidy_table(t) for t in spec.tables),
        evaluation=tuple(replace(e, text=_trim(e.text)) for e in spec.evaluation),
        themes=_trims(spec.themes),
    )


def _trim(text: str | None) -> str:
    return (text or "").strip()


def _trims(texts: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(_trim(t) for t in texts)


def _tidy_settings(s: SettingsSpec) -> SettingsSpec:
    url = _trim(s.public_base_url)
    with contextlib.suppress(AddressError):  # reported by the check
        url = normalise_base_url(url) if url else ""
    return replace(
        s,
        word_filter=_trims(s.word_filter),
        public_base_url=url,
        retention_days=_whole(s.retention_days),
        expected_attendance=_whole(s.expected_attendance),
    )


def _whole(value: int) -> int:
    """30.0 as 30; anything else as it is (the check says what is wrong with it: a file may give a float here)."""
    given: object = value  # typed int, but as the file gave it until checked
    return int(given) if isinstance(given, float) and given.is_integer() else value


def _tidy_poll(p: PollSpec) -> PollSpec:
    """Trimmed, keeping only the fields of its kind (an unknown kind is checked as a choice)."""
    p = replace(p, question=_trim(p.question), fact=_trim(p.fact), source=_trim(p.source))
    if p.kind == "estimate":
        return replace(p, options=(), correct=None, unit=_trim(p.unit))
    return replace(
        p, options=_trims(p.options), correct=_trim(p.correct) or None, true_value=None, unit="", min=None, max=None
    )


def _tidy_table(t: TableSpec) -> TableSpec:
    vignettes = tuple(
        replace(v, title=_trim(v.title), story=_trim(v.story), prompts=_trims(v.prompts)) for v in t.vignettes
    )
    return replace(t, name=table_label(t.number, _trim(t.name)), vignettes=vignettes)


# --- The check ------------------------------------------------------------------------------


def problems(spec: EventSpec) -> list[FieldError]:
    """Every problem with a tidied spec, in the order of its fields."""
    check = _Check()
    if check.text(("code",), spec.code, required=True) and not CODE_RE.match(spec.code):
        check.fail(("code",), "must be 3-12 letters or digits, e.g. FIFE16")
    for key in ("title", "subtitle", "date", "venue", "welcome", "facilitator_passcode", "facilitator_passcode_hash"):
        check.text((key,), getattr(spec, key), required=key == "title")
    if spec.facilitator_passcode and len(spec.facilitator_passcode) < 4:
        check.fail(("facilitator_passcode",), "must be at least 4 characters")
    _check_settings(check, spec.settings)
    for path, poll in check.items(("polls",), spec.polls):
        _check_poll(check, path, poll)
    check.texts(("wall_prompts",), spec.wall_prompts)
    _check_tables(check, spec.tables)
    for path, item in check.items(("evaluation",), spec.evaluation):
        if item.kind not in EVAL_KINDS:
            check.fail(path + ("kind",), f"must be one of {', '.join(EVAL_KINDS)}")
        check.text(path + ("text",), item.text, required=True)
    if check.texts(("themes",), spec.themes) and len({t.lower() for t in spec.themes}) != len(spec.themes):
        check.fail(("themes",), "has the same theme twice")
    return check.errors


def text_list_problems(path: tuple, texts: tuple[str, ...]) -> list[FieldError]:
    """The problems of one list of texts (for the event file's discussion_prompts)."""
    check = _Check()
    check.texts(path, texts)
    return check.errors


class _Check:
    """Collects FieldErrors; each helper returns whether its field was fine."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: tuple, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def text(self, path: tuple, value: str | None, *, required: bool = False) -> bool:
        """A text within its field's limit (named by the path's last field); '' is missing."""
        key = next(part for part in reversed(path) if isinstance(part, str))
        if value:
            message = limits.too_long(key, value) or _direction_problem(value)
        else:
            message = "is required" if required else ""
        if message:
            self.fail(path, message)
        return not message and bool(value)

    def texts(self, path: tuple, values: tuple[str, ...]) -> bool:
        """A list of non-empty texts within its count and length limits."""
        if not all(values):
            self.fail(path, "must be a list of non-empty texts")
            return False
        ok = self.count(path, values)
        for i, value in enumerate(values[: limits.COUNT_LIMITS.get(path[-1])]):
            ok = self.text(path + (i,), value) and ok
        return ok

    def count(self, path: tuple, values: tuple) -> bool:
        if message := limits.too_many(path[-1], values):
            self.fail(path, message)
        return not message

    def items(self, path: tuple, values: tuple[T, ...]) -> list[tuple[tuple, T]]:
        """Each item with its path; none when there are too many (each would only repeat it)."""
        return [(path + (i,), v) for i, v in enumerate(values)] if self.count(path, values) else []

    def number(self, path: tuple, value: object, *, required: bool = False) -> bool:
        """A finite number (True when it is one); None is missing."""
        if value is None:
            if required:
                self.fail(path, "is required")
            return False
        if not _is_number(value):
            self.fail(path, "must be a number")
            return False
        return True

    def whole(self, path: tuple, value: object, low: int, high: int | None, message: str, *, required: bool) -> None:
        if (
            self.number(path, value, required=required)
            and isinstance(value, int | float)
            and (int(value) != value or value < low or (high is not None and value > high))
        ):
            self.fail(path, message)


def _direction_problem(value: str) -> str:
    """Bidi embeddings, overrides and isolates make text show in another order than it reads
    (phones and the projector would show it so); right-to-left text needs none of them."""
    found = direction_controls(value)
    if not found:
        return ""
    return f"contains an invisible direction control ({', '.join(found)}) that changes how it shows: remove it"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_settings(check: _Check, s: SettingsSpec) -> None:
    path = ("settings",)
    if not isinstance(s.premoderate, bool):
        check.fail(path + ("premoderate",), "must be true or false")
    check.texts(path + ("word_filter",), s.word_filter)
    check.whole(
        path + ("retention_days",),
        s.retention_days,
        1,
        None,
        "must be a whole number of days, 1 or more",
        required=True,
    )
    check.whole(
        path + ("expected_attendance",),
        s.expected_attendance,
        0,
        limits.MAX_EXPECTED,
        f"must be a whole number of people, 0 to {limits.MAX_EXPECTED:,}",
        required=False,
    )
    if check.text(path + ("public_base_url",), s.public_base_url):
        try:
            normalise_base_url(s.public_base_url)
        except AddressError as err:
            check.fail(path + ("public_base_url",), str(err))


def _check_poll(check: _Check, path: tuple, p: PollSpec) -> None:
    if p.kind not in POLL_KINDS:
        check.fail(path + ("kind",), f"must be one of {', '.join(POLL_KINDS)}")
    check.text(path + ("question",), p.question, required=True)
    check.text(path + ("fact",), p.fact)
    check.text(path + ("source",), p.source)
    earlier = path[-1]  # polls before this one
    repeat = p.repeat_of
    if repeat is not None and (isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= earlier):
        check.fail(path + ("repeat_of",), f"must be the number (1 to {earlier}) of an earlier poll")
    if p.kind == "estimate":
        _check_estimate(check, path, p)
    else:
        _check_choice(check, path, p)


def _check_choice(check: _Check, path: tuple, p: PollSpec) -> None:
    check.texts(path + ("options",), p.options)
    if len(p.options) < 2:
        check.fail(path + ("options",), "needs at least two options")
    if len(set(p.options)) != len(p.options):
        check.fail(path + ("options",), "has the same option twice")
    if check.text(path + ("correct",), p.correct) and p.correct not in p.options:
        check.fail(path + ("correct",), "must be exactly one of the options")


def _check_estimate(check: _Check, path: tuple, p: PollSpec) -> None:
    true = p.true_value if check.number(path + ("true_value",), p.true_value, required=True) else None
    low = p.min if check.number(path + ("min",), p.min) else None
    high = p.max if check.number(path + ("max",), p.max) else None
    if low is not None and high is not None and low >= high:
        check.fail(path + ("max",), "must be greater than min")
    elif true is not None and ((low is not None and true < low) or (high is not None and true > high)):
        check.fail(path + ("true_value",), "must lie between min and max")
    check.text(path + ("unit",), p.unit)


def _check_tables(check: _Check, tables: tuple[TableSpec, ...]) -> None:
    seen: set[int] = set()
    for path, t in check.items(("tables",), tables):
        number = t.number
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            check.fail(path + ("number",), "must be a whole number, 1 or more")
        elif number in seen:
            check.fail(path + ("number",), f"table {number} appears twice")
        else:
            seen.add(number)
        check.text(path + ("name",), t.name)
        for vpath, v in check.items(path + ("vignettes",), t.vignettes):
            check.text(vpath + ("title",), v.title, required=True)
            check.text(vpath + ("story",), v.story)
            check.texts(vpath + ("prompts",), v.prompts)
