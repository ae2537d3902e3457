"""Editing an EventSpec: small pure steps the editor pages combine, and one check.

Every edit makes a new spec from the current one with `dataclasses.replace`;
`save` checks it with the event file's own check (eventkit.event.check), so
the editor applies exactly the rules and field names of the event file, and
makes the event match it in one Store call.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from eventkit.access.security import hash_passcode
from eventkit.event.check import checked
from eventkit.event.spec import DEFAULT_THEMES, EvaluationItemSpec, EventSpec, PollSpec, TableSpec, VignetteSpec
from eventkit.storage import Store


def new_event_spec(code: str, title: str, date: str = "") -> EventSpec:
    """A new, empty event (default themes) from its code, title and date."""
    return checked(EventSpec(code=code, title=title, date=date, themes=DEFAULT_THEMES))


def save(store: Store, event_id: int, spec: EventSpec) -> EventSpec:
    """Make the event match the spec (one transaction; the Store checks it): the spec as saved."""
    return store.update_event(event_id, spec)


def lines(text: str) -> tuple[str, ...]:
    """Non-empty lines of a text area, trimmed."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def with_details(spec: EventSpec, details: dict, settings: dict, passcode: str = "") -> EventSpec:
    """Replace title, dates, welcome and settings; a new passcode is hashed here."""
    hashed = hash_passcode(passcode) if passcode else spec.facilitator_passcode_hash
    return replace(spec, **details, settings=replace(spec.settings, **settings), facilitator_passcode_hash=hashed)


def poll_from_form(
    kind: str,
    question: str,
    options: str,
    correct: str,
    true_value: float | None,
    low: float | None,
    high: float | None,
    unit: str,
    fact: str,
    source: str,
    repeat_of: int | None,
) -> PollSpec:
    """A poll from the editor's form fields (the fields of the other kind are left out)."""
    poll = PollSpec(kind=kind, question=question, fact=fact, source=source, repeat_of=repeat_of)
    if kind == "choice":
        return replace(poll, options=lines(options), correct=correct.strip() or None)
    return replace(poll, true_value=true_value, min=low, max=high, unit=unit)


def vignette_from_form(title: str, story: str, prompts: str) -> VignetteSpec:
    """A vignette from the editor's fields (prompts one per line)."""
    return VignetteSpec(title=title.strip(), story=story.strip(), prompts=lines(prompts))


def put_poll(spec: EventSpec, index: int | None, poll: PollSpec, position: int | None = None) -> EventSpec:
    """Replace poll `index` (0-based; None adds one) and move it to `position` (1-based)."""
    polls = list(spec.polls)
    if index is None:
        polls.append(poll)
        index = len(polls) - 1
    else:
        polls[index] = poll
    order = list(range(len(polls)))
    target = min(max((position or index + 1) - 1, 0), len(polls) - 1)
    order.insert(target, order.pop(index))
    return replace(spec, polls=_reordered(polls, order))


def drop_poll(spec: EventSpec, index: int) -> EventSpec:
    """Remove poll `index` (0-based); repeats of it stop being repeats."""
    return replace(spec, polls=_reordered(list(spec.polls), [i for i in range(len(spec.polls)) if i != index]))


def _reordered(polls: list[PollSpec], order: list[int]) -> tuple[PollSpec, ...]:
    """Polls in a new order (old indexes), with repeat_of renumbered to match."""
    new_number = {old: new for new, old in enumerate(order, start=1)}
    out = []
    for old in order:
        target = polls[old].repeat_of
        repeat_of = new_number.get(target - 1) if target else None
        if repeat_of is not None and repeat_of >= new_number[old]:
            repeat_of = None  # a repeat must come after the poll it repeats
        out.append(replace(polls[old], repeat_of=repeat_of))
    return tuple(out)


def put_vignettes(spec: EventSpec, number: int, name: str, vignettes: list[VignetteSpec]) -> EventSpec:
    """Set one table's name and vignettes (adding the table if new)."""
    tables = [t for t in spec.tables if t.number != number]
    tables.append(TableSpec(number, name.strip() or f"Table {number}", tuple(vignettes)))
    return replace(spec, tables=tuple(sorted(tables, key=lambda t: t.number)))


def drop_table(spec: EventSpec, number: int) -> EventSpec:
    return replace(spec, tables=tuple(t for t in spec.tables if t.number != number))


def evaluation_rows(spec: EventSpec) -> list[dict]:
    """The evaluation items as rows (dicts), as with_wall_and_evaluation also takes them."""
    return [{"kind": item.kind, "text": item.text} for item in spec.evaluation]


def prompt_frame(spec: EventSpec) -> pd.DataFrame:
    """The wall prompts as an editable table: one text column, even when there are none yet."""
    return pd.DataFrame({"prompt": pd.Series(spec.wall_prompts, dtype="string")})


def evaluation_frame(spec: EventSpec) -> pd.DataFrame:
    """The evaluation items as an editable table (kind, text), even when there are none yet."""
    return pd.DataFrame(
        {
            column: pd.Series([str(getattr(item, column) or "") for item in spec.evaluation], dtype="string")
            for column in ("kind", "text")
        }
    )


def _records(rows: pd.DataFrame | list[dict]) -> list[dict]:
    """Rows of an edited table as dicts, with empty cells (None, NaN, NA) as ""."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    return [
        {
            k: "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v).strip()
            for k, v in r.items()
        }
        for r in records
    ]


def with_wall_and_evaluation(
    spec: EventSpec, prompt_rows: pd.DataFrame | list[dict], item_rows: pd.DataFrame | list[dict]
) -> EventSpec:
    """Wall prompts and evaluation items from the editor's tables (blank rows dropped)."""
    prompts = [r.get("prompt", "") for r in _records(prompt_rows)]
    items = [
        EvaluationItemSpec(r.get("kind", ""), r.get("text", ""))
        for r in _records(item_rows)
        if r.get("kind") or r.get("text")
    ]
    return replace(spec, wall_prompts=tuple(p for p in prompts if p), evaluation=tuple(items))


def as_float(value) -> float | None:
    """A number for a number input (None stays None)."""
    return None if value is None else float(value)
