"""The projector's ways to join: the join address, its QR codes and the footer of every screen.

The footer's code is sized so a phone reads it from the middle of the room
where the screen allows (docs/running-the-day.md, projector.css): a module
per 1.6/100 of the screen's height, about four screen heights away.
"""

from __future__ import annotations

import functools
from typing import Literal

import streamlit as st

from eventkit.event import links

from ..models import Event
from . import facilitator as fx

Footer = Literal["rail", "band", ""]
WALL_QUIET_NOTES = 2  # up to this many notes on the wall (people still joining), its QR code is the rail's big one
QR_BOX, QR_BORDER = 14, 2  # image pixels a module; quiet zone in modules (the rail's white margin adds more)
LOCAL_ONLY = "This code only works on this computer. Facilitator: see the control panel."
CLOSED = "Joining is closed. Already in? Keep using the page you joined with."


def footer_qr(kind: str, poll_state: str = "", wall_notes: int = 0) -> Footer:
    """How the footer shows the QR code (poll_state: the live poll's, or '' when none is live).

    Beside a poll until its reveal, and on the wall while it is quiet (WALL_QUIET_NOTES
    or fewer notes, when people are still joining), a rail down the right edge whose
    code scans from the middle of the room. The reveal (its chart beside the answer), a
    busier wall (its notes) need the width, and the tables have their printed cards: a
    band along the bottom with a smaller code. Welcome and evaluation already show a big
    code, so there the footer is words only.
    """
    if poll_state not in ("", "revealed") or (kind == "wall" and wall_notes <= WALL_QUIET_NOTES):
        return "rail"
    return "band" if poll_state or kind in ("wall", "tables") else ""


def qr_image(event: Event, page: str = "", width: int | Literal["stretch"] = 520, warn: bool = True) -> str:
    """The join QR code (to a page, e.g. feedback) with its address as alt text; returns the address."""
    url = join_url(event, page)
    st.image(qr_png(url), width=width, alt=f"QR code: scan it to open {url}")
    if warn and links.is_local(url):  # useless to the room anyway: a small pointer for staff (the panel says more)
        st.caption(LOCAL_ONLY)
    return url


def join_footer(event: Event, *, qr: Footer) -> None:
    """The join address and event code on every screen (projector.css fixes them in place).

    Without a QR code a slim line along the bottom; with one (qr, see footer_qr) either a
    rail down the right edge, the code at its top (heads in the front rows hide the bottom
    of the screen) drawn a module per 1.6/100 of the screen's height, or a band along the
    bottom with a code of 21/100 of the height at its left end.
    """
    url = join_url(event)
    qr = qr if event.joining_open else ""
    with st.container(key="ek-footer", horizontal=qr != "rail", vertical_alignment="center", gap="large"):
        if not qr:
            with st.container(key="ek-footline-join", width="stretch"):
                st.text(f"Join on your phone:  {url}" if event.joining_open else CLOSED)
            with st.container(key="ek-footline-code", width="content"):
                st.text(f"Code  {event.code}")
            return
        if qr == "rail":
            big_text("Join on your phone", "footurl", "join")
        with st.container(key="ek-footer-qr", width="content"), st.container(key=f"ek-qr{qr}-{qr_modules(url)}"):
            qr_image(
                event, width=qr_modules(url) * QR_BOX, warn=False
            )  # as drawn (not resampled); projector.css sizes it
        with st.container(key="ek-footjoin", width="stretch", gap="small"):
            big_text(
                "Scan the code, or go to" if qr == "rail" else "Join on your phone: scan the code, or go to",
                "footurl",
                "go",
            )
            big_text(url, "footaddr", "join")
            if links.is_local(url):  # the screen's only QR code: the same pointer as beside a big one
                st.caption(LOCAL_ONLY)
        with st.container(
            key="ek-footcodebox", width="content", gap="small", horizontal=qr == "rail", vertical_alignment="center"
        ):
            big_text("Event code", "footcode", "join")
            big_text(event.code, "footevent", "join")


def join_url(event: Event, page: str = "") -> str:
    """The attendees' join address (on a page, e.g. feedback), as the printed cards encode it."""
    return links.join_url(fx.join_base(event)[0], event.code, page=page)


@functools.lru_cache(maxsize=32)  # not a database read: the image depends on the address alone
def qr_png(url: str) -> bytes:
    """The coarsest code for the address (fewest modules: the biggest at a given size)."""
    return links.qr_png(url, box_size=QR_BOX, border=QR_BORDER, coarsest=True)


@functools.lru_cache(maxsize=32)
def qr_modules(url: str) -> int:
    """The width of qr_png's image in modules, quiet zone included (projector.css sizes the rail's code by it)."""
    return links.coarsest_qr_code(url, border=QR_BORDER).modules_count + 2 * QR_BORDER


def big_text(text: str, style: str, ident: object = "") -> None:
    """Text shown literally (st.text), sized by projector.css through its key (style: question, fact…)."""
    with st.container(key=f"ek-{style}-{ident}"):
        st.text(text)
