"""One simulated attendee: a phone that joins, follows what is live and takes part.

It only reads its own screen (the elements the server sent) to decide what
to do and to know when something was acknowledged, like a person would.
The Stage tells it what the facilitator made live and when, so it knows
what to look for and can time how long its screen took to follow.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

from eventkit.access.security import new_token

from .attendee_screen import EVAL_KEY, VOTE_KEY, _chosen, _matched, _vote_buttons
from .client import ProtocolError, StreamlitSession, http_get
from .crowd import FOLLOW_MARKERS, Crowd
from .screen import ERROR, INFO, SUCCESS, Shown


class Attendee:
    def __init__(self, crowd: Crowd, number: int, rng: random.Random) -> None:
        self.crowd, self.n, self.rng = crowd, number, rng
        self.s = crowd.settings
        self.token = new_token()
        self.table = 1 + number % max(crowd.tables, 1)
        self.session: StreamlitSession | None = None
        self.done: set = set()  # activities taken part in: "wall", ("poll", id)…
        self._on_now_since = float("inf")
        self.doing = "joining"  # for an error report

    @property
    def link_query(self) -> str:
        return f"event={self.s.event_code}&p={self.token}"

    async def run(self) -> None:
        """Join at a random moment, then take part in each activity as it goes live."""
        rec = self.crowd.recorder
        await asyncio.sleep(self.rng.uniform(0, self.s.effective_join_window()))
        try:
            await self.join()
            await self.take_part()
        except (ProtocolError, TimeoutError, OSError) as err:
            rec.error(f"attendee {self.n}: {type(err).__name__}: {err}"[:200])
            if self.session is not None:  # what the screen last sent and received, to explain it
                rec.traces.append(f"attendee {self.n}, {self.doing}:\n  " + "\n  ".join(self.screen.trace))
        except Exception as err:  # a bug in the simulation must not look like success
            rec.error(f"attendee {self.n}: unexpected {type(err).__name__}: {err}"[:200])
        finally:
            if self.session is not None:
                if self.screen.exceptions:
                    rec.error(f"attendee {self.n}: exception on screen: {self.screen.exceptions[0]}"[:200])
                await self.screen.close()

    @property
    def screen(self) -> StreamlitSession:
        """The joined session (join() first)."""
        if self.session is None:
            raise ProtocolError("not joined yet")
        return self.session

    async def warm_up(self) -> None:
        """Open the page once and leave (so each server process has loaded the app before measuring)."""
        await self.join()
        await self.screen.close()
        self.session = None

    async def join(self) -> None:
        """Open the QR code's link: the page, then the websocket, until the screen is drawn."""
        query = f"event={self.s.event_code}&table={self.table}&p={self.token}"
        started = time.monotonic()
        status, headers, _ = await http_get(self.s.url, f"/?{query}")
        if status == 303 and headers.get("location", "").startswith("/e/"):
            raise ProtocolError(
                "the server sends phones to the HTML pages (eventkit/web): start it with "
                "EVENTKIT_PHONE_PAGES=streamlit to rehearse the Streamlit attendee pages"
            )
        if status != 200:
            raise ProtocolError(f"page answered HTTP {status}")
        cookie = headers.get("set-cookie", "").split(";")[0]
        self.session = StreamlitSession(self.s.url, "", query, cookie)
        await self.session.open(self.s.timeout)
        await self.screen.wait_for(lambda s: s.runs_finished and s.find("page_link", label="Wall"), self.s.timeout)
        self._on_now_since = time.monotonic()  # follow times count only while on Now
        self.crowd.recorder.timing("join", self._on_now_since - started)
        self.crowd.ledger.joined.add(self.token)

    async def take_part(self) -> None:
        stage = self.crowd.stage
        while not stage.over:
            version, kind, poll_id = stage.version, stage.kind, stage.poll_id
            self.doing = f"following {kind}"
            if kind == "poll" and poll_id is not None and ("poll", poll_id) not in self.done:
                self.done.add(("poll", poll_id))
                await self.vote(poll_id, stage.changed_at)
            elif kind in FOLLOW_MARKERS and kind not in self.done:
                self.done.add(kind)
                if await self.follow(kind, stage.changed_at, version):
                    await self.act(kind)
            await stage.next_change(version)

    async def follow(self, kind: str, changed_at: float, version: int) -> bool:
        """Wait for the Now screen to show the new activity and time it; False if
        the facilitator moved on first (the screen then shows the next one)."""
        marker, stage = FOLLOW_MARKERS[kind], self.crowd.stage
        shown = await self.screen.wait_for(
            lambda s: s.find("heading", contains=marker) or stage.version > version, self.s.timeout + 10
        )
        if shown is True:  # moved on: counted, not timed (the screen may never show this one)
            if changed_at > self._on_now_since:  # as for timings: only screens on Now then
                self.crowd.recorder.count(f"{kind}_passed_before_screen_showed_it")
            return False
        self._record_follow(changed_at)
        return True

    def _record_follow(self, changed_at: float) -> None:
        if changed_at > self._on_now_since:  # only screens that were open when it changed
            self.crowd.recorder.timing("follow", time.monotonic() - changed_at)

    async def act(self, kind: str) -> None:
        share = {"wall": self.s.wall_share, "tables": self.s.scribe_share, "evaluation": self.s.eval_share}[kind]
        if self.rng.random() >= share:
            return
        await asyncio.sleep(self.rng.uniform(1, 4))  # reading, then tapping the link
        self._on_now_since = float("inf")  # away from Now: its follow times would not be fair
        self.doing = f"taking part in {kind}"
        if kind == "wall":
            await self.post_note()
        elif kind == "tables":
            await self.write_table_note()
        else:
            await self.give_feedback()
        self.doing = f"going back to Now after {kind}"
        runs = self.screen.runs_finished
        await self.screen.go_to("", self.link_query)  # back to Now, as people do
        await self.screen.wait_run_after(runs, self.s.timeout)
        self._on_now_since = time.monotonic()

    # --- polls -------------------------------------------------------------------

    async def vote(self, poll_id: int, changed_at: float) -> None:
        stage = self.crowd.stage
        open_now = lambda: stage.kind == "poll" and stage.poll_id == poll_id  # noqa: E731
        buttons = await self.screen.wait_for(lambda s: _vote_buttons(s, poll_id) or not open_now(), self.s.timeout + 10)
        if not isinstance(buttons, list):  # True: the poll closed before the screen showed it
            if changed_at > self._on_now_since:
                self.crowd.recorder.count("poll_closed_before_screen_showed_it")
            return
        self._record_follow(changed_at)
        if self.rng.random() >= self.s.vote_share:
            return
        await asyncio.sleep(self.rng.uniform(1, 6))  # reading the question
        option = self._option(self.rng.choice(buttons))
        await self.cast(poll_id, option)
        if self.rng.random() < self.s.change_share:
            await asyncio.sleep(self.rng.uniform(2, 5))
            others = [b for b in _vote_buttons(self.screen, poll_id) if self._option(b) != option]
            if others:
                await self.cast(poll_id, self._option(self.rng.choice(others)), changed=True)

    @staticmethod
    def _option(button) -> int:
        return int(_matched(VOTE_KEY, button.element_id)[2])

    async def cast(self, poll_id: int, option_id: int, changed: bool = False) -> None:
        if self.crowd.stage.kind != "poll" or self.crowd.stage.poll_id != poll_id:
            return  # voting closed while reading: a person would not tap any more
        button = next(b for b in _vote_buttons(self.screen, poll_id) if self._option(b) == option_id)
        run, clicked = self.screen.run_id, time.monotonic()
        await self.screen.click(button.element_id)
        what = f"vote {self.n} poll {poll_id} option {option_id}"
        ok = await self._acknowledged(run, lambda s: _chosen(s, poll_id, option_id, run), what)
        if ok:
            acked = time.monotonic()
            self.crowd.recorder.timing("vote_ack", acked - clicked)
            self.crowd.recorder.count("votes_changed" if changed else "votes")
            self.crowd.ledger.vote(self.token, poll_id, option_id, clicked, acked)

    async def _acknowledged(self, run_before: int, check, what: str) -> bool:
        """Wait until a run started after the tap draws the acknowledgement (or an error)."""

        def seen(s: StreamlitSession) -> tuple[str, str] | None:
            errors = s.alerts(ERROR, since_run=run_before)
            closed = [t for t in s.alerts(INFO, since_run=run_before) if "closed" in t]
            return ("error", (errors + closed)[0]) if errors or closed else (("ok", "") if check(s) else None)

        try:
            verdict, message = await self.screen.wait_for(seen, self.s.timeout)
        except TimeoutError:
            self.crowd.ledger.unacknowledged.append(what)
            self.crowd.recorder.error(f"{what}: not acknowledged within {self.s.timeout:g} s")
            self.crowd.recorder.traces.append(f"{what}:\n  " + "\n  ".join(self.screen.trace))
            return False
        if verdict == "error" and "closed" in message:
            self.crowd.recorder.count("refused_after_closing")  # the app's right answer, not a failure
            return False
        if verdict == "error":
            self.crowd.ledger.unacknowledged.append(what)
            self.crowd.recorder.error(f"{what}: {message}"[:200])
            return False
        return True

    # --- wall, table, evaluation -----------------------------------------------

    async def open_page(self, path: str, ready: Callable[[StreamlitSession], list[Shown]]) -> list[Shown]:
        """Tap a page link; if the page is not ready yet, tap again after a moment, as people do."""
        deadline = time.monotonic() + self.s.timeout
        while True:
            runs = self.screen.runs_finished
            await self.screen.go_to(path, self.link_query)
            await self.screen.wait_run_after(runs, max(deadline - time.monotonic(), 0.1))
            if found := ready(self.screen):
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"/{path} never showed what was expected")
            self.crowd.recorder.count("page_retries")
            await asyncio.sleep(2)

    async def submit(self, submit_label: str, ack_text: str, what: str, kind: str = "button") -> bool:
        submit = self.screen.find("button", label=submit_label)[0]
        run, started = self.screen.run_id, time.monotonic()
        await self.screen.click(submit.element_id)
        ok = await self._acknowledged(run, lambda s: any(ack_text in t for t in s.alerts(SUCCESS, run)), what)
        if ok:
            self.crowd.recorder.timing("submit_ack", time.monotonic() - started)
        return ok

    async def post_note(self) -> None:
        area = (await self.open_page("wall", lambda s: s.find("text_area", label="Your note (anonymous)")))[0]
        prompts = self.screen.find("radio", key="wall-prompt")
        if prompts and len(prompts[0].proto.options) > 1:
            runs = self.screen.runs_finished
            self.screen.set_string(prompts[0].element_id, self.rng.choice(list(prompts[0].proto.options)))
            await self.screen.rerun()
            area = (
                await self.screen.wait_for(
                    lambda s: s.find("text_area", label="Your note (anonymous)") if s.runs_finished > runs else None,
                    self.s.timeout,
                )
            )[0]
        await asyncio.sleep(self.rng.uniform(3, 10))  # typing
        text = f"Rehearsal note {self.n} {self.token[:8]}: more shared data, fewer forms"
        self.screen.set_string(area.element_id, text)
        if await self.submit("Post note", "Thanks!", f"wall note {self.n}"):
            self.crowd.ledger.notes.setdefault(self.token, []).append(text)
            self.crowd.recorder.count("wall_notes")
        self.screen.values.pop(area.element_id, None)  # the form clears on submit

    async def write_table_note(self) -> None:
        await self.open_page("table", lambda s: s.find("text_area", label="Note"))
        await self.consent_to_recording()  # table notes are recorded only with consent
        area = self.screen.find("text_area", label="Note")[0]
        await asyncio.sleep(self.rng.uniform(3, 10))
        text = f"Rehearsal table note {self.n} {self.token[:8]}: call the GP first"
        self.screen.set_string(area.element_id, text)
        if await self.submit("Add note", "Note added", f"table note {self.n}"):
            self.crowd.ledger.table_notes.setdefault(self.token, []).append(text)
            self.crowd.recorder.count("table_notes")
        self.screen.values.pop(area.element_id, None)

    async def consent_to_recording(self) -> None:
        """Tick the table's recording consent, as a scribe does before adding notes."""
        box = self.screen.find("checkbox", key="table-consent")
        if not box or box[0].proto.default:
            return
        runs = self.screen.runs_finished
        self.screen.set_bool(box[0].element_id, True)
        await self.screen.rerun()
        await self.screen.wait_for(
            lambda s: s.runs_finished > runs and s.find("text_area", label="Note"), self.s.timeout
        )

    async def give_feedback(self) -> None:
        await self.open_page("feedback", lambda s: s.find("button", label="Send my feedback"))
        answers: dict[int, int | str] = {}
        for radio in self.screen.find("radio"):
            if (m := EVAL_KEY.search(radio.element_id)) and self.rng.random() < 0.9:
                index = self.rng.randrange(len(radio.proto.options))
                self.screen.set_string(radio.element_id, radio.proto.options[index])
                answers[int(m[1])] = index + 1
        areas = [a for a in self.screen.find("text_area") if EVAL_KEY.search(a.element_id)]
        if areas:
            area = self.rng.choice(areas)
            text = f"Rehearsal feedback {self.n}: the tables were the best part"
            self.screen.set_string(area.element_id, text)
            answers[int(_matched(EVAL_KEY, area.element_id)[1])] = text
        await asyncio.sleep(self.rng.uniform(5, 15))  # answering takes a while
        if await self.submit("Send my feedback", "Thank you", f"evaluation {self.n}"):
            self.crowd.ledger.evaluations[self.token] = answers
            self.crowd.recorder.count("evaluations")
