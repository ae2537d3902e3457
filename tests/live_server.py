"""A real `streamlit run` server for tests, and one small rehearsal against it shared by the run.

Fixtures (session scope, registered in tests/conftest.py)
--------------------------------------------------------
live_server
    A Server on a free port with its own demo database (FIFE16), started once
    for the whole run and stopped at its end. Tests that use it may change what
    is live, open polls and join phones; none may delete the event.
rehearsal
    A Rehearsal: the rehearsal tool's small run (30 simulated HTTP phones, about
    50 s) against live_server, done once and read by every test that needs one
    (tests/test_rehearse.py checks its result, tests/test_privacy_scan.py scans
    what it left behind), with every participant token its phones were given (their cookies).

Server is also used on its own by tests/test_kill_restart.py, which kills and
restarts a private one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from eventkit.event.demo import ensure_demo
from eventkit.models import Event
from eventkit.storage import Store

REPO = Path(__file__).resolve().parents[1]


class Server:
    """`streamlit run app.py` on 127.0.0.1 and a free port, with EVENTKIT_DB set; can be killed and restarted."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db, self.log = db, log
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "EVENTKIT_ADMIN_PASSWORD"}
        env.update(EVENTKIT_DB=str(self.db), PYTHONUNBUFFERED="1")
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(self.port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
        ]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                cmd,
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not come up:\n" + self.log.read_text()[-2000:])

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush, exactly like a crash or `kill -9`."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


@dataclass
class Rehearsal:
    server: Server
    store: Store
    event: Event
    result: dict  # what eventkit.rehearse.runner.rehearse returned
    tokens: list[str]  # every participant token the simulated phones used


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Server:
    workdir = tmp_path_factory.mktemp("live-server")
    ensure_demo(Store(workdir / "eventkit.db"))
    server = Server(workdir / "eventkit.db", workdir / "server.log")  # the rehearsal's phones
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rehearsal(live_server: Server) -> Rehearsal:
    from eventkit.rehearse.http_attendee import HttpAttendee
    from eventkit.rehearse.runner import rehearse
    from eventkit.rehearse.scenario import Settings

    store = Store(live_server.db)
    event = store.event_by_code("FIFE16")
    used: list[str] = []
    original = HttpAttendee.join

    async def recording_join(phone: HttpAttendee) -> None:
        try:
            await original(phone)
        finally:
            if phone.token:  # the device cookie the server set: the participant token
                used.append(phone.token)

    HttpAttendee.join = recording_join  # type: ignore[method-assign]
    try:
        result = rehearse(
            Settings(
                url=live_server.url,
                event_code=event.code,
                attendees=30,
                duration=20,
                join_window=8,
                db=str(live_server.db),
                server_pid=live_server.proc.pid,
                seed=7,
            )
        )
    finally:
        HttpAttendee.join = original  # type: ignore[method-assign]
    return Rehearsal(live_server, store, event, result, used)
