"""The human-editable event file (YAML): parse and validate, and write back.

`parse_event_file` returns an EventSpec or raises EventFileError listing
every problem with its field path and line number, so nothing is imported
from a file that has any mistake in it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import limits
from .links import AddressError, normalise_base_url
from .models import EVAL_KINDS, POLL_KINDS, EventSpec
from .security import hash_passcode

TOP_KEYS = {
    "code", "title", "subtitle", "date", "venue", "welcome", "facilitator_passcode",
    "facilitator_passcode_hash", "settings", "polls", "wall_prompts", "discussion_prompts",
    "tables", "evaluation", "themes",
}
SETTINGS_KEYS = {"premoderate", "word_filter", "retention_days", "public_base_url", "expected_attendance"}
MAX_EXPECTED = 100_000
POLL_KEYS = {
    "kind", "question", "options", "correct", "true_value", "unit", "min", "max", "fact", "source", "repeat_of",
}
TABLE_KEYS = {"number", "name", "vignettes"}
VIGNETTE_KEYS = {"title", "story", "prompts"}
EVAL_KEYS = {"kind", "text"}
CODE_RE = re.compile(r"^[A-Z0-9]{3,12}$")
DEFAULT_THEMES = ["Referrals", "Resources", "Knowledge", "Data protection", "Who"]


@dataclass(frozen=True)
class FieldError:
    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.field}{where}: {self.message}"


class EventFileError(ValueError):
    """An event file that cannot be imported; `.errors` lists each problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def load_event_file(path: str | Path) -> EventSpec:
    """Read and validate an event file from disk."""
    return parse_event_file(Path(path).read_text(encoding="utf-8"))


def parse_event_file(text: str) -> EventSpec:
    """Validate event-file text and return its EventSpec."""
    if len(text) > limits.MAX_FILE_CHARS:
        raise EventFileError([FieldError("file", None, f"is too big: {len(text):,} characters, "
                                                       f"at most {limits.MAX_FILE_CHARS:,}")])
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise EventFileError([FieldError("file", mark.line + 1 if mark else None, f"not valid YAML: {err}")]) from None
    except RecursionError:  # composing recurses once per level of nesting
        line, message = limits.depth_problem(text) or (None, "is nested too deeply")
        raise EventFileError([FieldError("file", line, message)]) from None
    if not isinstance(data, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise EventFileError([FieldError("file", line, "must be a mapping of fields such as code, title, polls")])
    checker = _Checker(root)
    spec = checker.spec(data)
    if checker.errors:
        raise EventFileError(checker.errors)
    return spec


class _Checker:
    """Walks the parsed data, collecting errors located by field path and line."""

    def __init__(self, root: yaml.Node) -> None:
        self.root = root
        self.errors: list[FieldError] = []

    def fail(self, path: tuple, message: str) -> None:
        self.errors.append(FieldError(field_path(path), _line(self.root, path), message))

    def text(self, data: dict, path: tuple, key: str, *, required: bool = False, default: str = "") -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(path + (key,), "is required")
            return default
        if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(path + (key,), "must be text")
            return default
        if message := limits.too_long(key, value.strip()):
            self.fail(path + (key,), message)
            return default
        return value.strip()

    def texts(self, data: dict, path: tuple, key: str) -> list[str]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(path + (key,), "must be a list of non-empty texts")
            return []
        if message := limits.too_many(key, value):
            self.fail(path + (key,), message)
        for i, v in enumerate(value[: limits.COUNT_LIMITS.get(key)]):
            if message := limits.too_long(key, v.strip()):
                self.fail(path + (key, i), message)
        return [v.strip() for v in value]

    def number(self, data: dict, path: tuple, key: str, *, required: bool = False) -> float | int | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path + (key,), "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(path + (key,), "must be a number")
            return None
        return value

    def items(self, data: dict, key: str, path: tuple = ()) -> list[tuple[tuple, dict]]:
        value = data.get(key) or []
        if not isinstance(value, list):
            self.fail(path + (key,), "must be a list")
            return []
        if message := limits.too_many(key, value):
            self.fail(path + (key,), message)
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append((path + (key, i), item))
            else:
                self.fail(path + (key, i), "must be a mapping of fields")
        return out

    def known(self, data: dict, path: tuple, allowed: set[str]) -> None:
        """Report keys that are not fields here (a typo would otherwise be silently ignored)."""
        for key in data:
            if key not in allowed:
                self.fail(path + (str(key),), f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def spec(self, data: dict) -> EventSpec:
        self.known(data, (), TOP_KEYS)
        code = self.text(data, (), "code", required=True).upper()
        if code and not CODE_RE.match(code):
            self.fail(("code",), "must be 3-12 letters or digits, e.g. FIFE16")
        discussion = self.texts(data, (), "discussion_prompts")
        themes = self.texts(data, (), "themes") if "themes" in data else list(DEFAULT_THEMES)
        if len(set(t.lower() for t in themes)) != len(themes):
            self.fail(("themes",), "has the same theme twice")
        return EventSpec(
            code=code,
            title=self.text(data, (), "title", required=True),
            subtitle=self.text(data, (), "subtitle"),
            date=self.text(data, (), "date"),
            venue=self.text(data, (), "venue"),
            welcome=self.text(data, (), "welcome"),
            facilitator_passcode_hash=self.passcode(data),
            settings=self.settings(data.get("settings") or {}),
            polls=[self.poll(path, p, path[1]) for path, p in self.items(data, "polls")],
            wall_prompts=self.texts(data, (), "wall_prompts"),
            tables=self.tables(data, discussion),
            evaluation=[self.eval_item(path, e) for path, e in self.items(data, "evaluation")],
            themes=themes,
        )

    def passcode(self, data: dict) -> str:
        plain = self.text(data, (), "facilitator_passcode")
        hashed = self.text(data, (), "facilitator_passcode_hash")
        if plain and len(plain) < 4:
            self.fail(("facilitator_passcode",), "must be at least 4 characters")
        return hash_passcode(plain) if plain else hashed

    def settings(self, s: object) -> dict:
        if not isinstance(s, dict):
            self.fail(("settings",), "must be a mapping")
            return {}
        self.known(s, ("settings",), SETTINGS_KEYS)
        premoderate = s.get("premoderate")
        if premoderate is not None and not isinstance(premoderate, bool):
            self.fail(("settings", "premoderate"), "must be true or false")
        out: dict = {"premoderate": premoderate is True}
        out["word_filter"] = self.texts(s, ("settings",), "word_filter")
        days = self.number(s, ("settings",), "retention_days")
        if days is not None and (int(days) != days or days < 1):
            self.fail(("settings", "retention_days"), "must be a whole number of days, 1 or more")
        out["retention_days"] = int(days or 180)
        expected = self.number(s, ("settings",), "expected_attendance")
        if expected is not None and (int(expected) != expected or not 0 <= expected <= MAX_EXPECTED):
            self.fail(("settings", "expected_attendance"), f"must be a whole number of people, 0 to {MAX_EXPECTED:,}")
        elif expected:
            out["expected_attendance"] = int(expected)
        url = self.text(s, ("settings",), "public_base_url")
        if url:
            try:
                out["public_base_url"] = normalise_base_url(url)
            except AddressError as err:
                self.fail(("settings", "public_base_url"), str(err))
        return out

    def poll(self, path: tuple, p: dict, index: int) -> dict:
        self.known(p, path, POLL_KEYS)
        kind = p.get("kind", "choice")
        if kind not in POLL_KINDS:
            self.fail(path + ("kind",), f"must be one of {', '.join(POLL_KINDS)}")
        out = {
            "kind": kind, "question": self.text(p, path, "question", required=True),
            "fact": self.text(p, path, "fact"), "source": self.text(p, path, "source"),
            "repeat_of": self.repeat_of(path, p, index),
        }
        if kind == "estimate":
            out.update(self.estimate(path, p))
        else:
            out.update(self.choice(path, p))
        return out

    def repeat_of(self, path: tuple, p: dict, index: int) -> int | None:
        value = p.get("repeat_of")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= index:
            self.fail(path + ("repeat_of",), f"must be the number (1 to {index}) of an earlier poll")
            return None
        return value

    def choice(self, path: tuple, p: dict) -> dict:
        options = self.texts(p, path, "options")
        if len(options) < 2:
            self.fail(path + ("options",), "needs at least two options")
        if len(set(options)) != len(options):
            self.fail(path + ("options",), "has the same option twice")
        correct = self.text(p, path, "correct") or None
        if correct is not None and correct not in options:
            self.fail(path + ("correct",), "must be exactly one of the options")
        return {"options": options, "correct": correct}

    def estimate(self, path: tuple, p: dict) -> dict:
        true = self.number(p, path, "true_value", required=True)
        low, high = self.number(p, path, "min"), self.number(p, path, "max")
        if low is not None and high is not None and low >= high:
            self.fail(path + ("max",), "must be greater than min")
        elif true is not None and ((low is not None and true < low) or (high is not None and true > high)):
            self.fail(path + ("true_value",), "must lie between min and max")
        return {"true_value": true, "unit": self.text(p, path, "unit"), "min": low, "max": high}

    def tables(self, data: dict, discussion: list[str]) -> list[dict]:
        out, seen = [], set()
        for path, t in self.items(data, "tables"):
            self.known(t, path, TABLE_KEYS)
            number = t.get("number")
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                self.fail(path + ("number",), "must be a whole number, 1 or more")
            elif number in seen:
                self.fail(path + ("number",), f"table {number} appears twice")
            else:
                seen.add(number)
            vignettes = []
            for full, v in self.items(t, "vignettes", path):
                self.known(v, full, VIGNETTE_KEYS)
                prompts = self.texts(v, full, "prompts") if "prompts" in v else list(discussion)
                vignettes.append({
                    "title": self.text(v, full, "title", required=True),
                    "story": self.text(v, full, "story"), "prompts": prompts,
                })
            out.append({"number": number, "name": self.text(t, path, "name") or f"Table {number}", "vignettes": vignettes})
        return out

    def eval_item(self, path: tuple, e: dict) -> dict:
        self.known(e, path, EVAL_KEYS)
        kind = e.get("kind")
        if kind not in EVAL_KINDS:
            self.fail(path + ("kind",), f"must be one of {', '.join(EVAL_KINDS)}")
        return {"kind": kind, "text": self.text(e, path, "text", required=True)}


def field_path(path: tuple) -> str:
    """polls[2].options as people read it, from ("polls", 1, "options")."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"


def _line(node: yaml.Node | None, path: tuple) -> int | None:
    """The 1-based line of the deepest field along the path that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        child = _child(node, part)
        if child is None:
            break
        node, line = child
    return line


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node, int] | None:
    """The node at a key or index, with the line of its key (a value may start lines later)."""
    if isinstance(node, yaml.MappingNode):
        return next(((v, k.start_mark.line + 1) for k, v in node.value if k.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item = node.value[part]
        return item, item.start_mark.line + 1
    return None


def dump_event_file(spec: EventSpec) -> str:
    """Write an EventSpec as event-file YAML that parses back to the same spec."""
    return yaml.dump(_as_document(spec), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _as_document(spec: EventSpec) -> dict:
    doc: dict = {"code": spec.code, "title": spec.title}
    for key in ("subtitle", "date", "venue", "welcome"):
        if getattr(spec, key):
            doc[key] = getattr(spec, key)
    if spec.facilitator_passcode_hash:
        doc["facilitator_passcode_hash"] = spec.facilitator_passcode_hash
    doc["settings"] = spec.settings
    doc["polls"] = [{k: v for k, v in p.items() if v not in (None, "")} for p in spec.polls]
    doc["wall_prompts"] = spec.wall_prompts
    prompt_sets = {tuple(v["prompts"]) for t in spec.tables for v in t["vignettes"]}
    shared = len(prompt_sets) == 1
    if shared:
        doc["discussion_prompts"] = list(next(iter(prompt_sets)))
    doc["tables"] = [
        {"number": t["number"], "name": t["name"], "vignettes": [
            {k: v for k, v in vig.items() if not (shared and k == "prompts")} for vig in t["vignettes"]
        ]}
        for t in spec.tables
    ]
    doc["evaluation"] = spec.evaluation
    doc["themes"] = spec.themes
    return doc


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as readable `|` blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
