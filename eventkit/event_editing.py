"""Editing an EventSpec: small pure steps the editor pages combine, and one check.

Every edit makes a new spec from the current one; `validated` then writes
it as an event file and parses it back, so the editor applies exactly the
rules (and field names) of the event file. Saving is then one Store call.
"""

from __future__ import annotations

from dataclasses import replace

import yaml

from . import limits
from .eventfile import EventFileError, FieldError, dump_event_file, field_path, parse_event_file
from .models import EventSpec
from .security import hash_passcode
from .storage import Store


def validated(spec: EventSpec) -> EventSpec:
    """The spec after a round trip through the event file; raises EventFileError.

    Texts over their limit are refused first, by field name (a pasted
    megabyte would otherwise only be reported as a file that is too big).
    """
    _refuse_oversized(spec)
    return parse_event_file(dump_event_file(spec))


def _refuse_oversized(spec: EventSpec) -> None:
    problems = limits.spec_problems(spec)
    if problems:
        raise EventFileError([FieldError(field_path(path), None, message) for path, message in problems])


def new_event_spec(code: str, title: str, date: str = "") -> EventSpec:
    """A new, empty event (default themes) from its code, title and date."""
    _refuse_oversized(EventSpec(code=code.strip(), title=title.strip(), date=date))
    doc = {"code": code.strip().upper(), "title": title.strip()}
    if date:
        doc["date"] = date
    return parse_event_file(yaml.safe_dump(doc, allow_unicode=True))


def save(store: Store, event_id: int, spec: EventSpec) -> EventSpec:
    """Validate the spec and make the event match it (one transaction)."""
    checked = validated(spec)
    store.update_event(event_id, checked)
    return checked


def lines(text: str) -> list[str]:
    """Non-empty lines of a text area, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def with_details(spec: EventSpec, details: dict, settings: dict, passcode: str = "") -> EventSpec:
    """Replace title, dates, welcome and settings; a new passcode is hashed here."""
    hashed = hash_passcode(passcode) if passcode else spec.facilitator_passcode_hash
    return replace(spec, **details, settings={**spec.settings, **settings}, facilitator_passcode_hash=hashed)


def poll_from_form(kind: str, question: str, options: str, correct: str, true_value, low, high,
                   unit: str, fact: str, source: str, repeat_of: int | None) -> dict:
    """A poll dict in event-file shape from the editor's form fields."""
    poll: dict = {"kind": kind, "question": question.strip(), "fact": fact.strip(),
                  "source": source.strip(), "repeat_of": repeat_of}
    if kind == "choice":
        poll.update(options=lines(options), correct=correct.strip() or None)
    else:
        poll.update(true_value=true_value, min=low, max=high, unit=unit.strip())
    return poll


def put_poll(spec: EventSpec, index: int | None, poll: dict, position: int | None = None) -> EventSpec:
    """Replace poll `index` (0-based; None adds one) and move it to `position` (1-based)."""
    polls = [dict(p) for p in spec.polls]
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
    polls = [dict(p) for p in spec.polls]
    return replace(spec, polls=_reordered(polls, [i for i in range(len(polls)) if i != index]))


def _reordered(polls: list[dict], order: list[int]) -> list[dict]:
    """Polls in a new order (old indexes), with repeat_of renumbered to match."""
    new_number = {old: new for new, old in enumerate(order, start=1)}
    out = []
    for old in order:
        p = dict(polls[old])
        target = p.get("repeat_of")
        p["repeat_of"] = new_number.get(target - 1) if target else None
        if p["repeat_of"] is not None and p["repeat_of"] >= new_number[old]:
            p["repeat_of"] = None  # a repeat must come after the poll it repeats
        out.append(p)
    return out


def put_vignettes(spec: EventSpec, number: int, name: str, vignettes: list[dict]) -> EventSpec:
    """Set one table's name and vignettes (adding the table if new)."""
    tables = [dict(t) for t in spec.tables if t["number"] != number]
    tables.append({"number": number, "name": name.strip() or f"Table {number}", "vignettes": vignettes})
    return replace(spec, tables=sorted(tables, key=lambda t: t["number"]))


def drop_table(spec: EventSpec, number: int) -> EventSpec:
    return replace(spec, tables=[t for t in spec.tables if t["number"] != number])


def with_wall_and_evaluation(spec: EventSpec, prompt_rows: list[dict], item_rows: list[dict]) -> EventSpec:
    """Wall prompts and evaluation items from the editor's tables (blank rows dropped)."""
    prompts = [str(r.get("prompt") or "").strip() for r in prompt_rows]
    items = [{"kind": r.get("kind"), "text": str(r.get("text") or "").strip()} for r in item_rows
             if r.get("kind") or str(r.get("text") or "").strip()]
    return replace(spec, wall_prompts=[p for p in prompts if p], evaluation=items)


def as_float(value) -> float | None:
    """A number for a number input (None stays None)."""
    return None if value is None else float(value)
