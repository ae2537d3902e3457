"""One test over many inputs that names every input it fails on.

A table of inputs that each take milliseconds is checked by one test that
loops over the whole table, rather than by one pytest test per row: the
count of tests then says how many behaviours are checked, not how many
strings or files there are. The loop does not stop at the first failure:
it tries every row and fails once, listing each failing row by its id with
its message, so one run shows everything that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

MESSAGE_CHARS = 600  # per failing row: a wrong 1 MB string must not flood the report


def assert_every(rows: Iterable[tuple], check: Callable[..., Any]) -> int:
    """Call check(*row[1:]) for every row (row[0] is its id); fail listing every row that failed.

    A row fails when check raises anything an assertion or pytest.raises would
    (AssertionError, pytest's Failed, any other Exception). Returns how many
    rows were checked; an empty table fails, since a loop over nothing proves nothing.
    """
    failures: list[str] = []
    checked = 0
    for row_id, *args in rows:
        checked += 1
        try:
            check(*args)
        except (Exception, pytest.fail.Exception) as err:
            failures.append(f"{row_id}: {_describe(err)}")
    if not checked:
        pytest.fail("no rows to check: a loop over nothing proves nothing", pytrace=False)
    if failures:
        pytest.fail(f"{len(failures)} of {checked} failed:\n" + "\n".join(failures), pytrace=False)
    return checked


def _describe(err: BaseException) -> str:
    text = str(err).strip() or "(no message)"
    if len(text) > MESSAGE_CHARS:
        text = text[:MESSAGE_CHARS] + " …"
    return f"{type(err).__name__}: " + text.replace("\n", "\n    ")


def labelled(table: Iterable[tuple]) -> list[tuple]:
    """Rows of a table without ids, labelled by their first cell (ASCII-escaped, shortened)."""
    return [(ascii(row[0])[:60], *row) for row in table]
