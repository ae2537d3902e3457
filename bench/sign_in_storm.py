"""A guessing storm on a facilitator's passcode, and a facilitator who gets in with a sign-in link.

    python bench/sign_in_storm.py [--seconds 120] [--rate 5] [--db URL]   a real-time storm
    python bench/sign_in_storm.py --hour [--rate 5]                        an hour on a simulated clock

The guesser opens a new session per wrong passcode (a fresh random client id each
time, as a new browser session gets) at RATE a second, through Console.unlock, the
call the control panel's sign-in form makes. Every attempt is either checked (the
passcode was hashed and compared: a guess) or refused by the sign-in pause.

Real time: once the storm pauses everyone's sign-in, the facilitator tries the
passcode (refused), the organiser makes a sign-in link and the facilitator opens it
in the control panel (an AppTest run of pages/facilitator.py): seconds to get in.
Printed: checked and refused attempts, and how many today's rule lets through for
the same attempt times (`todays_checked_guesses`, the throttle's own rule).

--hour: the same storm for 3,600 simulated seconds (the Store's clock is patched, so
it takes a few minutes), with a sign-in link made and used every 10 minutes, and once
without links: checked guesses an hour with links, without, and by today's rule.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventkit.access import sign_in_link
from eventkit.access.console import Console, ConsoleLocked
from eventkit.access.security import LOGIN_WINDOW_SECONDS, STORM_LOGIN_ATTEMPTS, login_delay_seconds
from eventkit.storage import Store, utc_stamp
from eventkit.storage.attempts import ThrottledError

BASE = "http://127.0.0.1:8501"


def guess_once(store: Store, event_id: int, number: int) -> bool:
    """One wrong passcode from a new session, as the sign-in form sends it: True if it was checked."""
    try:
        Console.unlock(store, event_id, f"wrong-guess-{number}", client=secrets.token_hex(8))
    except ConsoleLocked as err:
        return not isinstance(err.__cause__, ThrottledError)
    raise AssertionError("a wrong passcode opened the control panel")


class Storm:
    """A thread making wrong passcode attempts at `rate` a second until the `with` block ends."""

    def __init__(self, store: Store, event_id: int, rate: float = 5.0) -> None:
        self.store, self.event_id, self.interval = store, event_id, 1 / rate
        self.checked = self.refused = 0
        self.attempts: list[tuple[float, float]] = []  # (start, end) of each, seconds since the storm began
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="guessing-storm", daemon=True)
        self._began = 0.0

    def __enter__(self) -> Storm:
        self._began = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def elapsed(self) -> float:
        return time.monotonic() - self._began

    def attempt_offsets(self) -> list[tuple[float, float]]:
        """(start, end) of every attempt so far, in the order they started."""
        with self._lock:
            return sorted(self.attempts)

    def _run(self) -> None:
        """Attempts leave on a timetable, as from a script that does not wait for answers: a
        checked guess (a slow hash) does not hold up the next ones."""
        with ThreadPoolExecutor(max_workers=16) as pool:
            number = 0
            while not self._stop.is_set():
                pool.submit(self._attempt, number)
                number += 1
                self._stop.wait(max(0.0, number * self.interval - self.elapsed()))

    def _attempt(self, number: int) -> None:
        start = self.elapsed()
        checked = guess_once(self.store, self.event_id, number)
        with self._lock:
            self.attempts.append((start, self.elapsed()))
            self.checked += checked
            self.refused += not checked


def todays_checked_guesses(attempts: list[tuple[float, float]]) -> int:
    """The most attempts today's rule checks among these (start, end) times, counting from no failures.

    The rule (eventkit/storage/attempts.py): failures within the last 15 minutes from
    every session; past STORM_LOGIN_ATTEMPTS, a new attempt waits login_delay_seconds
    after the latest. An attempt counts as allowed at its end (the latest the
    database may have stamped it) and as failed from its start: an upper bound.
    """
    allowed, failures = 0, []
    for start, end in attempts:
        failures = [f for f in failures if f >= end - LOGIN_WINDOW_SECONDS]
        delay = login_delay_seconds(len(failures), STORM_LOGIN_ATTEMPTS)
        if not failures or not delay or end >= failures[-1] + delay:
            failures.append(start)
            allowed += 1
    return allowed


def demo_store(db: str | None) -> tuple[Store, int]:
    """A Store holding the demo event (its real passcode hash), on `db` or a temporary file."""
    from eventkit.event.demo import ensure_demo

    location = db or os.path.join(tempfile.mkdtemp(), "eventkit.db")
    os.environ["EVENTKIT_DB"] = location
    os.environ.setdefault("EVENTKIT_ADMIN_PASSWORD", secrets.token_urlsafe(16))  # none printed
    store = Store(location)
    ensure_demo(store)
    event = store.event_by_code("FIFE16")
    assert event is not None
    store.clear_login_failures("facilitator", event.id)
    return store, event.id


def real_time(store: Store, event_id: int, seconds: float, rate: float) -> None:
    from streamlit.testing.v1 import AppTest

    from eventkit.event.demo import DEMO_PASSCODE

    app = str(Path(__file__).resolve().parents[1] / "app.py")
    event = store.get_event(event_id)
    with Storm(store, event_id, rate) as storm:
        while store.login_wait_seconds("facilitator", event_id, "never-guessed") == 0:
            time.sleep(0.1)
        paused_at = storm.elapsed()
        try:
            Console.unlock(store, event_id, DEMO_PASSCODE, client="the-facilitator")
            print("passcode: let in (the storm had not paused sign-in after all)")
        except ConsoleLocked as err:
            print(f"passcode at {paused_at:.1f} s into the storm: refused ({err})")
        asked = time.monotonic()
        url = sign_in_link.issue(store, event, BASE).url
        at = AppTest.from_file(app, default_timeout=60)
        at.query_params.update({"event": event.code, sign_in_link.PARAM: url.rsplit("=", 1)[1]})
        at.switch_page("pages/facilitator.py").run()
        got_in = time.monotonic() - asked
        print(f"sign-in link: {'in' if at.tabs else 'NOT in'} after {got_in:.1f} s (link made and page drawn)")
        while storm.elapsed() < seconds:
            time.sleep(0.5)
    made = storm.attempt_offsets()
    allowed = todays_checked_guesses(made)
    print(
        f"storm: {len(made)} attempts in {storm.elapsed():.0f} s ({len(made) / storm.elapsed():.1f}/s): "
        f"{storm.checked} checked, {storm.refused} refused; today's rule allows {allowed} for the same attempts"
    )


class Clock:
    """A settable utc_now for the throttle and the sign-in links."""

    def __init__(self) -> None:
        self.start = datetime.now(UTC)
        self.seconds = 0.0

    def __call__(self) -> str:
        return utc_stamp(self.start + timedelta(seconds=self.seconds))


def simulated_hour(store: Store, event_id: int, rate: float, link_every: float | None) -> tuple[int, int, int]:
    """(checked, refused, links used) in 3,600 simulated seconds of storm."""
    from eventkit.storage import attempts, sign_in_links

    clock = Clock()
    attempts.utc_now, sign_in_links.utc_now = clock, clock  # type: ignore[assignment]
    store.clear_login_failures("facilitator", event_id)
    event = store.get_event(event_id)
    checked = refused = used = 0
    next_link = link_every
    for number in range(int(3600 * rate)):
        clock.seconds = number / rate
        if next_link is not None and link_every and clock.seconds >= next_link:
            url = sign_in_link.issue(store, event, BASE, now=clock.start + timedelta(seconds=clock.seconds)).url
            Console.use_sign_in_link(store, event_id, url.rsplit("=", 1)[1])
            used, next_link = used + 1, next_link + link_every
        if guess_once(store, event_id, number):
            checked += 1
        else:
            refused += 1
    return checked, refused, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--db", help="database file or postgresql:// URL (default: a temporary file)")
    parser.add_argument("--hour", action="store_true", help="an hour of storm on a simulated clock")
    args = parser.parse_args()
    store, event_id = demo_store(args.db)
    if not args.hour:
        real_time(store, event_id, args.seconds, args.rate)
        return
    model = todays_checked_guesses([(n / args.rate, n / args.rate) for n in range(int(3600 * args.rate))])
    for link_every in (600.0, None):
        began = time.monotonic()
        checked, refused, used = simulated_hour(store, event_id, args.rate, link_every)
        print(
            f"simulated hour, {used} sign-in links used: {checked} checked, {refused} refused "
            f"({time.monotonic() - began:.0f} s to run)"
        )
    print(f"today's rule for the same attempts: {model} checked an hour")


if __name__ == "__main__":
    main()
