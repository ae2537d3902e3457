"""An event before it has ids: the typed spec that the event file, the editor and storage share.

One shape for a whole event set-up: the YAML loader (eventkit.event.file)
builds it, the editor (eventkit.event.editing) changes it with
`dataclasses.replace`, eventkit.event.check checks it, and storage writes it
(`import_event`, `update_event`) and reads it back (`export_spec`).
Lists are tuples so a spec is immutable and can be compared and cached.
A spec is only known to be valid once `spec_check.checked` has passed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_THEMES = ("Referrals", "Resources", "Knowledge", "Data protection", "Who")


@dataclass(frozen=True)
class PollSpec:
    """A poll: `choice` uses options and correct; `estimate` uses true_value, min, max and unit."""

    question: str
    kind: str = "choice"
    options: tuple[str, ...] = ()
    correct: str | None = None  # one of the options; None for an opinion poll
    true_value: float | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    fact: str = ""
    source: str = ""
    repeat_of: int | None = None  # the 1-based number of an earlier poll this one asks again


@dataclass(frozen=True)
class VignetteSpec:
    title: str
    story: str = ""
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    number: int
    name: str = ""  # "" becomes "Table <number>"
    vignettes: tuple[VignetteSpec, ...] = ()


@dataclass(frozen=True)
class EvaluationItemSpec:
    kind: str  # one of models.EVAL_KINDS
    text: str


@dataclass(frozen=True)
class SettingsSpec:
    premoderate: bool = False
    word_filter: tuple[str, ...] = ()
    retention_days: int = 180
    public_base_url: str = ""
    expected_attendance: int = 0  # 0 = not set


@dataclass(frozen=True)
class EventSpec:
    """A whole event as described by the event file."""

    code: str
    title: str
    subtitle: str = ""
    date: str = ""
    venue: str = ""
    welcome: str = ""
    facilitator_passcode_hash: str = ""
    settings: SettingsSpec = field(default_factory=SettingsSpec)
    polls: tuple[PollSpec, ...] = ()
    wall_prompts: tuple[str, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    evaluation: tuple[EvaluationItemSpec, ...] = ()
    themes: tuple[str, ...] = ()
    # A plain passcode as typed (in an event file or the editor): checked with the rest, hashed
    # into facilitator_passcode_hash by the Store when it saves the spec, never stored as it is.
    facilitator_passcode: str = ""


@dataclass(frozen=True)
class FieldError:
    """One problem with a spec: where (a path such as ("polls", 1, "options")) and what.

    The YAML loader adds the line; the editor has none.
    """

    path: tuple
    message: str
    line: int | None = None

    @property
    def field(self) -> str:
        return field_path(self.path)

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.field}{where}: {self.message}"


class EventFileError(ValueError):
    """A spec (or event file) that cannot be saved; `.errors` lists each problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def field_path(path: tuple) -> str:
    """polls[2].options as people read it, from ("polls", 1, "options")."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"
