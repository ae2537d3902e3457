"""One attendee's whole day on a phone with JavaScript on, on the HTML pages, against a real `streamlit run`.

Join from a table's QR URL (its table page), follow Now to a live poll without
touching the page, vote, change the vote, reload, post a hostile note, read the
table's case, consent, follow Now to the evaluation and send it; then check
exactly what the database holds. (The same day without JavaScript:
test_web_phone_browser.py; three phones and the staff: test_whole_day.py.)
"""

from __future__ import annotations

import time

from playwright.sync_api import expect

HOSTILE = "<b>x</b> [a](javascript:alert(1)) # H"
FOLLOW_WITHIN_MS = 8_000  # pushed through the event stream: about a second; slack for a busy box


def device_token(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "ek_device")


def test_attendee_journey_from_table_qr_to_feedback(app_server, phone):
    store, event = app_server.store, app_server.event
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    table2 = store.table_by_number(event.id, 2)
    vignette = table2.vignettes[0]

    # Join from table 2's QR code: the table's page; Now is the welcome; an anonymous device cookie.
    page = phone(app_server.page_url("/", event=event.code, table=2))
    expect(page.get_by_role("heading", level=1)).to_have_text(table2.label)
    page.get_by_role("link", name="Now", exact=True).click()
    main = page.locator("main")
    expect(main).to_contain_text("Keep this page open")
    expect(page.get_by_text("Your answers are anonymous")).to_be_visible()
    token = device_token(page)
    me = store.participant_by_token(event.id, token)
    assert me is not None and me.table_no == 2

    # The facilitator opens a poll: Now follows by itself, no reload by the test.
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    started = time.monotonic()
    first, second = poll.options[0], poll.options[-1]
    expect(page.get_by_role("button", name=first.label, exact=True)).to_be_visible(timeout=FOLLOW_WITHIN_MS)
    followed_s = time.monotonic() - started

    # One tap, a confirmation; change the vote; a reload keeps the same device and says what is recorded.
    page.get_by_role("button", name=first.label, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Saved: your answer “{first.label}”")
    page.get_by_role("button", name=second.label).click()
    expect(page.get_by_role("status")).to_contain_text(f"Saved: your answer “{second.label}”")
    page.reload()
    assert device_token(page) == token
    expect(main).to_contain_text(f"Your answer “{second.label}” is recorded")
    expect(page.get_by_role("button", name=f"✓ {second.label} (your answer)")).to_be_visible()
    assert store.vote_count(poll.id) == 1
    assert store.my_vote(poll.id, me.id) == second.id

    # The wall: a hostile note is stored and shown exactly as typed, as text.
    page.get_by_role("link", name="Wall", exact=True).click()
    page.get_by_label("Your note (anonymous)").fill(HOSTILE)
    expect(main).to_contain_text("Up to 500 characters.")  # the limit, said up front
    page.get_by_role("button", name="Post note").click()
    expect(page.get_by_role("status")).to_contain_text("Your note is on the wall")
    expect(page.get_by_label("Your note (anonymous)")).to_have_value("")  # the box empties once saved
    expect(page.locator(".notes .note")).to_have_text([HOSTILE])
    assert main.locator("b, a[href^='javascript']").count() == 0
    assert main.locator("h1").all_inner_texts() == ["Wall"]

    # The table: table 2's case and prompts, and recording consent.
    page.get_by_role("link", name="Table", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(table2.label)
    case = page.get_by_role("region", name=vignette.title)
    expect(case).to_contain_text(" ".join(vignette.story.split()[:6]))
    expect(case.get_by_role("listitem").first).to_have_text(vignette.prompts[0])
    page.get_by_role("button", name="I agree to recording").click()
    expect(page.get_by_role("status")).to_contain_text("you have agreed")
    expect(page.get_by_role("button", name="Withdraw my consent")).to_be_visible()

    # The facilitator opens the evaluation and makes it live: Now follows; the attendee sends it.
    page.get_by_role("link", name="Now", exact=True).click()
    store.set_eval_open(event.id, True)
    store.set_live(event.id, "evaluation")
    page.get_by_role("link", name="Give feedback").click(timeout=FOLLOW_WITHIN_MS)
    items = store.list_eval_items(event.id)
    score = next(i for i in items if i.kind == "score")
    likert = next(i for i in items if i.kind == "likert")
    text = next(i for i in items if i.kind == "text")
    page.get_by_role("group", name=score.text).get_by_label("4", exact=True).check()
    page.get_by_role("group", name=likert.text).get_by_label("Agree", exact=True).check()
    page.get_by_label(text.text).fill("Meeting the other tables.")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you, your feedback is saved")

    # Exactly what one attendee's day leaves in the database.
    assert store.count_participants(event.id) == 1
    assert store.vote_count(poll.id) == 1
    assert [n.text for n in store.notes_by_participant(event.id, me.id)] == [HOSTILE]
    assert store.has_consent(table2.id, me.id)
    assert store.count_eval_responses(event.id) == 1
    assert store.my_evaluation(event.id, me.id) == {score.id: 4, likert.id: 4, text.id: "Meeting the other tables."}
    print(f"Now followed the live poll in {followed_s:.1f} s")
