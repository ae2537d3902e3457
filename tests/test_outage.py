"""A real PostgreSQL stops while phones open the event, then starts again (issue 22, §1).

The test starts a throwaway cluster of its own (never the one $EVENTKIT_TEST_PG
names: other tests use it), stops it with `pg_ctl stop -m immediate` (as a
crash or a pulled cable would), opens the attendee page on new phones through
the router, then starts it again. Phones must say the database cannot be
reached and offer Try again (never Streamlit's crash page, never "very busy"
once the pool's wait runs out), the log must name the cause once, and the
page must work again once PostgreSQL answers.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.storage import db as storage_db
from eventkit.storage.faults import FAULTS
from eventkit.ui import faults
from tests.app_pages import APP, app_database, demo_in

pytest.importorskip("psycopg_pool", reason="psycopg is not installed (requirements-postgres.txt)")
PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_BINS, reason="PostgreSQL's binaries are not installed (/usr/lib/postgresql/*/bin)"),
]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free port of 127.0.0.1, trust auth (as .ci/run)."""

    def __init__(self) -> None:
        self.bin = Path(PG_BINS[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="eventkit-outage-"))
        self.as_pg: list[str] = []
        if os.getuid() == 0:  # initdb refuses root: the cluster runs as Debian's postgres user
            if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
                pytest.skip("running as root and there is no postgres user to run a cluster as")
            shutil.chown(self.dir, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            self.port = free.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", "data", "-U", "postgres", "--auth=trust", "--locale=C.UTF-8", "--encoding=UTF8")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_pg, str(self.bin / program), *args], cwd=self.dir, check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c fsync=off"
        self._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-t", "60", "start", "-o", options)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", "data", "-m", "immediate", "stop")

    def remove(self) -> None:
        subprocess.run([*self.as_pg, str(self.bin / "pg_ctl"), "-D", "data", "-m", "immediate", "stop"], cwd=self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def own_postgres():
    cluster = Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def new_phone(code: str) -> AppTest:
    """A phone opening the QR code's address: the router, /?event=CODE, a new session."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["event"] = code
    return at.run()


def says_unreachable(at: AppTest) -> list[str]:
    """What is wrong with this page as a phone that cannot reach the database (empty: all as it should be)."""
    problems = [f"crash: {e.value}" for e in at.exception]
    if [e.value for e in at.error] != [faults.PHONE_PAGE_MESSAGE]:
        problems.append(f"errors: {[e.value for e in at.error]}")
    if [b.label for b in at.button] != ["Try again"]:
        problems.append(f"buttons: {[b.label for b in at.button]}")
    return problems


def test_phones_opened_during_a_postgresql_outage_say_so_and_work_again_after(
    own_postgres, monkeypatch, demo_spec, caplog
):
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 1000)  # the pool's wait for a connection: 10 s in use
    FAULTS.current = None
    with app_database(own_postgres.url, monkeypatch):
        store, event = demo_in(own_postgres.url, demo_spec)
        try:
            assert not new_phone(event.code).error
            caplog.clear()
            caplog.set_level(logging.INFO)
            own_postgres.stop()
            phones = [new_phone(event.code) for _ in range(4)]  # the last ones wait out the pool's timeout
            problems = {n: says_unreachable(at) for n, at in enumerate(phones) if says_unreachable(at)}
            assert not problems, problems
        finally:
            outage_log = list(caplog.records)
            own_postgres.start()
        loud = [f"{r.name} {r.levelname}: {r.getMessage()[:120]}" for r in outage_log if r.levelno >= logging.WARNING]
        assert len(loud) == 1 and "Database fault: database unreachable" in loud[0], loud
        assert not [r for r in outage_log if r.exc_info], "a line, not a traceback per page"

        retried = phones[-1].button[0].click().run()  # PostgreSQL answers again: Try again loads the page
        deadline = time.monotonic() + 10
        while retried.error and time.monotonic() < deadline:
            time.sleep(0.2)
            retried = retried.button[0].click().run()
        assert not retried.exception and not retried.error, [e.value for e in retried.error]
        assert any(link.label == "Wall" for link in retried.get("page_link"))
        store.close()
    FAULTS.current = None
