"""The join address and its QR code: one builder for the projector, the printed cards and the CLI.

Every QR code eventkit draws encodes `join_url(base, CODE[, table])`, where
the base is the event's saved public address or, when none is saved, this
machine's address on the local network with the app's port. The projector
and the printed cards therefore always agree. A public address is checked
and normalised the same way wherever it is typed (editor, event file, QR
page, `qr-sheet --base-url`).
"""

from __future__ import annotations

import io
import ipaddress
import logging
import os
import re
import socket
from urllib.parse import quote, urlencode, urlsplit

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

log = logging.getLogger(__name__)
DEFAULT_PORT = 8501
PUBLIC_PORT_ENV = "EVENTKIT_PUBLIC_PORT"  # set by `eventkit serve`: the port phones reach (nginx), not a worker's
PUBLIC_URL_ENV = "EVENTKIT_PUBLIC_URL"  # set on every host behind a load balancer: the address phones open
MAX_URL_CHARS = 200
BOX_SIZE = 12  # pixels per QR module: sharp when printed 8 cm wide
BORDER = 4  # the quiet zone scanners need, in modules
EXAMPLE = "http://192.168.1.20:8501"
_FOLDERS = re.compile(r"(/[A-Za-z0-9._~-]+)*/?")
# The app's own pages: an address copied from one of them is not the app's base address.
_PAGE_PATHS = {"wall", "table", "feedback", "privacy", "projector", "facilitator"}


class AddressError(ValueError):
    """A public address phones could not use; the message says why."""


def normalise_base_url(text: str | None) -> str:
    """The address cleaned: scheme added when missing (http://), lower-case host, no trailing slash.

    Only http and https; a folder (for a reverse proxy, e.g. /events) is kept,
    anything else after the host is refused with AddressError saying why.
    """
    raw = (text or "").strip()
    if not raw:
        raise AddressError(f"Please enter the address phones will open, e.g. {EXAMPLE}.")
    shown = raw[:80] + ("…" if len(raw) > 80 else "")
    if len(raw) > MAX_URL_CHARS:
        raise AddressError(f"The address is too long ({len(raw):,} characters; at most {MAX_URL_CHARS}).")
    if any(c.isspace() or not c.isprintable() for c in raw):
        raise AddressError(f"“{shown}” is not a web address: it contains spaces or invisible characters.")
    if "?" in raw or "#" in raw:
        raise AddressError("Give the address without ?… or #…: the event code is added for you.")
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise AddressError(f"“{shown}” is not a web address (check the port number).") from None
    if port == 0:
        raise AddressError(f"“{shown}” is not a web address: the port must be a number from 1 to 65535.")
    return _assemble(parts, port, shown)


def _assemble(parts, port: int | None, shown: str) -> str:
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise AddressError("The address must start with http:// or https://.")
    if "@" in parts.netloc:
        raise AddressError("Give the address without a user name or password (nothing before @).")
    host = _host(parts.hostname, shown)
    if not _FOLDERS.fullmatch(parts.path) or {".", ".."} & set(parts.path.split("/")):
        raise AddressError("After the host and port the address may only have a folder, such as /events.")
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if last in _PAGE_PATHS or last.startswith("organiser"):
        raise AddressError("Give the address of the app itself, without the page (/projector, /wall …).")
    netloc = f"[{host}]" if ":" in host else host
    return f"{scheme}://{netloc}{f':{port}' if port is not None else ''}{parts.path.rstrip('/')}"


def _host(hostname: str | None, shown: str) -> str:
    if not hostname:
        raise AddressError(f"“{shown}” is not a web address: it has no host name.")
    address = _ip(hostname)
    if address is not None:
        return str(address)
    try:
        hostname = hostname.encode("idna").decode("ascii")  # münchen.de -> xn--mnchen-3ya.de
    except UnicodeError:
        raise AddressError(f"“{shown}” is not a web address: “{hostname[:60]}” is not a host name.") from None
    labels = hostname.rstrip(".").split(".")
    if not all(re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels):
        raise AddressError(f"“{shown}” is not a web address: “{hostname[:60]}” is not a host name.")
    return hostname.rstrip(".")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host names as browsers read it, or None for a host name.

    Besides 127.0.0.1 and ::1, browsers take the older IPv4 forms that
    inet_aton accepts: 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 are all
    127.0.0.1 (the WHATWG URL standard's IPv4 parser).
    """
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not re.fullmatch(r"[0-9a-fA-FxX.]+", host) or not re.search(r"(^|\.)(0[xX][0-9a-fA-F]*|[0-9]+)\.?$", host):
        return None  # the last label is not a number: a host name (e.g. cafe.be), never an address
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
    except OSError:
        return None


def is_local(url: str) -> bool:
    """Whether the address only works on this machine (localhost, 127.x in any of its forms, ::1, 0.0.0.0)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address = _ip(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1
    return address is not None and (address.is_loopback or address.is_unspecified)


def lan_address() -> str:
    """This machine's address on the local network, or 'localhost'.

    Connecting a UDP socket sends nothing; it only makes the OS pick the
    interface it would route a private address through.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
    except OSError:
        return "localhost"
    return address if address and not address.startswith(("0.", "127.")) else "localhost"


def suggest_base_url(port: int | None = None) -> str:
    """The address to use when the event has no public address saved.

    $EVENTKIT_PUBLIC_URL when set (several hosts behind a load balancer: a
    host's own address is not what phones can open), else http://<LAN
    address>:<port>, the port being $EVENTKIT_PUBLIC_PORT when set (`eventkit
    serve` sets it: its workers listen on private ports behind nginx), else
    the one given.
    """
    public = os.environ.get(PUBLIC_PORT_ENV, "")
    return (
        configured_public_url() or f"http://{lan_address()}:{int(public) if public.isdigit() else port or DEFAULT_PORT}"
    )


def configured_public_url() -> str:
    """The server-wide public address ($EVENTKIT_PUBLIC_URL, normalised), or '' (unset or unusable: logged)."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip()
    try:
        return normalise_base_url(configured) if configured else ""
    except AddressError as err:
        log.warning("%s is ignored: %s", PUBLIC_URL_ENV, err)
        return ""


def public_base(saved: str, port: int | None = None) -> tuple[str, str]:
    """(the base every QR code of the event uses, a note for staff or '').

    The saved public address when it is usable, else the suggested one; the
    note says when the QR codes rely on the suggestion or point at this machine only.
    """
    note = ""
    try:
        base = normalise_base_url(saved) if saved else ""
    except AddressError as err:
        base, note = "", f"The event's saved public address “{saved[:80]}” is not usable: {err}"
    if not base and configured_public_url():
        base = configured_public_url()  # the server's public address: what the operator set for every host
    elif not base:
        base = suggest_base_url(port)
        note = note or (
            f"No public address is saved for this event, so the QR codes use this machine's "
            f"suggested address {base}. Check it opens on a phone, or save the right one."
        )
    if is_local(base):
        note = (
            f"The QR codes point at {base}, which only works on this computer: phones cannot open it. "
            "Save the event's public address (organiser area → QR codes), e.g. " + EXAMPLE + "."
        )
    return base, note


def join_url(base_url: str, code: str, table_no: int | None = None, page: str = "") -> str:
    """The link a QR code opens: `/?event=CODE[&table=N]`, which the server sends to the event's
    HTML join (eventkit/web/asgi.py), or with a page (e.g. feedback) that HTML page, `/e/CODE/feedback`
    (a phone that has not joined yet is sent through the join)."""
    if page:
        return f"{base_url.rstrip('/')}/e/{quote(code)}/{quote(page)}"
    params = {"event": code} if table_no is None else {"event": code, "table": table_no}
    return f"{base_url.rstrip('/')}/?{urlencode(params)}"


def qr_code(url: str, *, box_size: int = BOX_SIZE, border: int = BORDER, level: int = ERROR_CORRECT_M) -> qrcode.QRCode:
    """The QR symbol for a URL (by default medium error correction: a printed card survives a smudge)."""
    code = qrcode.QRCode(error_correction=level, box_size=box_size, border=border)
    code.add_data(url)
    code.make(fit=True)
    return code


def coarsest_qr_code(url: str, *, box_size: int = BOX_SIZE, border: int = BORDER) -> qrcode.QRCode:
    """The QR symbol with the fewest modules for a URL and, at that size, the most error correction that fits.

    For a screen read from across a room: at a given width fewer modules are
    bigger ones, so the code scans from further away. A join address of up to
    42 letters (http://192.168.1.20:8501/?event=FIFE16 has 38) is version 3,
    29 modules a side, at medium correction; up to 53 letters, low correction
    keeps it at 29 where medium would take 33.
    """
    fewest = qr_code(url, box_size=box_size, border=border, level=ERROR_CORRECT_L)
    for level in (ERROR_CORRECT_H, ERROR_CORRECT_Q, ERROR_CORRECT_M):
        code = qrcode.QRCode(version=fewest.version, error_correction=level, box_size=box_size, border=border)
        code.add_data(url)
        try:
            code.make(fit=False)
        except DataOverflowError:
            continue
        return code
    return fewest


def qr_png(url: str, *, box_size: int = BOX_SIZE, border: int = BORDER, coarsest: bool = False) -> bytes:
    """A black-on-white PNG of the QR code for a URL (coarsest: fewest modules, see coarsest_qr_code)."""
    build = coarsest_qr_code if coarsest else qr_code
    buffer = io.BytesIO()
    build(url, box_size=box_size, border=border).make_image(fill_color="black", back_color="white").save(buffer)
    return buffer.getvalue()
