"""The documentation's tables that repeat the code, rendered from the code as Markdown.

Each function returns Markdown that cog writes into the docs between
`[[[cog …]]]` and `[[[end]]]` markers (`cog -r docs/*.md …` fills them,
`cog --check` in .ci/run fails when the code has moved on). Plain Python, no
Streamlit: the size limits, the codebook's files and columns, the shared
reads' lifetimes and the writes that drop them, the command-line help and
the package tree with each module's own one-line description.
"""

from __future__ import annotations

import argparse
import ast
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """A Markdown table, ending with a newline."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def limits_tables() -> str:
    """The organiser's size limits (eventkit/event/limits.py) and the attendee's (eventkit/models.py)."""
    from eventkit import models
    from eventkit.event import limits

    texts = _table(("field", "at most (characters)"), [(f"`{k}`", f"{v:,}") for k, v in limits.TEXT_LIMITS.items()])
    lists = _table(("list", "at most (items)"), [(f"`{k}`", f"{v:,}") for k, v in limits.COUNT_LIMITS.items()])
    whole = _table(
        ("what", "at most"),
        [
            ("a whole event file", f"{limits.MAX_FILE_CHARS:,} characters"),
            ("lists and mappings inside each other", f"{limits.MAX_DEPTH:,} levels"),
            ("expected attendance", f"{limits.MAX_EXPECTED:,} people"),
            ("an attendee's wall note", f"{models.NOTE_MAX_CHARS:,} characters"),
            ("an attendee's table note", f"{models.TABLE_NOTE_MAX_CHARS:,} characters"),
            ("an attendee's free-text feedback answer", f"{models.EVAL_TEXT_MAX_CHARS:,} characters"),
        ],
    )
    return f"{texts}\n{lists}\n{whole}"


def codebook_tables(level: int = 3) -> str:
    """Every export CSV with its columns, types and meanings (eventkit/outputs/codebook.py)."""
    from eventkit.outputs.codebook import PANDAS_TYPES, all_files

    parts = []
    for name, columns in all_files().items():
        rows = [(f"`{c.name}`", PANDAS_TYPES[c.dtype], c.description.replace("|", "\\|")) for c in columns]
        parts.append(f"{'#' * level} `{name}.csv`\n\n" + _table(("column", "type", "description"), rows))
    return "\n".join(parts)


def shared_reads_tables() -> str:
    """The shared reads' lifetimes and which Store writes change what (eventkit/live/reads.py).

    The lifetimes come from READS, what each write changes from the Store
    methods' own declarations (eventkit/storage/stale.py).
    """
    from eventkit.live.reads import READS, declared_writes

    writes_by_method = declared_writes()
    topics = _in_order(READS, writes_by_method)
    reads = _table(
        ("Store read", "kept for", "dropped at once when this changes"),
        [
            (f"`{n}`", f"{life.seconds:g} s", ", ".join(t for t in topics if t in life.dropped_by))
            for n, life in READS.items()
        ],
    )
    writes = _table(
        ("what changes", "Store writes that change it"),
        [(t, ", ".join(f"`{n}`" for n, ts in sorted(writes_by_method.items()) if t in ts)) for t in topics],
    )
    return f"{reads}\n{writes}"


def _in_order(reads: Mapping[str, Any], writes: Mapping[str, frozenset[str]]) -> list[str]:
    """The topics in the order eventkit/storage/stale.py defines them (its module constants), any others after."""
    from eventkit.storage import stale as module

    declared = [v for k, v in vars(module).items() if k.isupper() and isinstance(v, str)]
    used = {t for life in reads.values() for t in life.dropped_by} | {t for ts in writes.values() for t in ts}
    return [t for t in declared if t in used] + sorted(used - set(declared))


def cli_help() -> str:
    """`python -m eventkit --help` and every subcommand's --help, as one fenced block.

    Made the same on every machine: 100 columns wide, and the default
    database named relative to the checkout, whatever $EVENTKIT_DB says.
    """
    from eventkit.cli.main import build_parser

    saved = os.environ.pop("EVENTKIT_DB", None)
    try:
        parser = build_parser()
    finally:
        if saved is not None:
            os.environ["EVENTKIT_DB"] = saved
    blocks = []
    for args, sub in [((), parser), *((((name,), p) for name, p in _subcommands(parser)))]:
        _settle(sub)
        blocks.append(f"$ python -m eventkit {' '.join((*args, '--help'))}\n{sub.format_help().rstrip()}")
    return "```text\n" + "\n\n".join(blocks) + "\n```\n"


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _settle(parser: argparse.ArgumentParser) -> None:
    """A fixed width, and paths in the checkout written relative to it."""
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=100)
    for action in parser._actions:
        if action.help:
            action.help = action.help.replace(f"{ROOT}{os.sep}", "")


def package_tree() -> str:
    """Every package and module of eventkit, pages/ and app.py, each with its docstring's first paragraph."""
    parts = [_table(("file", "what it is"), [("`app.py`", _summary(ROOT / "app.py"))])]
    for folder in [ROOT / "pages", *package_dirs()]:
        rows = [(f"`{_rel(f)}`", _summary(f)) for f in sorted(folder.glob("*.py"))]
        parts.append(f"#### `{_rel(folder)}/`\n\n" + _table(("module", "what it is"), rows))
    return "\n".join(parts)


def package_dirs() -> list[Path]:
    """Every package directory under eventkit/ (a folder with an __init__.py), eventkit itself first."""
    return sorted((p.parent for p in (ROOT / "eventkit").rglob("__init__.py")), key=lambda p: p.parts)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _summary(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line ('' when it has none)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = doc.split("\n\n")[0]
    return " ".join(first.split()).replace("|", "\\|")
