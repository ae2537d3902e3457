"""Size limits on organiser input: every text field and list of the event file and editor.

Attendee text has its limits in eventkit.models; these are the organiser's.
They are generous for real events (the demo's longest story is under 1,500
characters) and stop a pasted megabyte from reaching every phone's screen.
eventkit.event.check applies them, for the event file and the editor alike.
"""

from __future__ import annotations

from collections.abc import Sized

import yaml

MAX_FILE_CHARS = 1_000_000  # a whole event file; the demo is 16,000
MAX_DEPTH = 40  # lists and mappings inside each other; an event file needs 6
MAX_EXPECTED = 100_000  # people an organiser may expect at one event
# Characters per text, by field name (a list's items use the list's name).
TEXT_LIMITS = {
    "title": 200,
    "subtitle": 300,
    "date": 40,
    "venue": 200,
    "welcome": 5_000,
    "question": 500,
    "options": 200,
    "correct": 200,
    "unit": 40,
    "fact": 3_000,
    "source": 500,
    "wall_prompts": 500,
    "discussion_prompts": 500,
    "prompts": 500,
    "name": 100,
    "story": 10_000,
    "text": 500,
    "themes": 100,
    "word_filter": 100,
    "public_base_url": 200,
    "facilitator_passcode": 200,
    "facilitator_passcode_hash": 300,
}
# Items per list, by field name.
COUNT_LIMITS = {
    "polls": 200,
    "options": 20,
    "wall_prompts": 50,
    "tables": 500,
    "vignettes": 20,
    "prompts": 30,
    "discussion_prompts": 30,
    "evaluation": 100,
    "themes": 200,
    "word_filter": 500,
}


def too_long(key: str, value: str) -> str:
    """The message for a text over its field's limit, or ''."""
    limit = TEXT_LIMITS.get(key)
    if limit is None or len(value) <= limit:
        return ""
    return f"is too long: {len(value):,} characters, at most {limit:,}"


def too_many(key: str, items: Sized) -> str:
    """The message for a list over its field's limit, or ''."""
    limit = COUNT_LIMITS.get(key)
    if limit is None or len(items) <= limit:
        return ""
    return f"has {len(items):,} items, at most {limit:,}"


def depth_problem(text: str) -> tuple[int, str] | None:
    """(line, message) where the file first nests deeper than MAX_DEPTH, or None.

    Reads the file as a stream of YAML events, which needs no recursion
    (composing it into a tree recurses once per level and fails far down).
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return (
                        event.start_mark.line + 1,
                        f"is nested too deeply: more than {MAX_DEPTH} lists or mappings inside each other "
                        "(an event file needs at most 6)",
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported by the parser as invalid YAML
    return None
