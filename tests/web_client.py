"""For HTTP tests of the HTML attendee pages: a phone (Starlette's TestClient) on a test database.

The app under test is the routes and middleware app.py hands to st.App,
without Streamlit's own routes (tests/test_web_app.py checks app.py wires them).
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.testclient import TestClient

from eventkit.web import asgi, store

ORIGIN = "http://testserver"


def web_app() -> Starlette:
    store.forget()  # this test's $EVENTKIT_DB, not the previous test's
    return Starlette(routes=asgi.routes(), middleware=asgi.middleware(), exception_handlers=asgi.exception_handlers())


class Phone:
    """One browser: its own cookies, joining, reading pages and sending forms as a page would."""

    def __init__(self, app: Starlette, code: str) -> None:
        self.client = TestClient(app, base_url=ORIGIN, follow_redirects=False)
        self.code = code
        self.base = f"/e/{code}"

    def join(self, table: int | None = None):
        """Open the join link as a browser does: a first visit gets its cookie and comes back with it."""
        answer = self.client.get(f"{self.base}/join" + (f"?table={table}" if table else ""))
        if answer.status_code == 303 and "c=1" in answer.headers["location"]:
            answer = self.client.get(answer.headers["location"])
        return answer

    def now(self, **params: str):
        return self.client.get(self.base, params=params)

    def form_token(self) -> str:
        return re.search(r'name="form_token" value="([^"]+)"', self.now(change="1").text).group(
            1
        )  # ?change=1: a saved estimate's box

    def post(self, path: str, data: dict, *, origin: str | None = ORIGIN, token: bool = True):
        fields = {"form_token": self.form_token(), **data} if token else data
        headers = {"origin": origin} if origin else {}
        return self.client.post(f"{self.base}/{path}", data=fields, headers=headers)

    def vote(self, poll_id: int, option_id: int, **kwargs):
        return self.post("vote", {"poll": str(poll_id), "option": str(option_id)}, **kwargs)

    def estimate(self, poll_id: int, typed: str, **kwargs):
        return self.post("vote", {"poll": str(poll_id), "estimate": typed}, **kwargs)


def text_of(html: str) -> str:
    """The page's words, tags removed and entities decoded, spaces collapsed."""
    import html as html_module

    body = re.sub(r"(?s)<style>.*?</style>", " ", html)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def joined(app_db) -> tuple:
    """(store, event, a Phone that has joined the event): what most page tests start from."""
    store, event = app_db
    phone = Phone(web_app(), event.code)
    phone.join()
    return store, event, phone
