"""The README and the code agree: commands, page addresses, page lists and file paths.

Like sqlite-utils' documentation tests: every `python -m eventkit …` line in
README.md parses with the CLI's own parser, every CLI command is in the
README, every app address it gives is a page of eventkit/ui/routes.py, the
organiser pages it lists are the ones the organiser navigation links to,
and every repository path it names exists.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

from eventkit.cli.main import build_parser
from eventkit.ui.organiser import ORGANISER_PAGES
from eventkit.ui.routes import PAGES
from tests.every import assert_every

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A shell line continued with a backslash is one command.
COMMANDS = re.findall(r"python -m eventkit( [^`\n#]+)", README.replace("\\\n", " "))
# An address of the app: after the host; with a query, in a code span or after "<public address>";
# or a code span in brackets, as in the headings "### Dashboard (`/organiser-dashboard`)".
ADDRESS = re.compile(r"localhost:8501/([a-z][a-z-]*)?|[`>]/([a-z][a-z-]*)?(?=\?)|\(`/([a-z][a-z-]*)`")
# Backticked paths in the repository (`eventkit/ui/push.py`, `bench/`, `.ci/run`), not addresses.
REPO_PATH = re.compile(r"`(\.?[a-z_]+/[^`\s]*)`")
MADE_AT_RUN_TIME = {"data/eventkit.db", ".streamlit/secrets.toml"}
PLACEHOLDERS = {"PID": "4242"}  # what the reader types instead, where the option wants a number


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_readme_command_parses():
    def check(args: list[str]) -> None:
        if len(args) == 1 and not args[0].startswith("-"):  # the command named in prose: "`python -m eventkit export`"
            assert args[0] in _subcommands(), f"no command {args[0]!r}"
            return
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                build_parser().parse_args(args)
            except SystemExit as exit_:  # --help exits 0 after printing; a bad line exits 2
                assert exit_.code == 0 and "--help" in args, err.getvalue().strip()

    assert len(COMMANDS) >= 10
    rows = [
        (f"python -m eventkit{line.rstrip()}", [PLACEHOLDERS.get(w, w) for w in shlex.split(line)]) for line in COMMANDS
    ]
    assert_every(rows, check)


def test_every_cli_command_is_in_the_readme():
    documented = {word for line in COMMANDS for word in shlex.split(line) if word in _subcommands()}
    assert set(_subcommands()) - documented == set(), "add them to README.md"


def test_readme_addresses_are_pages_of_the_app():
    pages = {url for _, _, url in PAGES}
    found = [(m.group(0), next((g for g in m.groups() if g), "")) for m in ADDRESS.finditer(README)]
    assert {"", "projector", "facilitator", "organiser"} <= {path for _, path in found}

    def check(path: str) -> None:
        assert path in pages, f"/{path} is no page of eventkit/ui/routes.py"

    assert_every(found, check)


def test_the_readme_table_of_addresses_opens_the_four_ways_in():
    rows = re.findall(r"^\| [^|]+ \| http://localhost:8501/([a-z-]*)\?? ?", README, re.M)
    assert {"", "projector", "facilitator", "organiser"} <= set(rows)  # each a page: the test above


def test_readme_lists_the_organiser_pages_the_navigation_links_to():
    [listed] = re.findall(r"Every organiser page has the same links across the top \(([^)]*)\)", README)
    assert [label.strip() for label in listed.split(",")] == [label for _, label, _ in ORGANISER_PAGES]


def test_paths_the_readme_names_exist():
    named = sorted(set(REPO_PATH.findall(README)) - MADE_AT_RUN_TIME)
    assert len(named) >= 15

    def check(path: str) -> None:
        # From the repository's root, or from eventkit/ for its modules ("`storage/editing.py`").
        found = [*ROOT.glob(path.rstrip("/")), *(ROOT / "eventkit").glob(path.rstrip("/"))]
        assert found, f"{path} is not in the repository"

    assert_every([(p, p) for p in named], check)


def test_readme_test_commands_use_declared_markers():
    """The full run has no -m; the fast tier's marker is declared in pytest.ini."""
    runs = re.findall(r"python -m pytest -q([^`\n]*)", README)
    assert "" in [r.strip() for r in runs], "the README's test command runs everything"
    declared = set(re.findall(r"^    (\w+):", (ROOT / "pytest.ini").read_text(encoding="utf-8"), re.M))
    used = {w for r in runs for w in re.findall(r"\w+", r.partition("-m")[2]) if w not in ("not", "and", "or")}
    assert used and used <= declared, (used, declared)


def test_readme_does_not_describe_the_old_connection_per_operation():
    """Each thread keeps one connection now (eventkit/storage/base.py)."""
    assert "connection per operation" not in README


LIVE_README = (ROOT / "eventkit" / "live" / "README.md").read_text(encoding="utf-8")


def test_the_live_update_document_shows_the_lifetimes_and_the_declared_writes():
    from eventkit.live.reads import READS, declared_writes

    writes = declared_writes()
    rows = re.findall(r"^\| `(\w+)` \| ([\d.]+) s \| ([\w, ]+) \|$", LIVE_README, re.M)
    assert {name: (float(s), set(t.split(", "))) for name, s, t in rows} == {
        name: (life.seconds, set(life.dropped_by)) for name, life in READS.items()
    }
    changes = dict(re.findall(r"^\| (\w+) \| ((?:`\w+`(?:, )?)+) \|$", LIVE_README, re.M))
    assert {t: set(re.findall(r"`(\w+)`", w)) for t, w in changes.items()} == {
        t: {name for name, ts in writes.items() if t in ts} for t in {t for ts in writes.values() for t in ts}
    }


def test_paths_the_live_update_document_names_exist():
    named = sorted({p for p in REPO_PATH.findall(LIVE_README)})
    assert_every([(p, p) for p in named], lambda p: _exists(p))


def _exists(path: str) -> None:
    assert [*ROOT.glob(path.rstrip("/")), *(ROOT / "eventkit").glob(path.rstrip("/"))], f"{path} is not there"
