"""One simulated attendee on the HTML pages (eventkit/web): a phone that scans, follows and takes part.

It reads only its own pages to decide what to do and to know what was saved,
and records the measures (join, follow, vote_ack, submit_ack, errors) and the
ledger the report and the database check read. The Stage says what the
facilitator made live and when; the phone learns it as its page does. Each
Now page it loads follows the room until the phone leaves it, as follow.js
does (http_follow.py): an event stream on a second connection
(http_stream.py), and Now loaded again when a message says the room moved; a
silent or refused stream falls back to asking /e/CODE/live every 4 s. A share
of phones (`Settings.noscript_share`) have JavaScript off: their Now page
reloads itself at its <noscript> refresh (10 s). A vote or note counts as
acknowledged only when the page after the POST's 303 says it was saved.

It takes part in every activity: polls (here), the wall (http_wall.py), a note
at its table and the evaluation (http_tables.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .client import ProtocolError
from .crowd import FOLLOW_MARKERS, Crowd
from .http_follow import NowFollower
from .http_phone import (
    Browser,
    Reply,
    choice_form,
    error_messages,
    form_token,
    headings,
    is_now,
    live_value,
    saved_message,
)
from .http_tables import send_feedback, write_table_note
from .http_wall import post_note
from .scenario import Settings

REFUSED_AFTER_CLOSING = ("closed", "no longer on")


class HttpAttendee:
    def __init__(self, crowd: Crowd, number: int, rng: random.Random) -> None:
        self.crowd, self.n, self.rng = crowd, number, rng
        self.s = crowd.settings
        self.table = 1 + number % max(crowd.tables, 1)
        self.browser = Browser(self.s.url, self.s.timeout)
        self.base = f"/e/{self.s.event_code}"
        self.page, self.live = "", ""  # Now as last loaded, and what it showed as live
        self.on_now = False
        self.script = rng.random() >= self.s.noscript_share  # JavaScript on: follows by the event stream
        self.following = NowFollower(self)  # what the Now page on screen does to follow the room
        self._changed = asyncio.Event()  # set each time Now is shown anew
        self.done: set = set()
        self._on_now_since = float("inf")
        self.doing = "joining"

    @property
    def token(self) -> str:
        """The device cookie the server gave at join: the participant token the database hashes."""
        return self.browser.cookies.get("ek_device", "")

    async def run(self) -> None:
        rec = self.crowd.recorder
        if not self.script:
            rec.count("phones_without_javascript")
        await asyncio.sleep(self.rng.uniform(0, self.s.effective_join_window()))
        try:
            await self.join()
            await self.take_part()
        except (ProtocolError, TimeoutError, OSError) as err:
            rec.error(f"attendee {self.n}, {self.doing}: {type(err).__name__}: {err}"[:200])
        except Exception as err:  # a bug in the simulation must not look like success
            rec.error(f"attendee {self.n}: unexpected {type(err).__name__}: {err}"[:200])
        finally:
            if self.token and self.token not in self.crowd.ledger.joined:
                self.crowd.ledger.join_tries.add(self.token)  # its join may be stored though never acknowledged
            await self.leave()

    async def warm_up(self) -> None:
        """Open the page once and leave (each server process loads the app before measuring)."""
        try:
            await self.join()
        finally:
            await self.leave()

    async def leave(self) -> None:
        """Put the phone away: its page's following ended (awaited, its stream closed), its connection closed."""
        await self.following.close()
        await self.browser.close()

    async def fetch(self, what: str, method: str, target: str, form: dict[str, str] | None = None) -> Reply:
        """One request; its bytes counted under `what` (join, follow, vote, wall)."""
        reply = await (self.browser.get(target) if form is None else self.browser.post(target, form))
        self.crowd.recorder.count(f"bytes_{what}", reply.wire_bytes)
        if reply.status >= 500:
            raise ProtocolError(f"{method} {target} answered HTTP {reply.status}")
        return reply

    async def follow_redirect(self, what: str, reply: Reply) -> Reply:
        """After a 303, GET where it points (same origin: a path)."""
        if reply.status != 303 or not reply.location.startswith("/"):
            return reply
        return await self.fetch(what, "GET", reply.location)

    async def join(self) -> None:
        """Scan the table's QR card: /?event=CODE&table=N, its 303s to join (twice: the cookie first) and the
        table's page, then Now."""
        started = time.monotonic()
        first = await self.fetch("join", "GET", f"/?event={self.s.event_code}&table={self.table}")
        if first.status != 303 or not first.location.startswith("/e/"):
            raise ProtocolError(
                f"/?event= answered HTTP {first.status}, not 303 to the HTML pages: start the server with "
                "a version of eventkit that serves the HTML attendee pages"
            )
        reply = await self.follow_redirect("join", first)
        for _hop in range(2):  # a first visit gets its cookie and comes back with it (join?c=1), then Now
            reply = await self.follow_redirect("join", reply)
        if reply.status != 200 or not self.token:
            raise ProtocolError(f"join ended on HTTP {reply.status} {error_messages(reply.text)[:1]}")
        if not is_now(reply.text):  # a table card lands on the table's page (which follows too): then tap Now
            reply = await self.fetch("join", "GET", self.base)
        self._show_now(reply.text)
        self._on_now_since = time.monotonic()
        self.crowd.recorder.timing("join", self._on_now_since - started)
        self.crowd.ledger.joined.add(self.token)

    def _show_now(self, page: str) -> None:
        """Now is on screen (loaded, or the page a POST's 303 led to): the old page's following ends
        (a browser closes its EventSource when it leaves a page) and the new page's starts."""
        self.page, self.live, self.on_now = page, live_value(page) or "", True
        self.following.start(page)
        self._changed.set()
        self._changed = asyncio.Event()

    def _leave_page(self) -> None:
        """The phone leaves the page on screen: its following ends (its event stream closes)."""
        self.following.stop()

    async def load_now(self, what: str = "follow") -> None:
        reply = await self.fetch(what, "GET", self.base)
        if reply.status != 200:
            raise ProtocolError(f"Now answered HTTP {reply.status}")
        self._show_now(reply.text)

    async def wait_for(self, shown: Callable[[str], Any], moved_on: Callable[[], bool]) -> Any:
        """Until Now shows what `shown` finds (returned), or None once `moved_on()`."""
        deadline = time.monotonic() + self.s.timeout + 10
        while not (found := shown(self.page)):
            if moved_on():
                return None
            if time.monotonic() > deadline:
                raise TimeoutError(f"Now did not follow within {self.s.timeout + 10:g} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), 1.0)
        return found

    async def take_part(self) -> None:
        stage = self.crowd.stage
        while not stage.over:
            version, kind, poll_id = stage.version, stage.kind, stage.poll_id
            self.doing = f"following {kind}"
            if kind == "poll" and poll_id is not None and ("poll", poll_id) not in self.done:
                self.done.add(("poll", poll_id))
                await self.vote(poll_id, stage.changed_at, version)
            elif kind in FOLLOW_MARKERS and kind not in self.done:
                self.done.add(kind)
                followed = await self.follow(kind, stage.changed_at, version)
                if followed and self.rng.random() < SHARES[kind](self.s):
                    await self.away_from_now(kind, TAKING_PART[kind])
            await stage.next_change(version)

    async def follow(self, kind: str, changed_at: float, version: int) -> bool:
        """Follow the room until Now invites to this activity (timed); False if the facilitator moved on first."""
        marker, stage = FOLLOW_MARKERS[kind], self.crowd.stage
        shown = await self.wait_for(
            lambda page: [h for h in headings(page) if marker in h], lambda: stage.version > version
        )
        if shown is None:
            self._passed(kind, changed_at)
            return False
        self._record_follow(changed_at)
        return True

    def _record_follow(self, changed_at: float) -> None:
        if changed_at > self._on_now_since:  # only phones that were on Now when it changed
            what = "follow" if self.script else "follow_noscript"  # by the stream, or by the page's refresh
            self.crowd.recorder.timing(what, time.monotonic() - changed_at)

    def _passed(self, kind: str, changed_at: float) -> None:
        if changed_at > self._on_now_since:
            self.crowd.recorder.count(f"{kind}_passed_before_screen_showed_it")

    # --- polls -------------------------------------------------------------------

    async def vote(self, poll_id: int, changed_at: float, version: int) -> None:
        stage = self.crowd.stage
        form = await self.wait_for(
            lambda page: (f := choice_form(page)) and f.poll_id == poll_id and f, lambda: stage.version > version
        )
        if form is None:
            self._passed("poll", changed_at)
            return
        self._record_follow(changed_at)
        if self.rng.random() >= self.s.vote_share:
            return
        await asyncio.sleep(self.rng.uniform(1, 6))  # reading the question
        option = self.rng.choice(form.options)
        await self.cast(poll_id, option)
        if self.rng.random() < self.s.change_share:
            await asyncio.sleep(self.rng.uniform(2, 5))
            again = choice_form(self.page)
            others = [o for o in (again.options if again else ()) if o != option]
            if others:
                await self.cast(poll_id, self.rng.choice(others), changed=True)

    async def cast(self, poll_id: int, option_id: int, changed: bool = False) -> None:
        if self.crowd.stage.kind != "poll" or self.crowd.stage.poll_id != poll_id:
            return  # voting closed while reading: a person would not tap any more
        what = f"vote {self.n} poll {poll_id} option {option_id}"
        form = {"form_token": form_token(self.page) or "", "poll": str(poll_id), "option": str(option_id)}
        tapped = time.monotonic()
        self.crowd.ledger.sent(("vote", self.token, poll_id), option_id)
        reply = await self.follow_redirect("vote", await self.fetch("vote", "POST", f"{self.base}/vote", form))
        if reply.status == 200 and reply.text:
            self._show_now(reply.text)
        saved, shown = saved_message(reply.text), choice_form(reply.text)
        if reply.status == 200 and saved and shown is not None and shown.chosen == option_id:
            acked = time.monotonic()
            self.crowd.recorder.timing("vote_ack", acked - tapped)
            self.crowd.recorder.count("votes_changed" if changed else "votes")
            self.crowd.ledger.vote(self.token, poll_id, option_id, tapped, acked)
            self.crowd.ledger.acknowledged(("vote", self.token, poll_id))
        else:
            self._not_saved(what, reply)

    def _not_saved(self, what: str, reply: Reply) -> None:
        """A POST whose page does not say it was saved: refused after closing (the right answer), or an error."""
        problems = error_messages(reply.text)
        if any(word in p for p in problems for word in REFUSED_AFTER_CLOSING):
            self.crowd.recorder.count("refused_after_closing")
            return
        self.crowd.ledger.unacknowledged.append(what)
        shown = problems[:1] or [f"no confirmation; the page: {(headings(reply.text) or ['no heading'])[0]}"]
        self.crowd.recorder.error(f"{what}: HTTP {reply.status} {shown}"[:200])

    # --- wall --------------------------------------------------------------------

    async def away_from_now(self, kind: str, activity: Callable[[HttpAttendee], Awaitable[None]]) -> None:
        """Tap the invitation to the activity, take part (the wall, the table's page, the feedback), back to Now."""
        await asyncio.sleep(self.rng.uniform(1, 4))  # reading, then tapping the link
        self._on_now_since, self.on_now = float("inf"), False  # away from Now: its follow times would not be fair
        self._leave_page()
        self.doing = f"taking part: {kind}"
        await activity(self)
        self.doing = f"going back to Now after {kind}"
        await self.load_now(kind)
        self._on_now_since = time.monotonic()


# Which share of people take part in each activity once it is live, and how.
SHARES: dict[str, Callable[[Settings], float]] = {
    "wall": lambda s: s.wall_share,
    "tables": lambda s: s.scribe_share,
    "evaluation": lambda s: s.eval_share,
}
TAKING_PART: dict[str, Callable[[HttpAttendee], Awaitable[None]]] = {
    "wall": post_note,
    "tables": write_table_note,
    "evaluation": send_feedback,
}
