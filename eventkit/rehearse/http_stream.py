"""A phone's EventSource: the server-sent event stream a Now page follows the room by (/e/CODE/events).

As a browser's EventSource: one streaming GET on a connection of its own
(the page's requests keep theirs), with the page's cookies, `Accept:
text/event-stream` and `Last-Event-ID` never sent (the server sends no ids).
It reads the stream's lines, gives each message's event name and data (a
`data:` line, or several joined by newlines, ended by a blank line), skips
comments (the server's heartbeat), and takes `retry:` as its wait before
reconnecting. When the connection ends or breaks it reconnects after that wait,
as EventSource does; a 204 answer means "stop" (no such event, or closed), and
any other status or content type fails it for good (EventSource gives up too;
follow.js then falls back to asking /live). Bytes received are counted, so the
rehearsal can report the KB a phone spends following the room.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

RECONNECT_S = 3.0  # EventSource's usual default, until the stream says `retry:`


@dataclass(frozen=True)
class Message:
    event: str
    data: str


class StreamRefused(Exception):
    """The server answered the stream with something EventSource does not reconnect after."""


@dataclass
class EventStream:
    """One EventSource: `messages()` yields every message until the stream is stopped or refused."""

    base_url: str
    target: str
    cookies: dict[str, str]
    timeout: float = 30.0  # to connect and read the headers
    retry: float = RECONNECT_S
    wire_bytes: int = 0
    connects: int = 0
    _writer: asyncio.StreamWriter | None = field(default=None, repr=False)
    _pump: asyncio.Task | None = field(default=None, repr=False)  # a chunked body's de-chunking

    async def messages(self) -> AsyncGenerator[Message, None]:
        """Every message, reconnecting after the stream ends or breaks (not after a refusal)."""
        while True:
            try:
                reader = await asyncio.wait_for(self._open(), self.timeout)
                async with contextlib.aclosing(self._read(reader)) as read:
                    async for message in read:
                        yield message
            except (ConnectionError, OSError, TimeoutError, asyncio.IncompleteReadError):
                pass  # a dropped or refused connection: EventSource tries again after `retry`
            finally:
                await self.close()
            await asyncio.sleep(self.retry)

    async def _open(self) -> asyncio.StreamReader:
        parts = urlsplit(self.base_url)
        reader, self._writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        self.connects += 1
        head = [
            f"GET {self.target} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Accept: text/event-stream",
            "Cache-Control: no-cache",
        ]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        self._writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        await self._writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before answering")
        self.wire_bytes += len(status_line)
        status, headers = int(status_line.split()[1]), {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            self.wire_bytes += len(line)
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if status == 204:
            raise StreamRefused("the server said stop (204)")
        if status != 200 or not headers.get("content-type", "").startswith("text/event-stream"):
            raise StreamRefused(f"HTTP {status} {headers.get('content-type', '')}")
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return _dechunked(reader, self)
        return reader

    async def _read(self, reader: asyncio.StreamReader) -> AsyncGenerator[Message, None]:
        event, data = "", list[str]()
        while line := await reader.readline():
            self.wire_bytes += len(line) if not isinstance(reader, _Dechunked) else 0
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if not text:
                if data:
                    yield Message(event or "message", "\n".join(data))
                event, data = "", list[str]()
                continue
            name, _, value = text.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
            elif name == "retry" and value.isdigit():
                self.retry = int(value) / 1000
            # a line starting with ":" is a comment (the heartbeat); other fields are ignored

    async def close(self) -> None:
        """Close the connection and end its de-chunking task (awaited: nothing left pending)."""
        pump, self._pump = self._pump, None
        if pump is not None:
            pump.cancel()
            await asyncio.wait([pump])
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()


class _Dechunked(asyncio.StreamReader):
    """The body of a chunked response as a stream of lines (uvicorn and nginx chunk event streams)."""


def _dechunked(raw: asyncio.StreamReader, stream: EventStream) -> asyncio.StreamReader:
    """A reader fed with the de-chunked body by a task that ends with the connection."""
    body = _Dechunked()

    async def pump() -> None:
        try:
            while size_line := await raw.readline():
                stream.wire_bytes += len(size_line)
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    break
                chunk = await raw.readexactly(size + 2)
                stream.wire_bytes += len(chunk)
                body.feed_data(chunk[:-2])
        except (ConnectionError, OSError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            body.feed_eof()

    task = asyncio.get_running_loop().create_task(pump())
    stream._pump = task  # kept by the stream, ended by its close()
    return body
