"""The human-editable event file (YAML): read it into an EventSpec, and write one back.

`parse_event_file` returns a checked EventSpec or raises EventFileError
listing every problem with its field path and line number, so nothing is
imported from a file that has any mistake in it. The file's fields are
mapped onto the spec by eventkit.event.file_fields (mistakes of shape) and
its values checked by eventkit.event.check, the same check as the editor's;
this module adds the line of each problem from the YAML node tree.
"""

from __future__ import annotations

import typing
from dataclasses import asdict, replace
from pathlib import Path

import yaml

from eventkit.event import limits
from eventkit.event.check import problems, tidy
from eventkit.event.file_fields import spec_from_data
from eventkit.event.spec import EventFileError, EventSpec, FieldError, TableSpec


def load_event_file(path: str | Path) -> EventSpec:
    """Read and validate an event file from disk (UTF-8, with or without a byte-order mark)."""
    return parse_event_file(decoded(Path(path).read_bytes()))


def decoded(data: bytes) -> str:
    """An event file's text, or EventFileError naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        message = f"is not UTF-8 text (byte 0x{data[err.start]:02X}): save it as UTF-8 and import it again"
        raise _file_error(line, message) from None


def parse_event_file(text: str) -> EventSpec:
    """Check event-file text and return its EventSpec."""
    root, data = _parse_yaml(text)
    spec, shape_errors = spec_from_data(data)
    spec = tidy(spec)
    errors = shape_errors + [e for e in problems(spec) if not _under_any(e, shape_errors)]
    if errors:
        raise EventFileError([replace(e, line=_line(root, e.path)) for e in errors])
    return spec


def _parse_yaml(text: str) -> tuple[yaml.Node, dict]:
    """The node tree (for line numbers) and the data of a file that is one YAML mapping."""
    if len(text) > limits.MAX_FILE_CHARS:
        raise _file_error(None, f"is too big: {len(text):,} characters, at most {limits.MAX_FILE_CHARS:,}")
    try:
        root, data = _compose_and_construct(text)
    except _DuplicateKey as err:
        raise _file_error(err.line, err.message) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise _file_error(mark.line + 1 if mark else None, f"not valid YAML: {err}") from None
    except RecursionError:  # composing recurses once per level of nesting
        line, message = limits.depth_problem(text) or (None, "is nested too deeply")
        raise _file_error(line, message) from None
    if not isinstance(data, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise _file_error(line, "must be a mapping of fields such as code, title, polls")
    return root, data


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _UniqueKeysLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, typing.Hashable) and key in seen:
                raise _DuplicateKey(line, f"“{key}” is given twice (lines {seen[key]} and {line}): keep one")
            if isinstance(key, typing.Hashable):
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, object]:
    """One parse of the text: its node tree (for line numbers) and the data built from that tree."""
    loader = _UniqueKeysLoader(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()


def _file_error(line: int | None, message: str) -> EventFileError:
    return EventFileError([FieldError((), message, line)])


def _under_any(error: FieldError, shape_errors: list[FieldError]) -> bool:
    """Whether a field already has a mistake of shape (reported once, not again as a value)."""
    return any(error.path[: len(e.path)] == e.path for e in shape_errors)


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
    for key in ("subtitle", "date", "venue", "welcome", "facilitator_passcode_hash"):
        if getattr(spec, key):
            doc[key] = getattr(spec, key)
    s = spec.settings
    doc["settings"] = {
        "premoderate": s.premoderate,
        "word_filter": list(s.word_filter),
        "retention_days": s.retention_days,
        **{
            k: v
            for k, v in (("public_base_url", s.public_base_url), ("expected_attendance", s.expected_attendance))
            if v
        },
    }
    doc["polls"] = [{"kind": p.kind, **_plain(asdict(p), keep=("question",))} for p in spec.polls]
    doc["wall_prompts"] = list(spec.wall_prompts)
    doc.update(_tables_document(spec.tables))
    doc["evaluation"] = [_plain(asdict(e), keep=("kind", "text")) for e in spec.evaluation]
    doc["themes"] = list(spec.themes)
    return doc


def _tables_document(tables: tuple[TableSpec, ...]) -> dict:
    """The tables; prompts that every vignette shares are written once, as discussion_prompts."""
    prompt_sets = {v.prompts for t in tables for v in t.vignettes}
    shared = len(prompt_sets) == 1
    vignette_keys = ("title", "story") if shared else ("title", "story", "prompts")
    doc: dict[str, object] = {"discussion_prompts": list(next(iter(prompt_sets)))} if shared else {}
    doc["tables"] = [
        {
            "number": t.number,
            "name": t.name,
            "vignettes": [_plain({k: getattr(v, k) for k in vignette_keys}, keep=vignette_keys) for v in t.vignettes],
        }
        for t in tables
    ]
    return doc


def _plain(fields: dict, keep: tuple[str, ...]) -> dict:
    """A spec's fields as YAML values (tuples as lists), leaving out empty ones not named in keep."""
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in fields.items() if k in keep or v not in (None, "", ())
    }


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as readable `|` blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
