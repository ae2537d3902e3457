"""Every HTML attendee page follows the room (issue 20): what it records of what is live, and without JavaScript
a reload only where no box to fill in is on screen (docs/architecture.md, "Phone pages in plain HTML")."""

from __future__ import annotations

import pytest

from eventkit.web import now
from eventkit.web import store as web_store
from tests.every import assert_every
from tests.web_client import Phone, joined, text_of, web_app


@pytest.fixture
def phone(app_db):
    return joined(app_db)


def _seen() -> None:
    web_store.reads().expire_all()  # the test changed the database as another process would


def _get(p, page: str, **params: str):
    return p.client.get(p.base + page, params=params).text


def _follows(html: str, live: str, href: str, refresh: bool) -> None:
    assert f'data-live="{live}"' in html and f'data-href="{href}"' in html, "records what is live"
    assert "<script>" in html, "has follow.js"
    reloads = f'<meta http-equiv="refresh" content="{now.REFRESH_SECONDS}; url={href}">' in html
    assert reloads == refresh, f"reloads without JavaScript: {reloads}, expected {refresh}"


def test_every_page_follows_and_reloads_without_javascript_only_with_no_box_to_fill_in(phone):
    # Before: only Now followed; Table and "Feedback not open yet" stayed as they were until tapped.
    store, event, p = phone
    base = f"/e/{event.code}"
    live = now.live_now(event.id)
    seated = Phone(web_app(), event.code)
    seated.join(table=1)
    pages = [
        ("Now, the welcome", _get(p, ""), base, True),
        ("Table, the picker (a choice to make)", _get(p, "/table"), f"{base}/table", False),
        ("Table, seated (the scribe's box)", _get(seated, "/table"), f"{base}/table", False),
        ("Feedback not open yet", _get(p, "/feedback"), f"{base}/feedback", True),
        ("Wall (the note box)", _get(p, "/wall"), None, False),
    ]
    prompt = store.list_prompts(event.id)[0].id
    rows = [(name, html, live, href or f"{base}/wall?q={prompt}", refresh) for name, html, href, refresh in pages]
    assert_every(rows, _follows)


def test_feedback_reloads_until_it_opens_then_not_under_the_form(phone):
    store, event, p = phone
    html = _get(p, "/feedback")
    assert "The evaluation is not open yet." in text_of(html) and 'http-equiv="refresh"' in html
    store.set_eval_open(event.id, True)
    _seen()
    form = _get(p, "/feedback")
    assert "Send my feedback" in text_of(form) and 'http-equiv="refresh"' not in form
    assert f'data-live="{now.live_now(event.id)}"' in form  # follow.js still tells when the room moves on


def test_away_from_now_a_banner_says_what_is_live(phone):
    store, event, p = phone
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    _seen()
    banner = f'A question is open now. <a href="/e/{event.code}">Vote on Now</a>'
    assert_every([(page, _get(p, page)) for page in ("/table", "/wall", "/feedback")], lambda html: banner in html)
    assert banner not in _get(p, "")
    store.set_live(event.id, "tables")
    _seen()
    assert "Table discussions." not in _get(p, "/table")  # not for the page's own activity
    assert f'Table discussions. <a href="/e/{event.code}/table">Open my table</a>' in _get(p, "/wall")
    store.set_live(event.id, "poll", poll.id)
    store.set_poll_state(poll.id, "revealed")
    _seen()
    assert 'class="banner"' not in _get(p, "/feedback")  # asks nothing: the form's first answer stays Tab stop 2
