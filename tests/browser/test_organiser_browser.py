"""Browser: an organiser signs in, rewords a question in the editor, downloads the votes CSV."""

from __future__ import annotations

import io
from urllib.parse import urljoin

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN_PASSWORD, close_page_not_found, wait_for_streamlit

pytestmark = pytest.mark.browser
NEW_QUESTION = "Edited in the browser: what share of doubts became a sanction?"


def test_edit_question_then_votes_csv_has_it(app_server, projector):
    store, event = app_server.store, app_server.event
    poll = store.list_polls(event.id)[0]
    store.set_poll_state(poll.id, "open")
    voter = store.join(event.id, "browser-organiser-token-01")
    store.cast_vote(poll.id, voter.id, poll.options[0].id)

    page = projector(app_server.page_url("/organiser-editor"))
    close_page_not_found(page)
    page.get_by_label("Organiser password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Event editor", level=1)).to_be_visible(timeout=20_000)
    page.get_by_role("tab", name="Polls").click()
    question = page.get_by_label("Question", exact=True)
    question.fill(NEW_QUESTION)
    page.get_by_role("button", name="Save poll").click()
    # after the save the page reruns and the poll picker shows the new wording
    expect(page.get_by_role("combobox", name="Poll", exact=True)).to_have_value(f"1. {NEW_QUESTION}", timeout=20_000)
    assert store.get_poll(poll.id).question == NEW_QUESTION
    assert store.vote_count(poll.id) == 1

    page.get_by_role("link", name="Exports").first.click()
    expect(page.get_by_role("heading", name="Exports", level=1)).to_be_visible(timeout=20_000)
    wait_for_streamlit(page)
    # The link goes to the server's route, which checks this browser's HttpOnly organiser cookie:
    # fetched with the browser context's own cookies (page.request shares them).
    href = page.get_by_role("link", name="Votes", exact=True).get_attribute("href")
    answer = page.request.get(urljoin(page.url, href))
    assert answer.ok and answer.headers["content-disposition"].startswith("attachment")
    data = answer.body()
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert NEW_QUESTION in set(frame["question"])
    assert "browser-organiser-token" not in data.decode("utf-8-sig")
