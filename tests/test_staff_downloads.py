"""Every organiser download is GET /staff/download/{kind}?event=CODE, checked at every fetch (issue 22).

One table (eventkit/outputs/downloads.py KINDS) names each file, its media
type and its builder. Without a valid organiser pass (none, a control panel's,
or one signed out) every kind is a 403 with a plain message; with one, each is
the builder's bytes as an attachment that no cache keeps; an unknown kind or
event is a 404.
"""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from eventkit.access import staff
from eventkit.event.sample import populate_sample
from eventkit.outputs.downloads import KINDS
from tests.every import assert_every
from tests.signing_in import organiser_pass
from tests.web_client import ORIGIN, web_app


@pytest.fixture
def site(app_db):
    store, event = app_db
    populate_sample(store, event.id, n=6, seed=3)
    return store, event, TestClient(web_app(), base_url=ORIGIN, follow_redirects=False)


def _address(kind: str, code: str) -> str:
    return f"/staff/download/{kind}?event={code}"


def _refused_everywhere(client: TestClient, code: str, why: str) -> None:
    def check(kind: str) -> None:
        answer = client.get(_address(kind, code))
        assert answer.status_code == 403, f"{why}: {answer.status_code}"
        assert answer.headers["content-type"].startswith("text/plain"), answer.headers["content-type"]
        assert "Sign in as the organiser" in answer.text

    assert_every(((kind, kind) for kind in KINDS), check)


def _sign_out(client: TestClient) -> None:
    page = client.get("/staff/sign-out")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    answer = client.post("/staff/sign-out", data={"form_token": token}, headers={"origin": ORIGIN})
    assert answer.status_code == 303


def test_every_kind_is_refused_without_an_organiser_pass_and_after_sign_out(site):
    store, event, client = site
    _refused_everywhere(client, event.code, "no pass")
    panel = staff.issue_pass(store, "facilitator", event.id, staff.facilitator_mark(store.facilitator_hash(event.id)))
    client.cookies.set(staff.facilitator_cookie(event.id), panel[0])
    _refused_everywhere(client, event.code, "a control panel's pass")
    token = organiser_pass()
    client.cookies.set(staff.ORGANISER_COOKIE, token)
    assert client.get(_address("votes", event.code)).status_code == 200  # the same browser, signed in
    _sign_out(client)
    _refused_everywhere(client, event.code, "after Sign out")
    client.cookies.set(staff.ORGANISER_COOKIE, token)  # a copy of the cookie kept from before
    _refused_everywhere(client, event.code, "after Sign out, with the old cookie")


def test_a_kept_link_stops_working_when_the_pass_ends_in_another_tab(site):
    store, event, client = site
    token = organiser_pass()
    client.cookies.set(staff.ORGANISER_COOKIE, token)
    assert client.get(_address("zip", event.code)).status_code == 200
    staff.revoke_pass(store, token)  # Sign out in any tab: the cookie is still here, the pass is not
    _refused_everywhere(client, event.code, "pass revoked")


def test_each_kind_is_its_builders_bytes_as_an_attachment_no_cache_keeps(site):
    store, event, client = site
    client.cookies.set(staff.ORGANISER_COOKIE, organiser_pass())

    def check(kind: str) -> None:
        answer = client.get(_address(kind, event.code))
        assert answer.status_code == 200, answer.text[:200]
        download = KINDS[kind]
        if kind == "report":  # drawn at each fetch: its charts carry fresh ids
            assert event.title in answer.text and answer.text.startswith("<!")
        elif kind != "zip":  # the ZIP stamps its members with the time
            assert answer.content == download.build(store, event)
        assert answer.headers["content-type"].split(";")[0] == download.media_type.split(";")[0]
        assert answer.headers["content-disposition"] == f'attachment; filename="{download.file_name(event)}"'
        assert answer.headers["cache-control"] == "no-store"
        assert re.fullmatch(r"[A-Za-z0-9._-]+", download.file_name(event))

    assert_every(((kind, kind) for kind in KINDS), check)


def test_the_zip_holds_the_builders_files(site):
    import io
    import zipfile

    from eventkit.outputs import exports

    store, event, client = site
    client.cookies.set(staff.ORGANISER_COOKIE, organiser_pass())
    served = zipfile.ZipFile(io.BytesIO(client.get(_address("zip", event.code)).content))
    made = zipfile.ZipFile(io.BytesIO(exports.zip_bytes(store, event)))
    assert sorted(served.namelist()) == sorted(made.namelist())
    csvs = [n for n in made.namelist() if n.endswith((".csv", ".md", ".yaml"))]
    assert csvs and all(served.read(n) == made.read(n) for n in csvs)


def test_an_unknown_kind_or_event_is_a_plain_404(site):
    store, event, client = site
    client.cookies.set(staff.ORGANISER_COOKIE, organiser_pass())

    def check(address: str) -> None:
        answer = client.get(address)
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/plain")

    rows = [
        ("unknown kind", "/staff/download/passwords?event=" + event.code),
        ("no event", "/staff/download/votes"),
        ("unknown event", "/staff/download/votes?event=ZZZZ99"),
        ("not a code", "/staff/download/votes?event=%27%3B--"),
        ("path in kind", "/staff/download/..%2Fvotes?event=" + event.code),
    ]
    assert_every(rows, check)
