"""A minimal Streamlit browser: one websocket session speaking Streamlit's protocol.

It does what the Streamlit frontend does for a phone, and nothing more:
connects to /_stcore/stream with the "streamlit" subprotocol, sends
BackMsg.rerun_script (query string, widget states, page, fragment), keeps the
elements the server sends (by delta path, in screen.Screen), runs fragment auto-rerun timers,
and lets a caller click buttons, fill text areas and radios, and wait until
something appears. Only the wire format (streamlit.proto) is imported, never
Streamlit's API.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from .screen import Screen

T = TypeVar("T")

STREAM_PATH = "/_stcore/stream"


class ProtocolError(Exception):
    """The server answered something a browser would show as broken."""


async def http_get(base_url: str, target: str, cookie: str = "") -> tuple[int, dict[str, str], int]:
    """GET a path like a browser's first request; returns (status, headers, body bytes)."""
    parts = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    request = f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n"
    request += f"Cookie: {cookie}\r\n" if cookie else ""
    writer.write((request + "\r\n").encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, len(body)


class StreamlitSession(Screen):
    """One browser tab on one Streamlit app, driven from asyncio (what it shows: see Screen)."""

    def __init__(self, base_url: str, page: str = "", query_string: str = "", cookie: str = "") -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.page_name = page
        self.query_string = query_string
        self.cookie = cookie
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.values: dict[str, WidgetState] = {}  # widget values a browser keeps sending
        self.closed_reason = ""
        self._timers: dict[str, asyncio.Task] = {}
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self.on_update: Callable[[StreamlitSession], None] | None = None
        self.trace: deque[str] = deque(maxlen=80)  # recent traffic, to explain a failure

    # --- connection -----------------------------------------------------------

    async def open(self, timeout: float = 30) -> None:
        """Connect and request the first run, as a browser opening the URL."""
        url = self.base_url.replace("http", "ws", 1) + STREAM_PATH
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self._ws = await connect(
            url,
            subprotocols=[Subprotocol("streamlit")],
            max_size=None,
            additional_headers=headers,
            open_timeout=timeout,
            ping_interval=None,
        )
        self._reader = asyncio.create_task(self._read_forever())
        await self.rerun()

    async def close(self) -> None:
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self.closed_reason

    # --- what a browser sends ----------------------------------------------------

    async def rerun(
        self,
        *,
        triggers: dict[str, WidgetState] | None = None,
        fragment_id: str = "",
        auto: bool = False,
        page_hash: str | None = None,
    ) -> None:
        """Send BackMsg.rerun_script with the kept widget values plus one-off triggers."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        state.page_name = "" if state.page_script_hash else self.page_name
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        merged = {**self.values, **(triggers or {})}
        self._note(
            f"> rerun frag={fragment_id[:6]} page={state.page_script_hash[:6]} "
            f"triggers={[t[-12:] for t in (triggers or {})]} values={len(self.values)}"
        )
        state.widget_states.widgets.extend(merged.values())
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        await self._socket().send(msg.SerializeToString())

    def _socket(self) -> ClientConnection:
        if self._ws is None:
            raise ProtocolError("not connected: open() first")
        return self._ws

    async def click(self, element_id: str) -> None:
        """Press a button (or a form's submit button) once.

        As the browser does, a button inside a fragment reruns only that fragment.
        """
        fragment = next((s.fragment for s in self.elements.values() if s.element_id == element_id), "")
        await self.rerun(triggers={element_id: WidgetState(id=element_id, trigger_value=True)}, fragment_id=fragment)

    def set_string(self, element_id: str, value: str) -> None:
        """Type into a text area or choose a radio option (sent with the next run)."""
        self.values[element_id] = WidgetState(id=element_id, string_value=value)

    def set_bool(self, element_id: str, value: bool) -> None:
        """Tick or untick a checkbox (sent with the next run): a scribe's recording consent."""
        self.values[element_id] = WidgetState(id=element_id, bool_value=value)

    async def go_to(self, url_path: str, query_string: str | None = None) -> None:
        """Follow a page link: the app's page at url_path, with the link's query string."""
        target = self.pages.get(url_path)
        if target is None:
            raise ProtocolError(f"no page at /{url_path}")
        self._cancel_timers()  # the frontend's cleanupAutoReruns()
        self.values.clear()
        if query_string is not None:
            self.query_string = query_string
        await self.rerun(page_hash=target)

    # --- what the server sends ---------------------------------------------------

    async def _read_forever(self) -> None:
        try:
            async for data in self._socket():
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
                self._changed.set()
                if self.on_update:
                    self.on_update(self)
        except Exception as err:  # connection closed or broken: waiters must wake
            self.closed_reason = f"{type(err).__name__}: {err}"
        else:
            self.closed_reason = "closed by server"
        self._changed.set()

    def _note(self, what: str) -> None:
        self.trace.append(f"{time.monotonic() % 1000:.2f} {what}")

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind in ("new_session", "script_finished", "auto_rerun", "stop_auto_rerun", "page_not_found"):
            detail = (
                msg.script_finished
                if kind == "script_finished"
                else (
                    f"page={msg.new_session.page_script_hash[:6]} frags={list(msg.metadata.run.fragment_ids)}"
                    if kind == "new_session"
                    else list(msg.metadata.run.fragment_ids)
                )
            )
            self._note(f"< {kind} {detail}")
        if kind == "new_session":
            fragment_ids = list(msg.metadata.run.fragment_ids)
            self.start_run(fragment_ids)
            if not fragment_ids:  # a full run: the frontend stops every fragment's timer
                self._cancel_timers()
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "delta":
            self.apply_delta(msg)
        elif kind == "script_finished":
            alerts = [p for p, s in self.elements.items() if s.kind == "alert"]
            self._note(
                f"  finish {msg.script_finished} run={self.run_id} frags={len(self._frags_this_run)} alerts at {alerts}"
            )
            self.finish_run(msg.script_finished)
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self._cancel_timers(fid)
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string

    # --- fragment timers -----------------------------------------------------------

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if fragment_id in self._timers:
            return
        self._timers[fragment_id] = asyncio.create_task(self._auto_rerun(fragment_id, interval))

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        while self.connected:
            await asyncio.sleep(interval)
            try:
                await self.rerun(fragment_id=fragment_id, auto=True)
            except Exception:
                return

    def _cancel_timers(self, fragment_id: str | None = None) -> None:
        for fid in [fragment_id] if fragment_id else list(self._timers):
            task = self._timers.pop(fid, None)
            if task:
                task.cancel()

    # --- waiting for the screen ----------------------------------------------------

    async def wait_for(self, check: Callable[[StreamlitSession], T | None], timeout: float) -> T:
        """Wait until check(session) is truthy; returns its value or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            result = check(self)
            if result:
                return result
            if self.closed_reason:
                raise ProtocolError(f"connection lost: {self.closed_reason}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def wait_run_after(self, runs_before: int, timeout: float) -> None:
        """Wait for a full run that finished after runs_before had finished."""
        await self.wait_for(lambda s: s.runs_finished > runs_before, timeout)
