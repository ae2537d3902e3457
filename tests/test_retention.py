"""Retention counts from the event's date, or from when it was created if that is later.

An event created after its day (the demo, dated 2016; last year's event
imported to write its report) keeps its full retention period instead of
being purged by the next `purge-expired`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from eventkit.event.demo import ensure_demo
from eventkit.storage.retention import expiry_date


@pytest.mark.parametrize(
    ("event_date", "created_at", "days", "last_day"),
    [
        ("2026-09-10", "2026-03-01T10:00:00.000Z", 30, "2026-10-10"),  # planned ahead: from its date
        ("2026-03-01", "2026-03-01T23:59:59.000Z", 1, "2026-03-02"),  # created on the day
        ("2016-05-18", "2026-03-01T10:00:00.000Z", 180, "2026-08-28"),  # imported later: from creation
        ("", "2026-03-01T10:00:00.000Z", 7, "2026-03-08"),  # no date: from creation
        ("18 May", "2026-03-01T10:00:00.000Z", 7, "2026-03-08"),  # not a date: from creation
    ],
)
def test_expiry_counts_from_the_later_of_date_and_creation(demo, event_date, created_at, days, last_day):
    _, event = demo
    event = replace(event, date=event_date, retention_days=days)
    assert expiry_date(event, created_at) == date.fromisoformat(last_day)


def test_the_demo_survives_purging_on_the_day_it_is_loaded(store):
    ensure_demo(store)
    assert store.event_by_code("FIFE16").date == "2016-05-18"
    assert store.expired_events() == []
    assert store.purge_expired() == []
    assert store.event_by_code("FIFE16") is not None
