"""Keeping attendee screens in step with what the facilitator has made live.

Under `streamlit run` the server pushes redraws (eventkit.ui.live): each
attendee page records what it drew of the live activity, and only screens
that are out of date are rerun, only their live fragment where they have
one. Elsewhere (AppTest, or a Streamlit without the internals push uses)
pages poll with fragments instead.
"""

from __future__ import annotations

import streamlit as st

from ...live import PHONE_POLL_SECONDS, PHONE_SAFETY_SECONDS, LiveSignature, signature
from ...models import Live, Poll
from .. import faults, routes
from ..identity import Attendee
from ..routes import link
from .adapter import can_push, forget, reads, shown, watch


def live_signature(event_id: int) -> LiveSignature:
    """eventkit.live.signature of the event, from the shared reads."""
    return signature(*reads().live_poll(event_id))


def keep_in_step(event_id: int) -> None:
    """Have this attendee screen redrawn when the facilitator changes what is live.

    Under `streamlit run` the server pushes the redraw (eventkit.ui.live), so an
    idle phone costs almost nothing. The whole-page watch recorded here is
    provisional: the page's live part (live_part) records what it drew, and
    which fragment to redraw, later in the same run. It is still needed: the
    safety check's body runs at once, and without a watch it would see nothing
    recorded and rerun the page for ever. A slow check every
    PHONE_SAFETY_SECONDS catches anything missed and, because it is a timer,
    makes the phone rerun when it reconnects to a restarted server. Elsewhere
    (AppTest) pages poll with fragments instead.
    """
    if can_push():
        watch(event_id, live_signature(event_id))
        _safety_check(event_id)


def stop_following_live() -> None:
    """Called by the router before every page: staff pages are not kept in step."""
    forget()


def follow_live(event_id: int) -> None:
    """On the Now screen: rerun the page when what is live changes (polled without push)."""
    if not can_push():
        _poll_live(event_id, live_signature(event_id))


def live_part(event_id: int) -> tuple[Live, Poll | None]:
    """At the top of the fragment that draws the live activity: what is live
    now, and the live poll if it is one. Draw exactly these.

    With push, only this fragment is redrawn when the activity changes (about
    half the server's work of redrawing the page: no page links, no footer).
    """
    now, current = reads().live_poll(event_id)
    if can_push():
        # Recorded from the very values drawn: a second read of the shared
        # answers could differ (they may have changed in between), and push
        # would then believe a screen current that shows the old activity.
        watch(event_id, signature(now, current))
    return now, current


def _rerun_if_live_changed(event_id: int, seen: LiveSignature | None) -> None:
    if live_signature(event_id) != seen:
        st.rerun(scope="app")


@st.fragment(run_every=PHONE_SAFETY_SECONDS)
@faults.shielded(faults.QUIET)
def _safety_check(event_id: int) -> None:
    # Compared with what push last recorded: a redrawn live fragment updates it.
    _rerun_if_live_changed(event_id, shown())


@st.fragment(run_every=PHONE_POLL_SECONDS)
@faults.shielded(faults.QUIET)
def _poll_live(event_id: int, seen: LiveSignature) -> None:
    _rerun_if_live_changed(event_id, seen)


# A banner on the other attendee pages for every live activity but the page's own:
# (page it links to, what it says, icon). Welcome asks nothing of anyone: no banner.
BANNERS = {
    "wall": (routes.WALL, "The wall is open: tap to add your thoughts", "📝"),
    "tables": (routes.TABLE, "Table discussions have started: tap to open your table", "👥"),
    "evaluation": (routes.FEEDBACK, "The feedback form is open: tap to give feedback", "💬"),
}
POLL_BANNERS = {
    "draft": "A question is about to open: tap to get ready",
    "open": "A question is open now: tap to vote",
    "closed": "Voting has closed: tap to see the question",
    "revealed": "The answer is out: tap to see if you were right",
}


def live_banner(attendee: Attendee, here: str, *, whole_page: bool = False) -> None:
    """On pages other than Now: what the facilitator has made live, with a link to it.

    `here` is the live activity this page itself shows (wall, tables,
    evaluation): no banner for it. With push only the banner is redrawn when
    the activity changes, unless `whole_page`: for a page that itself depends
    on what is live (Feedback opens when the facilitator makes the evaluation live).
    """
    if whole_page and can_push():
        _banner(attendee, here, *live_part(attendee.event.id))
    elif can_push():
        _pushed_banner(attendee, here)
    else:
        _polled_banner(attendee, here)


@st.fragment
@faults.shielded(faults.QUIET)
def _pushed_banner(attendee: Attendee, here: str) -> None:
    _banner(attendee, here, *live_part(attendee.event.id))


@st.fragment(run_every=PHONE_POLL_SECONDS)
@faults.shielded(faults.QUIET)
def _polled_banner(attendee: Attendee, here: str) -> None:
    _banner(attendee, here, *live_part(attendee.event.id))


def banner_for(now: Live, current: Poll | None, here: str) -> tuple[str, str, str] | None:
    """(page, words, icon) of the banner for what is live, seen from page `here`; None for none."""
    if current is not None:
        return routes.NOW, POLL_BANNERS.get(current.state, POLL_BANNERS["open"]), "🗳️"
    if now.kind == here:
        return None
    return BANNERS.get(now.kind)


def _banner(attendee: Attendee, here: str, now: Live, current: Poll | None) -> None:
    found = banner_for(now, current, here)
    if found is not None:
        page, words, icon = found
        with st.container(key="ek-live-banner"):
            link(page, label=words, icon=icon, query_params=attendee.link_params(), width="stretch")
