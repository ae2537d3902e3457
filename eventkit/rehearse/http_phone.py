"""A phone's browser for the HTML attendee pages: one HTTP/1.1 keep-alive connection, and page reading.

A minimal asyncio client of our own rather than a library: the one HTTP
client installed (httpx2) is a development pin for Starlette's TestClient,
not a dependency of the app, and a rehearsal of 5,000 phones runs on the
same two cores as the server, where an AsyncClient per phone (connection
pool, TLS context) costs the tool CPU the server needs. A phone needs only
GET and form POSTs on one connection, cookies, gzip and redirects by hand.

The reading helpers find what a person reads on a page (eventkit/web/templates):
the form token every form carries, the green "saved" banner, the error
summary, the vote buttons, the wall's questions and +1 forms, what is live
(the <html> element's data-live, which the follow script compares), the event
stream it follows (data-stream) and the <noscript> refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from .client import ProtocolError

FORM_TOKEN = re.compile(r'<input type="hidden" name="form_token" value="([^"]*)"')
SAVED = re.compile(r'<div class="banner success" role="status"><p>(.*?)</p></div>', re.S)
ERROR_SUMMARY = re.compile(r'<div class="error-summary".*?<ul>(.*?)</ul>', re.S)
ERROR_ITEM = re.compile(r"<li><a [^>]*>(.*?)</a></li>", re.S)
POLL_FIELD = re.compile(r'<input type="hidden" name="poll" value="(\d+)">')
OPTION = re.compile(
    r'<button class="button option" type="submit" name="option" value="(\d+)"[^>]*>(.*?)</button>', re.S
)
LIVE = re.compile(r'<html [^>]*data-live="([^"]*)"')
HEADING = re.compile(r"<h1>(.*?)</h1>", re.S)
PROMPT_LINK = re.compile(r'<a href="[^"?]*/wall\?q=(\d+)">')
PROMPT_FIELD = re.compile(r'<input type="hidden" name="prompt" value="(\d+)">')
AGREE_NOTE = re.compile(r'<input type="hidden" name="note" value="(\d+)">')
STREAM = re.compile(r'<html [^>]*data-stream="([^"]*)"')
NOW_PAGE = re.compile(r'<html [^>]*data-href="([^"]*)" data-now="\1"')
REFRESH = re.compile(r'<noscript><meta http-equiv="refresh" content="(\d+)')
TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def form_token(page: str) -> str | None:
    """The token the page's forms carry (None on a page without a form)."""
    found = FORM_TOKEN.search(page)
    return found[1] if found else None


def saved_message(page: str) -> str | None:
    """The page's confirmation banner ("Saved: your answer …", "Thanks! Your note …"), if any."""
    found = SAVED.search(page)
    return _text(found[1]) if found else None


def error_messages(page: str) -> list[str]:
    """The error summary's messages (empty when there is no problem)."""
    found = ERROR_SUMMARY.search(page)
    return [_text(m) for m in ERROR_ITEM.findall(found[1])] if found else []


@dataclass(frozen=True)
class ChoiceForm:
    """A choice poll's vote form on Now: its poll, its options, and which one this phone chose."""

    poll_id: int
    options: tuple[int, ...]
    chosen: int | None


def choice_form(page: str) -> ChoiceForm | None:
    """The vote form of a choice poll, if Now shows one."""
    poll, options = POLL_FIELD.search(page), OPTION.findall(page)
    if poll is None or not options:
        return None
    chosen = next((int(i) for i, label in options if label.startswith("✓")), None)
    return ChoiceForm(int(poll[1]), tuple(int(i) for i, _ in options), chosen)


def live_value(page: str) -> str | None:
    """What is live, as the page shows it (the follow script's data-live)."""
    found = LIVE.search(page)
    return html.unescape(found[1]) if found else None


def headings(page: str) -> list[str]:
    return [_text(h) for h in HEADING.findall(page)]


def wall_prompts(page: str) -> list[int]:
    """The wall's questions: the one shown (its form's field) and the others linked."""
    shown = PROMPT_FIELD.search(page)
    linked = set(map(int, PROMPT_LINK.findall(page)))
    return sorted(linked | {int(shown[1])} if shown else linked)


def shown_prompt(page: str) -> int | None:
    """The wall question the page shows (its forms' prompt field)."""
    found = PROMPT_FIELD.search(page)
    return int(found[1]) if found else None


def agreeable_notes(page: str) -> list[int]:
    """Notes listed with a +1 form (this phone has not agreed with them yet)."""
    return [int(n) for n in AGREE_NOTE.findall(page)]


def stream_path(page: str) -> str | None:
    """The event stream the page's follow script opens (the <html> element's data-stream), if any."""
    found = STREAM.search(page)
    return html.unescape(found[1]) if found else None


def is_now(page: str) -> bool:
    """The page is Now itself (it follows back to itself), not another page that follows the room (the table's)."""
    return NOW_PAGE.search(page) is not None


def refresh_seconds(page: str) -> int | None:
    """Seconds after which the page reloads itself without JavaScript (its <noscript> refresh), if it does."""
    found = REFRESH.search(page)
    return int(found[1]) if found else None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str
    wire_bytes: int  # what came over the connection: status line, headers and (compressed) body

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Browser:
    """One phone's browser: one keep-alive connection to the server, its cookies, same-origin POSTs."""

    base_url: str
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one request at a time on the connection
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    async def get(self, target: str) -> Reply:
        return await self.request("GET", target)

    async def post(self, target: str, form: dict[str, str]) -> Reply:
        return await self.request("POST", target, urlencode(form).encode())

    async def request(self, method: str, target: str, body: bytes | None = None) -> Reply:
        """Send one request, reusing the connection; a connection the server closed while idle is
        opened again once, as browsers do."""
        for attempt in (1, 2):
            reused = self._writer is not None
            try:
                async with self._lock:
                    return await asyncio.wait_for(self._exchange(method, target, body), self.timeout)
            except TimeoutError:
                await self.close()  # a reply half read: the connection cannot carry another
                raise
            except asyncio.CancelledError:  # the page left mid-request (a reload cancelled): as a browser
                self._drop()  # aborts it, the connection goes; kept, its late reply would answer the next request
                raise
            except (ConnectionError, asyncio.IncompleteReadError, EOFError) as err:
                await self.close()
                if not reused or attempt == 2:
                    raise ProtocolError(f"{method} {target}: connection lost ({type(err).__name__})") from err
        raise AssertionError("unreachable")

    async def _exchange(self, method: str, target: str, body: bytes | None) -> Reply:
        if self._writer is None:
            parts = urlsplit(self.base_url)
            self._reader, self._writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        assert self._reader is not None
        head = [f"{method} {target} HTTP/1.1", f"Host: {urlsplit(self.base_url).netloc}", "Accept-Encoding: gzip"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
            head.append(f"Origin: {self.origin}")
        self._writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        await self._writer.drain()
        self.requests += 1
        return await self._read_reply()

    async def _read_reply(self) -> Reply:
        assert self._reader is not None
        status_line = await self._reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before answering")
        wire, headers = len(status_line), {}
        while (line := await self._reader.readline()) not in (b"\r\n", b"\n", b""):
            wire += len(line)
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "set-cookie":
                self._keep_cookie(value.strip())
            headers[name.strip().lower()] = value.strip()
        raw = await self._read_body(headers)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        if headers.get("content-encoding") == "gzip":
            raw_text = zlib.decompress(raw, 16 + zlib.MAX_WBITS)
        else:
            raw_text = raw
        return Reply(int(status_line.split()[1]), headers, raw_text.decode("utf-8", "replace"), wire + len(raw))

    async def _read_body(self, headers: dict[str, str]) -> bytes:
        assert self._reader is not None
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self._reader.readline()).split(b";")[0], 16):
                chunks.append((await self._reader.readexactly(size + 2))[:-2])
            while (await self._reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        if "content-length" in headers:
            return await self._reader.readexactly(int(headers["content-length"]))
        body = await self._reader.read()  # no length: the body ends with the connection
        await self.close()
        return body

    def _keep_cookie(self, header: str) -> None:
        name, _, value = header.split(";")[0].partition("=")
        if "max-age=0" in header.lower() or not value:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip().strip('"')

    async def close(self) -> None:
        writer = self._drop()
        if writer is not None:
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    def _drop(self) -> asyncio.StreamWriter | None:
        """Close the connection now (no waiting): the next request opens a new one."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
        return writer
