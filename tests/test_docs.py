"""The docs and the code agree: commands, page addresses, page lists, file paths, the tree.

Like sqlite-utils' documentation tests: every `python -m eventkit …` line in
README.md, CONTRIBUTING.md and docs/*.md parses with the CLI's own parser,
every CLI command is documented, every app address they give is a page of
eventkit/ui/routes.py, the organiser pages listed are the ones the organiser
navigation links to, and every repository path they name exists. The README
stays short and links every docs/ page; the architecture document's tree
names every package. Tables that repeat the code are generated with cog
(eventkit/docs_tables.py) and checked here and by `cog --check` in .ci/run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

from cogapp import Cog

from eventkit.cli.main import build_parser
from eventkit.docs_tables import package_dirs
from eventkit.ui.organiser import ORGANISER_PAGES
from eventkit.ui.routes import PAGES
from tests.every import assert_every

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LIVE_README_PATH = ROOT / "eventkit" / "live" / "README.md"
GENERATED = re.compile(r"\[\[\[cog.*?\[\[\[end\]\]\]", re.S)  # cog's output, checked by cog itself
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in DOC_FILES}
WRITTEN = "\n".join(GENERATED.sub("", text) for text in DOCS.values())  # what people wrote by hand
# A shell line continued with a backslash is one command.
COMMANDS = re.findall(r"python -m eventkit( [^`\n#]+)", WRITTEN.replace("\\\n", " "))
# An address of the app: after the host; with a query, in a code span or after "<public address>";
# or a code span in brackets, as in the headings "## Dashboard (`/organiser-dashboard`)".
ADDRESS = re.compile(r"localhost:8501/([a-z][a-z-]*)?|[`>]/([a-z][a-z-]*)?(?=\?)|\(`/([a-z][a-z-]*)`")
# Backticked paths in the repository (`eventkit/ui/push.py`, `bench/`, `.ci/run`), not addresses.
REPO_PATH = re.compile(r"`(\.?[a-z_]+/[^`\s]*)`")
MADE_AT_RUN_TIME = {"data/eventkit.db", ".streamlit/secrets.toml"}
PLACEHOLDERS = {"PID": "4242"}  # what the reader types instead, where the option wants a number


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_documented_command_parses():
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


def test_every_cli_command_is_documented():
    documented = {word for line in COMMANDS for word in shlex.split(line) if word in _subcommands()}
    assert set(_subcommands()) - documented == set(), "add them to the docs (docs/organising.md …)"


def test_documented_addresses_are_pages_of_the_app():
    pages = {url for _, _, url in PAGES}
    found = [(m.group(0), next((g for g in m.groups() if g), "")) for m in ADDRESS.finditer(WRITTEN)]
    assert {"", "projector", "facilitator", "organiser"} <= {path for _, path in found}

    def check(path: str) -> None:
        assert path in pages, f"/{path} is no page of eventkit/ui/routes.py"

    assert_every(found, check)


def test_the_readme_table_of_addresses_opens_the_four_ways_in():
    rows = re.findall(r"^\| [^|]+ \| http://localhost:8501/([a-z-]*)\?? ?", README, re.M)
    assert {"", "projector", "facilitator", "organiser"} <= set(rows)  # each a page: the test above


def test_docs_list_the_organiser_pages_the_navigation_links_to():
    [listed] = re.findall(r"Every organiser page has the same links across the top \(([^)]*)\)", WRITTEN)
    assert [label.strip() for label in listed.split(",")] == [label for _, label, _ in ORGANISER_PAGES]


def test_paths_the_docs_name_exist():
    named = sorted(set(REPO_PATH.findall("\n".join(DOCS.values()))) - MADE_AT_RUN_TIME)
    assert len(named) >= 15

    def check(path: str) -> None:
        # From the repository's root, or from eventkit/ for its modules ("`storage/editing.py`").
        found = [*ROOT.glob(path.rstrip("/")), *(ROOT / "eventkit").glob(path.rstrip("/"))]
        assert found, f"{path} is not in the repository"

    assert_every([(p, p) for p in named], check)


def test_test_commands_use_declared_markers():
    """The README's run has no -m; the fast tier's marker (CONTRIBUTING.md) is declared in pytest.ini."""
    assert "" in [r.strip() for r in re.findall(r"python -m pytest -q([^`\n]*)", README)], "the README runs everything"
    runs = re.findall(r"python -m pytest -q([^`\n]*)", WRITTEN)
    declared = set(re.findall(r"^    (\w+):", (ROOT / "pytest.ini").read_text(encoding="utf-8"), re.M))
    used = {w for r in runs for w in re.findall(r"\w+", r.partition("-m")[2]) if w not in ("not", "and", "or")}
    assert used and used <= declared, (used, declared)


def test_docs_do_not_describe_the_old_connection_per_operation():
    """Each thread keeps one connection now (eventkit/storage/base.py)."""
    assert "connection per operation" not in WRITTEN


LIVE_README = LIVE_README_PATH.read_text(encoding="utf-8")


def test_the_readme_is_short():
    assert len(README.splitlines()) < 200, "move what is not for a newcomer into docs/"


def test_every_docs_page_is_linked_from_the_readme():
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)(?:#[\w-]*)?\)", README))
    pages = {p for p in DOCS if p.startswith("docs/")}
    assert pages and pages - linked == set(), "link them from README.md's 'Where to read next'"


def test_generated_tables_match_the_code():
    """cog --check over every document with a generated table (the same as .ci/run's line)."""
    files = [str(p) for p in [*DOC_FILES, LIVE_README_PATH] if "[[[cog" in p.read_text(encoding="utf-8")]
    assert len(files) >= 5
    out = io.StringIO()
    cog = Cog()
    cog.set_output(stdout=out, stderr=out)
    status = cog.main(["cog", "-I", str(ROOT), "--check", *files])
    assert status == 0, (
        out.getvalue() + "\nrun: cog -I . -r docs/*.md README.md CONTRIBUTING.md eventkit/live/README.md"
    )


def test_the_architecture_tree_names_every_package_and_module():
    tree = DOCS["docs/architecture.md"]
    headings = set(re.findall(r"^#### `([\w/]+)/`$", tree, re.M))
    packages = [p.relative_to(ROOT).as_posix() for p in package_dirs()]
    assert len(packages) >= 10
    assert_every([(p, p) for p in [*packages, "pages"]], lambda p: _assert(p in headings, f"no {p}/ in the tree"))
    modules = [m.relative_to(ROOT).as_posix() for d in package_dirs() for m in d.glob("*.py")]
    rows = dict(re.findall(r"^\| `([\w/.]+\.py)` \| (.*) \|$", tree, re.M))
    assert_every(
        [(m, m) for m in modules], lambda m: _assert(bool(rows.get(m)), f"{m}: not in the tree, or no docstring")
    )


def test_the_architecture_explains_every_package():
    why = DOCS["docs/architecture.md"].partition("## Why each package exists")[2].partition("\n## ")[0]
    packages = [
        p.relative_to(ROOT).as_posix() for p in package_dirs() if p.parent != ROOT and p.parent.name == "eventkit"
    ]
    assert_every([(p, p) for p in packages], lambda p: _assert(f"| `{p}/` |" in why, f"say why {p}/ exists"))


def _assert(ok: bool, message: str) -> None:
    assert ok, message


def test_paths_the_live_update_document_names_exist():
    named = sorted({p for p in REPO_PATH.findall(LIVE_README)})
    assert_every([(p, p) for p in named], lambda p: _exists(p))


def _exists(path: str) -> None:
    assert [*ROOT.glob(path.rstrip("/")), *(ROOT / "eventkit").glob(path.rstrip("/"))], f"{path} is not there"
