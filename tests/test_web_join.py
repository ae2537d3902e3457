"""The HTML join (issue 20): printed links, the device cookie, the door and the join limit."""

from __future__ import annotations

import pytest

from eventkit.storage import participants
from tests.web_client import Phone, text_of, web_app


@pytest.fixture
def phone(app_db):
    store, event = app_db
    return store, event, Phone(web_app(), event.code)


def test_printed_link_reaches_the_html_join_and_keeps_the_table(phone):
    _, event, p = phone
    answer = p.client.get("/", params={"event": event.code.lower(), "table": "3"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/e/{event.code}/join?table=3"
    assert p.client.head("/", params={"event": event.code}).headers["location"] == f"/e/{event.code}/join"


def test_slash_without_an_event_is_left_to_streamlit(phone):
    # Streamlit's index (the staff pages' router) is not in this test app: a 404 here means the
    # middleware let it through.
    assert phone[2].client.get("/").status_code == 404
    assert phone[2].client.get("/", params={"event": ""}).status_code == 404
    assert phone[2].client.post("/", params={"event": phone[1].code}).status_code == 404


def test_staff_pages_naming_an_event_are_left_to_streamlit(phone):
    _, event, p = phone
    for page in ("/facilitator", "/projector", "/organiser", "/organiser-qr"):
        assert p.client.get(page, params={"event": event.code}).status_code == 404, page


def test_the_retired_streamlit_attendee_addresses_reach_the_html_pages(phone):
    _, event, p = phone
    for page in ("wall", "table", "feedback", "privacy"):
        answer = p.client.get(f"/{page}", params={"event": event.code.lower()})
        assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}/{page}", page
    # An unjoined phone on one of them is sent through the join, then has its page.
    assert p.client.get(f"/e/{event.code}/wall").headers["location"] == f"/e/{event.code}/join"
    # With an old page's token, through the join, so a phone moving over keeps its votes.
    answer = p.client.get("/wall", params={"event": event.code, "p": "x" * 8})
    assert answer.headers["location"] == f"/e/{event.code}/join?p=xxxxxxxx"


def test_a_made_up_code_reaches_the_join_form_saying_so(phone):
    p = phone[2]
    answer = p.client.get("/", params={"event": "<script>x"})
    assert answer.status_code == 303
    form = p.client.get(answer.headers["location"])
    assert form.status_code == 404
    assert "There is no event with the code “<script>x”" in text_of(form.text)
    assert "<script>x" not in form.text


def test_joining_sets_an_httponly_lax_cookie_for_this_event_only(phone):
    store, event, p = phone
    answer = p.join(table=2)
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}/table"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("ek_device=")
    for part in ("HttpOnly", f"Path=/e/{event.code}", "SameSite=lax"):
        assert part in cookie
    assert store.count_participants(event.id) == 1
    assert p.now().status_code == 200


def test_scanning_again_is_the_same_device_and_a_table_code_seats_it(phone):
    store, event, p = phone
    p.join()
    p.join(table=3)
    p.join()
    assert store.count_participants(event.id) == 1
    token = p.client.cookies.get("ek_device")
    assert store.participant_by_token(event.id, token).table_no == 3


def test_now_without_a_cookie_goes_to_join_first(phone):
    _, event, p = phone
    answer = p.now()
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}/join"


def test_a_lower_case_code_in_the_path_goes_to_the_one_address(phone):
    _, event, p = phone
    answer = p.client.get(f"/e/{event.code.lower()}/join")
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/{event.code}/join"


def test_a_closed_door_refuses_new_devices_but_not_joined_ones(phone):
    store, event, p = phone
    p.join()
    store.set_joining_open(event.id, False)
    assert p.join(table=2).status_code == 303  # already in: still moves to a table
    newcomer = Phone(p.client.app, event.code)
    answer = newcomer.join()
    assert answer.status_code == 403
    assert participants.CLOSED_MESSAGE in text_of(answer.text)
    assert "Try again" in answer.text
    assert store.count_participants(event.id) == 1


def test_the_join_limit_holds(phone, monkeypatch):
    store, event, p = phone
    monkeypatch.setattr(participants, "JOINS_PER_WINDOW", 2)
    assert Phone(p.client.app, event.code).join().status_code == 303
    assert Phone(p.client.app, event.code).join().status_code == 303
    third = Phone(p.client.app, event.code).join()
    assert third.status_code == 503
    assert participants.BUSY_JOIN_MESSAGE in text_of(third.text)
    assert store.count_participants(event.id) == 2


def test_a_streamlit_link_token_is_taken_over_only_if_it_joined(phone):
    store, event, p = phone
    known = "k" * 22
    store.join(event.id, known)
    answer = p.client.get(f"/e/{event.code}/join", params={"p": known})
    assert answer.headers["location"] == f"/e/{event.code}"  # the token leaves the address
    assert p.client.cookies.get("ek_device") == known
    stranger = Phone(p.client.app, event.code)
    stranger.client.get(f"/e/{event.code}/join", params={"p": "m" * 22})
    assert stranger.client.cookies.get("ek_device") != "m" * 22
    assert store.participant_by_token(event.id, "m" * 22) is None


def test_a_closed_event_says_so(phone):
    store, event, p = phone
    store.set_event_status(event.id, "closed")
    answer = p.join()
    assert answer.status_code == 200 and "This event has closed" in answer.text
    assert store.count_participants(event.id) == 0


def test_pages_carry_lang_dir_and_a_strict_policy(phone):
    _, _, p = phone
    p.join()
    answer = p.now()
    assert '<html lang="en" dir="ltr"' in answer.text
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "'unsafe-inline'" not in policy
    assert answer.headers["cache-control"] == "no-store"


def test_privacy_notice_says_what_the_cookie_is(phone):
    _, event, p = phone
    p.join()
    answer = p.client.get(f"/e/{event.code}/privacy")
    words = text_of(answer.text)
    assert "What we never store" in words and "IP address" in words
    assert f"keep the data for {event.retention_days} days" in words
    assert "cookie" in words


def test_a_link_preview_fetch_counts_nothing(phone, monkeypatch):
    # Chat apps fetch a pasted link once, keeping no cookie. Before: each fetch made a participant
    # (the join limit and the door's figures counted it).
    store, event, p = phone
    bot = Phone(p.client.app, event.code).client
    for link in (f"/?event={event.code}", f"/e/{event.code}/join", f"/e/{event.code}/join?table=2"):
        hops = []
        while link and len(hops) < 5:  # follows redirects, as unfurlers do, keeping no cookie
            bot.cookies.clear()
            answer = bot.get(link)
            hops.append(answer.status_code)
            link = answer.headers.get("location")
        assert hops[-1] == 400, hops  # ends on "Please allow cookies", not in a loop
    assert store.count_participants(event.id) == 0


def test_a_first_visit_gets_its_cookie_then_counts_once_and_keeps_its_table(phone):
    store, event, p = phone
    first = p.client.get(f"/e/{event.code}/join", params={"table": "2"})
    assert first.status_code == 303 and first.headers["location"] == f"/e/{event.code}/join?table=2&c=1"
    assert first.headers["set-cookie"].startswith("ek_device=") and store.count_participants(event.id) == 0
    back = p.client.get(first.headers["location"])
    assert back.status_code == 303 and back.headers["location"] == f"/e/{event.code}/table"
    assert store.count_participants(event.id) == 1
    assert store.participant_by_token(event.id, p.client.cookies.get("ek_device")).table_no == 2


def test_a_browser_that_keeps_no_cookie_is_told_and_not_counted(phone):
    store, event, p = phone
    answer = p.client.get(f"/e/{event.code}/join", params={"c": "1"})
    assert answer.status_code == 400
    assert "Please allow cookies for this page" in text_of(answer.text)
    assert store.count_participants(event.id) == 0
