"""The PostgreSQL leg of the suite: which server it runs on (skipped, with the reason, without one)."""

from __future__ import annotations

import pytest

from tests.conftest import PG_SKIP, PG_URL


@pytest.mark.skipif(not PG_URL, reason=PG_SKIP)
def test_the_postgresql_leg_runs_on_postgresql_15_or_later_with_byte_order_text(pg_admin):
    version = pg_admin.execute("SHOW server_version_num").fetchone()[0]
    assert int(version) >= 150000
    # SQLite compares text byte by byte; the test database must sort the same way (README).
    words = ["b", "B", "a", "Ä", "_x", "Z1"]
    ordered = [r[0] for r in pg_admin.execute(
        "SELECT w FROM unnest(CAST(%s AS TEXT[])) AS t(w) ORDER BY w", [words])]
    assert ordered == sorted(words, key=lambda w: w.encode())
