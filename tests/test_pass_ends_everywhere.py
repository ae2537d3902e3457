"""Issue 22, section 2: a pass ends everywhere at once.

Two panel tabs in one browser; Sign out in one: the other kept refreshing its
figures and moderation queue, and an action there was accepted 150 s later.
The panel's timed sections reused the Console unlocked on the tab's last full
run. Now every timed section checks the pass first, and every action of a
Console resumed from a pass checks that pass, so sign-out, a new passcode and
midnight end every tab within one refresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.access import staff
from eventkit.access.console import Console, ConsoleLocked
from eventkit.storage import Store, utc_stamp
from tests.app_pages import app_database, demo_in


def _panel_pass(store: Store, event_id: int) -> str:
    return staff.issue_pass(store, "facilitator", event_id, staff.facilitator_mark(store.facilitator_hash(event_id)))[0]


def test_a_console_resumed_from_a_pass_stops_acting_once_the_pass_is_signed_out(demo):
    store, event = demo
    token = _panel_pass(store, event.id)
    tab = Console.resume(store, event.id, token)  # the other tab's panel
    tab.set_joining_open(True)
    staff.revoke_pass(store, token)  # Sign out, in this browser's first tab
    with pytest.raises(ConsoleLocked, match="signed out"):
        tab.set_joining_open(False)
    with pytest.raises(ConsoleLocked):
        tab.set_live("wall")
    assert store.get_event(event.id).joining_open


def test_a_console_resumed_from_a_pass_stops_acting_at_midnight(demo):
    store, event = demo
    tab = Console.resume(store, event.id, _panel_pass(store, event.id))
    tab.set_live("wall")
    with store.write() as db:  # the clock passes midnight: the pass has expired
        db.execute("UPDATE staff_passes SET expires_at = ?", [utc_stamp(datetime.now(UTC) - timedelta(seconds=1))])
    with pytest.raises(ConsoleLocked):
        tab.set_live("welcome")


def _panel_script() -> None:
    """A control panel whose pass ends between its full run and one timed section's run."""
    import streamlit as st

    from eventkit.ui import facilitator as fx
    from eventkit.ui import panel, panel_poll, panel_room
    from eventkit.ui.live import reads, store

    event = reads().event_by_code("FIFE16")
    con = fx.require_facilitator(event)
    st.title("Panel drawn")
    if st.session_state.get("end_pass"):  # Sign out in another tab, before this section refreshes
        store().delete_staff_passes("facilitator", event.id)
    section = st.session_state["section"]
    polls = reads().polls(event.id)
    if section == "poll_controls":
        panel_poll.poll_controls(event, con, polls[0].id, None)
    else:
        module = panel if section in ("run_of_the_day", "run_of_show") else panel_room
        getattr(module, section)(event, con)


SECTIONS = ["run_of_the_day", "run_of_show", "poll_controls", "note_queue", "evaluation", "door"]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_timed_section_checks_the_pass_before_it_reads_or_offers_an_action(
    tmp_path, monkeypatch, demo_spec, section
):
    with app_database(tmp_path / "eventkit.db", monkeypatch) as path:
        store, event = demo_in(path, demo_spec)
        at = AppTest.from_function(_panel_script, default_timeout=60)
        at.session_state["section"] = section
        at.session_state["ek_facilitator_passes"] = {event.id: _panel_pass(store, event.id)}
        at.run()
        assert not at.exception and at.title[0].value == "Panel drawn"
        captions = [c.value for c in at.caption if "until midnight" not in c.value]
        assert at.button or at.get("metric") or captions, "the section drew nothing while signed in"
        at.session_state["end_pass"] = True
        # The next refresh comes PANEL_REFRESH_SECONDS later: past the one-second shared check.
        at.session_state["ek_facilitator_checked"] = {}
        at.run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Facilitator sign-in"], section
        assert [b.label for b in at.button] == ["Open the control panel"] and not at.get("metric")
        assert not any("No notes here" in c.value or "Figures refresh" in c.value for c in at.caption)


def test_timed_sections_refreshing_together_share_one_check_of_the_pass(tmp_path, monkeypatch, demo_spec):
    """Cheap: the six sections that refresh every PANEL_REFRESH_SECONDS look the pass up once a second."""
    from eventkit.live import PANEL_REFRESH_SECONDS
    from eventkit.ui import facilitator as fx

    assert fx.RECHECK_SECONDS < PANEL_REFRESH_SECONDS  # so every refresh checks again
    with app_database(tmp_path / "eventkit.db", monkeypatch) as path:
        store, event = demo_in(path, demo_spec)
        lookups = []
        original = type(store).staff_pass
        monkeypatch.setattr(type(store), "staff_pass", lambda self, h: lookups.append(h) or original(self, h))
        at = AppTest.from_function(_every_section_script, default_timeout=60)
        at.session_state["ek_facilitator_passes"] = {event.id: _panel_pass(store, event.id)}
        at.run()
        assert not at.exception and at.title[0].value == "Panel drawn"
        assert len(lookups) == 2, lookups  # the page's own check, then one shared by the six sections


def _every_section_script() -> None:
    import streamlit as st

    from eventkit.ui import facilitator as fx
    from eventkit.ui import panel, panel_poll, panel_room
    from eventkit.ui.live import reads

    event = reads().event_by_code("FIFE16")
    con = fx.require_facilitator(event)
    st.title("Panel drawn")
    panel.run_of_the_day(event, con)
    panel_room.door(event, con)
    panel.run_of_show(event, con)
    panel_poll.poll_controls(event, con, reads().polls(event.id)[0].id, None)
    panel_room.note_queue(event, con)
    panel_room.evaluation(event, con)
