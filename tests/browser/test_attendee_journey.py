"""One attendee's whole day on a phone, against a real `streamlit run`.

Join from a table's QR URL, follow the Now screen to a live poll, vote,
reload, post a note, read the table's case, consent, give feedback; then
check exactly what the database holds.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_streamlit

HOSTILE = "<b>x</b> [a](javascript:alert(1)) # H"
FOLLOW_WITHIN_MS = 8_000  # screens poll every 3 s through a 1 s cache (~4 s); slack for a busy CI box


def token_of(page) -> str:
    return parse_qs(urlparse(page.url).query)["p"][0]


def wait_until_form_open(page, tries: int = 5) -> None:
    """Reload until the feedback form shows: the event (and its eval_open) is cached for 2 s."""
    send = page.get_by_role("button", name="Send my feedback")
    for _ in range(tries):
        wait_for_streamlit(page)
        if send.count():
            return
        page.wait_for_timeout(1_000)
        page.reload()
    expect(send).to_be_visible()


def open_nav(page, label: str) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    wait_for_streamlit(page)


def test_attendee_journey_from_table_qr_to_feedback(app_server, phone):
    store, event = app_server.store, app_server.event
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    table2 = store.table_by_number(event.id, 2)
    vignette = table2.vignettes[0]

    # Join from table 2's QR code: welcome screen, an anonymous token in the URL.
    page = phone(app_server.page_url("/", event=event.code, table=2))
    expect(page.get_by_text("Keep this page open")).to_be_visible()
    expect(page.get_by_text("Your answers are anonymous")).to_be_visible()
    token = token_of(page)
    me = store.participant_by_token(event.id, token)
    assert me is not None and me.table_no == 2

    # The facilitator opens a poll: the Now screen follows without a reload.
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    started = time.monotonic()
    first, second = poll.options[0], poll.options[-1]
    expect(page.get_by_role("button", name=first.label, exact=True)).to_be_visible(timeout=FOLLOW_WITHIN_MS)
    followed_s = time.monotonic() - started
    assert followed_s < FOLLOW_WITHIN_MS / 1000

    # One tap, a confirmation; change the vote; a reload keeps the same device.
    page.get_by_role("button", name=first.label, exact=True).click()
    expect(page.get_by_text(f"Your answer “{first.label}” is recorded")).to_be_visible()
    page.get_by_role("button", name=second.label, exact=True).click()
    expect(page.get_by_text(f"Your answer “{second.label}” is recorded")).to_be_visible()
    page.reload()
    wait_for_streamlit(page)
    assert token_of(page) == token
    expect(page.get_by_text(f"Your answer “{second.label}” is recorded")).to_be_visible()
    assert store.vote_count(poll.id) == 1
    assert store.my_vote(poll.id, me.id) == second.id

    # The wall: a hostile note is stored and shown exactly as typed.
    open_nav(page, "Wall")
    page.get_by_label("Your note (anonymous)").fill(HOSTILE)
    expect(page.get_by_text("Up to 500 characters.")).to_be_visible()  # the limit, said up front
    page.get_by_role("button", name="Post note").click()
    expect(page.get_by_text("Your note is on the wall")).to_be_visible()
    expect(page.get_by_label("Your note (anonymous)")).to_have_value("")  # the box empties once saved
    expect(page.get_by_test_id("stText").get_by_text(HOSTILE, exact=True)).to_be_visible()
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("b, a[href^='javascript']").count() == 0
    assert main.locator("h1", has_text="H").filter(has_not_text="Wall").count() == 0

    # The table: table 2's cases and prompts, and recording consent.
    open_nav(page, "Table")
    expect(page.get_by_role("heading", name=table2.name)).to_be_visible()
    case = page.locator('[data-testid="stExpander"]').filter(has_text=vignette.title)
    case.get_by_text(vignette.title).click()
    expect(case.get_by_text(" ".join(vignette.story.split()[:6]))).to_be_visible()
    expect(case.get_by_text(f"• {vignette.prompts[0]}")).to_be_visible()
    page.get_by_text("I agree to our table's discussion being recorded").click()
    agree = page.get_by_role("checkbox", name="I agree to our table's discussion", exact=False)
    expect(agree).to_have_count(1)  # one box, not a stale one beside the redrawn one
    expect(agree).to_be_checked()

    # The facilitator opens the evaluation; the attendee fills it in and sends it.
    store.set_eval_open(event.id, True)
    store.set_live(event.id, "evaluation")
    open_nav(page, "Now")
    page.get_by_role("link", name="Give feedback").click(timeout=FOLLOW_WITHIN_MS)
    wait_until_form_open(page)
    items = store.list_eval_items(event.id)
    score = next(i for i in items if i.kind == "score")
    likert = next(i for i in items if i.kind == "likert")
    text = next(i for i in items if i.kind == "text")
    page.locator('[data-testid="stRadio"]').filter(has_text=score.text).get_by_text("4", exact=True).click()
    page.locator('[data-testid="stRadio"]').filter(has_text=likert.text).get_by_text("Agree", exact=True).click()
    page.get_by_label(text.text).fill("Meeting the other tables.")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Thank you, your feedback is saved")).to_be_visible()

    # Exactly what one attendee's day leaves in the database.
    assert store.count_participants(event.id) == 1
    assert store.vote_count(poll.id) == 1
    assert [n.text for n in store.notes_by_participant(event.id, me.id)] == [HOSTILE]
    assert store.has_consent(table2.id, me.id)
    assert store.count_eval_responses(event.id) == 1
    assert store.my_evaluation(event.id, me.id) == {score.id: 4, likert.id: 4, text.id: "Meeting the other tables."}
    print(f"Now screen followed the live poll in {followed_s:.1f} s")
