"""The event file's fields mapped onto an EventSpec, reporting mistakes of shape only.

`spec_from_data` takes the parsed YAML (a mapping) and returns the spec and
the shape mistakes: an unknown field (a typo would otherwise be silently
ignored), a list or mapping where there should be none, something other
than text where text belongs. Values are checked afterwards, by
eventkit.event.check, exactly as the editor's are. A field with a shape
mistake is given its empty value, so each problem is reported once.
One thing exists only in the file: discussion_prompts (for every vignette
without its own prompts). A plain facilitator_passcode is kept as typed
(the Store hashes it when it saves the spec), so the same file always
gives the same spec.
"""

from __future__ import annotations

import datetime as dt

from eventkit.event.check import text_list_problems
from eventkit.event.spec import (
    DEFAULT_THEMES,
    EvaluationItemSpec,
    EventSpec,
    FieldError,
    PollSpec,
    SettingsSpec,
    TableSpec,
    VignetteSpec,
)

TEXTS = ("title", "subtitle", "date", "venue", "welcome")
TOP_KEYS = {
    "code",
    *TEXTS,
    "facilitator_passcode",
    "facilitator_passcode_hash",
    "settings",
    "polls",
    "wall_prompts",
    "discussion_prompts",
    "tables",
    "evaluation",
    "themes",
}
SETTINGS_KEYS = {"premoderate", "word_filter", "retention_days", "public_base_url", "expected_attendance"}
POLL_KEYS = {
    "kind",
    "question",
    "options",
    "correct",
    "true_value",
    "unit",
    "min",
    "max",
    "fact",
    "source",
    "repeat_of",
}
TABLE_KEYS = {"number", "name", "vignettes"}
VIGNETTE_KEYS = {"title", "story", "prompts"}
EVAL_KEYS = {"kind", "text"}


def spec_from_data(data: dict) -> tuple[EventSpec, list[FieldError]]:
    """The spec the file describes, and its mistakes of shape."""
    fields = _Fields()
    return fields.spec(data), fields.errors


class _Fields:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: tuple, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def known(self, data: dict, path: tuple, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                self.fail(path + (str(key),), f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def text(self, data: dict, path: tuple, key: str) -> str:
        """Text as written; a number or date is text too (code: 2016, date: 2016-05-18)."""
        value = data.get(key)
        if value is None or isinstance(value, str):
            return value or ""
        if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
            return str(value)
        self.fail(path + (key,), "must be text")
        return ""

    def texts(self, data: dict, path: tuple, key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(path + (key,), "must be a list of non-empty texts")
            return ()
        return tuple(value)

    def items(self, data: dict, path: tuple, key: str) -> list[tuple[tuple, dict]]:
        """Each mapping in a list with its path; anything else in the list is reported and read as empty."""
        value = data.get(key) or []
        if not isinstance(value, list):
            self.fail(path + (key,), "must be a list")
            return []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(path + (key, i), "must be a mapping of fields")
        return [(path + (key, i), item if isinstance(item, dict) else {}) for i, item in enumerate(value)]

    def spec(self, data: dict) -> EventSpec:
        self.known(data, (), TOP_KEYS)
        discussion = self.discussion_prompts(data)
        return EventSpec(
            code=self.text(data, (), "code"),
            **{key: self.text(data, (), key) for key in TEXTS},
            facilitator_passcode=self.text(data, (), "facilitator_passcode"),
            facilitator_passcode_hash=self.text(data, (), "facilitator_passcode_hash"),
            settings=self.settings(data.get("settings") or {}),
            polls=tuple(self.poll(path, p) for path, p in self.items(data, (), "polls")),
            wall_prompts=self.texts(data, (), "wall_prompts"),
            tables=tuple(self.table(path, t, discussion) for path, t in self.items(data, (), "tables")),
            evaluation=tuple(self.eval_item(path, e) for path, e in self.items(data, (), "evaluation")),
            themes=self.texts(data, (), "themes") if "themes" in data else DEFAULT_THEMES,
        )

    def discussion_prompts(self, data: dict) -> tuple[str, ...]:
        """The shared prompts, checked here (they are not part of the spec); () when they are wrong."""
        prompts = tuple(p.strip() for p in self.texts(data, (), "discussion_prompts"))
        found = text_list_problems(("discussion_prompts",), prompts)
        self.errors += found
        return () if found else prompts

    def settings(self, s: object) -> SettingsSpec:
        if not isinstance(s, dict):
            self.fail(("settings",), "must be a mapping")
            return SettingsSpec()
        path = ("settings",)
        self.known(s, path, SETTINGS_KEYS)
        premoderate, days, expected = s.get("premoderate"), s.get("retention_days"), s.get("expected_attendance")
        return SettingsSpec(
            premoderate=False if premoderate is None else premoderate,
            word_filter=self.texts(s, path, "word_filter"),
            retention_days=180 if days is None else days,
            public_base_url=self.text(s, path, "public_base_url"),
            expected_attendance=0 if expected is None else expected,
        )

    def poll(self, path: tuple, p: dict) -> PollSpec:
        self.known(p, path, POLL_KEYS)
        correct = self.text(p, path, "correct")
        return PollSpec(
            kind=p.get("kind", "choice"),
            question=self.text(p, path, "question"),
            options=self.texts(p, path, "options"),
            correct=correct or None,
            true_value=p.get("true_value"),
            unit=self.text(p, path, "unit"),
            min=p.get("min"),
            max=p.get("max"),
            fact=self.text(p, path, "fact"),
            source=self.text(p, path, "source"),
            repeat_of=p.get("repeat_of"),
        )

    def table(self, path: tuple, t: dict, discussion: tuple[str, ...]) -> TableSpec:
        self.known(t, path, TABLE_KEYS)
        vignettes = []
        for vpath, v in self.items(t, path, "vignettes"):
            self.known(v, vpath, VIGNETTE_KEYS)
            prompts = self.texts(v, vpath, "prompts") if "prompts" in v else discussion
            vignettes.append(VignetteSpec(self.text(v, vpath, "title"), self.text(v, vpath, "story"), prompts))
        return TableSpec(t.get("number", 0), self.text(t, path, "name"), tuple(vignettes))

    def eval_item(self, path: tuple, e: dict) -> EvaluationItemSpec:
        self.known(e, path, EVAL_KEYS)
        return EvaluationItemSpec(e.get("kind", ""), self.text(e, path, "text"))
