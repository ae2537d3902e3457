"""The server's staff routes (issue 22): the pass's HttpOnly cookie, sign-out as a POST, the backup download.

- A sign-in hands its pass over with a one-time, one-minute code; POST /staff/pass
  sets it as an HttpOnly, SameSite=Strict cookie (Secure over TLS, or behind the
  configured proxy only).
- Opening /staff/sign-out (what another site can make a browser do) signs nobody
  out; the POST does, from this site only and with this browser's form token.
- GET /staff/download/backup checks the organiser's pass at every fetch, and the
  file holds no staff hash.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from eventkit.access import security, staff
from eventkit.storage import Store
from tests.signing_in import organiser_pass
from tests.web_client import ORIGIN, text_of, web_app

FOREIGN = "http://evil.example"


@pytest.fixture
def site(app_db):
    store, event = app_db
    return store, event, TestClient(web_app(), base_url=ORIGIN, follow_redirects=False)


def _panel_pass(store: Store, event_id: int) -> str:
    return staff.issue_pass(store, "facilitator", event_id, staff.facilitator_mark(store.facilitator_hash(event_id)))[0]


def _set_cookie(answer) -> str:
    return "; ".join(answer.headers.get_list("set-cookie"))


# --- The pass reaches the cookie through the server -------------------------------------------


def test_a_handoff_code_becomes_an_httponly_strict_cookie_once(site):
    store, event, client = site
    token = _panel_pass(store, event.id)
    name = staff.facilitator_cookie(event.id)
    code = staff.hand_over(store, name, token)
    assert token not in code and store.take_pass_handoff(security.fingerprint(token)) is None
    answer = client.post("/staff/pass", data={"code": code}, headers={"origin": ORIGIN})
    assert answer.status_code == 204
    header = _set_cookie(answer)
    assert f"{name}={token}" in header
    assert all(part in header for part in ("HttpOnly", "SameSite=strict", "Path=/")), header
    assert "Secure" not in header  # plain http, no trusted proxy
    again = client.post("/staff/pass", data={"code": code}, headers={"origin": ORIGIN})
    assert again.status_code == 403 and not again.headers.get_list("set-cookie")


def test_a_handoff_from_another_site_expired_or_made_up_sets_nothing(site):
    store, event, client = site
    name = staff.facilitator_cookie(event.id)
    failures = []
    foreign = staff.hand_over(store, name, _panel_pass(store, event.id))
    old = staff.hand_over(store, name, _panel_pass(store, event.id), now=datetime.now(UTC) - timedelta(seconds=61))
    for label, code, origin in [
        ("foreign origin", foreign, FOREIGN),
        ("expired", old, ORIGIN),
        ("made up", security.new_staff_pass(), ORIGIN),
        ("not a code", "x';--", ORIGIN),
    ]:
        answer = client.post("/staff/pass", data={"code": code}, headers={"origin": origin})
        if answer.status_code != 403 or answer.headers.get_list("set-cookie"):
            failures.append(label)
    assert not failures
    assert client.post("/staff/pass", data={"code": foreign}, headers={"origin": ORIGIN}).status_code == 204


def test_the_cookie_is_secure_over_tls_and_behind_the_configured_proxy_only(site, monkeypatch):
    store, event, client = site
    name = staff.facilitator_cookie(event.id)

    def secure(headers: dict, proxy: str | None, via: TestClient = client) -> bool:
        if proxy is None:
            monkeypatch.delenv("EVENTKIT_TRUSTED_PROXY", raising=False)
        else:
            monkeypatch.setenv("EVENTKIT_TRUSTED_PROXY", proxy)
        code = staff.hand_over(store, name, _panel_pass(store, event.id))
        answer = via.post("/staff/pass", data={"code": code}, headers=headers)
        assert answer.status_code == 204, answer.text
        return "Secure" in _set_cookie(answer)

    claimed = {"origin": ORIGIN, "x-forwarded-proto": "https"}
    assert not secure(claimed, None)  # anyone can send the header: believed from nobody by default
    assert not secure(claimed, "10.0.0.9")  # not from the proxy (the test client is "testclient")
    assert secure(claimed, "testclient")
    tls = TestClient(client.app, base_url="https://testserver", follow_redirects=False)
    assert secure({"origin": "https://testserver"}, None, via=tls)


# --- Sign out ------------------------------------------------------------------------------------


def _sign_out_form(client: TestClient, event_code: str = "") -> str:
    page = client.get("/staff/sign-out", params={"event": event_code} if event_code else None)
    assert page.status_code == 200
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def test_opening_the_sign_out_address_signs_nobody_out(site):
    """What `location.href='http://HOST/sign-out?event=CODE'` on another site did (issue 22)."""
    store, event, client = site
    token = _panel_pass(store, event.id)
    client.cookies.set(staff.facilitator_cookie(event.id), token)
    opened = client.get("/staff/sign-out", params={"event": event.code}, headers={"referer": FOREIGN + "/"})
    assert opened.status_code == 200
    assert store.staff_pass(security.fingerprint(token)) is not None
    assert "Sign out" in text_of(client.get("/staff/sign-out", params={"event": event.code}).text)


def test_sign_out_from_another_site_or_without_the_form_token_is_refused(site):
    store, event, client = site
    token = _panel_pass(store, event.id)
    client.cookies.set(staff.facilitator_cookie(event.id), token)
    form_token = _sign_out_form(client, event.code)
    failures = []
    for label, data, headers in [
        ("foreign origin", {"event": event.code, "form_token": form_token}, {"origin": FOREIGN}),
        ("foreign referer", {"event": event.code, "form_token": form_token}, {"referer": FOREIGN + "/x"}),
        ("opaque origin", {"event": event.code, "form_token": form_token}, {"origin": "null"}),
        ("no form token", {"event": event.code}, {"origin": ORIGIN}),
        ("wrong form token", {"event": event.code, "form_token": "0" * 32}, {"origin": ORIGIN}),
    ]:
        answer = client.post("/staff/sign-out", data=data, headers=headers)
        if answer.status_code != 403 or store.staff_pass(security.fingerprint(token)) is None:
            failures.append(label)
    assert not failures


def test_sign_out_ends_the_pass_everywhere_and_clears_the_cookie(site):
    store, event, client = site
    token = _panel_pass(store, event.id)
    name = staff.facilitator_cookie(event.id)
    client.cookies.set(name, token)
    answer = client.post(
        "/staff/sign-out",
        data={"event": event.code, "form_token": _sign_out_form(client, event.code)},
        headers={"origin": ORIGIN},
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/staff/signed-out?event={event.code}"
    assert store.staff_pass(security.fingerprint(token)) is None
    header = _set_cookie(answer)
    assert f'{name}=""' in header and "Max-Age=0" in header and "HttpOnly" in header
    done = text_of(client.get(answer.headers["location"]).text)
    assert f"signed out of the control panel of {event.code}" in done and "Sign in again" in done


def test_the_organiser_signs_out_the_same_way(site):
    store, _, client = site
    token = organiser_pass()
    client.cookies.set(staff.ORGANISER_COOKIE, token)
    answer = client.post("/staff/sign-out", data={"form_token": _sign_out_form(client)}, headers={"origin": ORIGIN})
    assert answer.status_code == 303 and store.staff_pass(security.fingerprint(token)) is None


# --- The backup -------------------------------------------------------------------------------


def test_the_backup_needs_a_valid_organiser_pass_at_every_fetch(site):
    store, event, client = site
    refused = client.get("/staff/download/backup")
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/plain")
    assert "Sign in as the organiser" in refused.text
    client.cookies.set(staff.facilitator_cookie(event.id), _panel_pass(store, event.id))
    assert client.get("/staff/download/backup").status_code == 403  # a control panel's pass is not enough
    token = organiser_pass()
    client.cookies.set(staff.ORGANISER_COOKIE, token)
    if not store.is_postgres:
        fetched = client.get("/staff/download/backup")
        assert fetched.status_code == 200 and fetched.content.startswith(b"SQLite format 3")
        assert "attachment" in fetched.headers["content-disposition"]
    staff.revoke_pass(store, token)  # Sign out (in any tab): the same link stops working
    after = client.get("/staff/download/backup")
    assert after.status_code == 403 and after.headers["content-type"].startswith("text/plain")


@pytest.mark.sqlite_only
def test_the_backup_holds_no_staff_hash(site, tmp_path):
    store, event, client = site
    client.cookies.set(staff.ORGANISER_COOKIE, organiser_pass())
    hashes = [store.admin_password_hash(), store.facilitator_hash(event.id)]
    assert all(hashes)
    data = client.get("/staff/download/backup").content
    leaked = [h for h in hashes if h.encode() in data]
    (tmp_path / "b.db").write_bytes(data)
    with sqlite3.connect(tmp_path / "b.db") as db:
        secrets = db.execute("SELECT value_hash FROM staff_secrets").fetchall()
        passcodes = db.execute("SELECT facilitator_hash FROM events").fetchall()
        passes = db.execute("SELECT COUNT(*) FROM staff_passes").fetchone()[0]
        events = db.execute("SELECT code FROM events").fetchall()
    assert not leaked and set(secrets) <= {("",)} and set(passcodes) == {("",)} and passes == 0
    assert (event.code,) in events
