"""Every attendee page through Streamlit's AppTest, on a temporary demo database.

Pages are reached through the router (app.py) with the query parameters a
QR code carries. State (what is live, poll states, evaluation open) is
arranged through the Store API on the same database file.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from eventkit import ui
from eventkit.storage import Store
from tests.app_pages import open_page

HOSTILE = "<b>x</b> [a](javascript:alert(1)) # H"
ATTENDEE_PAGES = {
    "now": "pages/attendee_now.py",
    "wall": "pages/attendee_wall.py",
    "table": "pages/attendee_table.py",
    "feedback": "pages/attendee_evaluation.py",
}
# Element kinds whose body Streamlit renders as Markdown.
MARKDOWN_KINDS = ("markdown", "caption", "title", "header", "subheader", "info", "success", "warning", "error")


def rerun(at: AppTest) -> AppTest:
    """Run again after the test changed the database: drop the short-lived shared reads."""
    ui.reads().expire_all()
    return at.run()


def me(at: AppTest, store: Store, event):
    return store.participant_by_token(event.id, at.query_params["p"])


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def markdown_bodies(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in MARKDOWN_KINDS for e in getattr(at, kind))


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def radio(at: AppTest, starts: str):
    return next(r for r in at.radio if r.label.startswith(starts))


def open_poll(store: Store, event, kind: str = "choice"):
    poll = next(p for p in store.list_polls(event.id) if p.kind == kind)
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    return store.get_poll(poll.id)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# --- Every page renders; bad codes get a clear message ---------------------------


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("now", "Keep this page open: questions appear here as soon as they open."),
        ("wall", "Wall"),
        ("table", "Table 2"),
        ("feedback", "Your feedback"),
    ],
)
def test_attendee_page_renders_with_nav_and_anonymity_note(app_db, name, marker):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES[name], event=event.code, table=2)
    no_exception(at)
    shown = [e.value for e in (*at.title, *at.info, *at.text)]
    assert marker in shown
    nav = ["Now", "Wall", "Table", "Feedback"]
    here = {"now": "Now", "wall": "Wall", "table": "Table", "feedback": "Feedback"}[name]
    # The page you are on is a label, not a link to itself (one Tab stop fewer).
    assert [link.label for link in at.get("page_link")][:3] == [n for n in nav if n != here]
    assert any(t.value.endswith(f" {here}") for t in at.text)
    assert any("Your answers are anonymous" in c.value for c in at.caption)
    assert me(at, store, event).table_no == 2


@pytest.mark.parametrize("page", [*ATTENDEE_PAGES.values(), "pages/privacy.py"])
def test_page_without_event_renders(app_db, page):
    at = open_page(page)
    no_exception(at)
    if page != "pages/privacy.py":
        assert [t.label for t in at.text_input] == ["Event code"]
    assert "p" not in at.query_params  # nobody joined


@pytest.mark.parametrize("page", ATTENDEE_PAGES.values())
@pytest.mark.parametrize("code", ["NOPE", "x" * 200, "<script>"])
def test_unknown_event_code_says_so_and_offers_the_join_form(app_db, page, code):
    store, event = app_db
    at = open_page(page, event=code)
    no_exception(at)
    # The code from the address is shown as typed, never as Markdown (ui.plain).
    assert [e.value for e in at.error] == [
        f"There is no event with the code “{ui.plain(code.upper()[:20] + ('…' if len(code) > 20 else ''))}”. "
        "Check the code on the screen or poster."
    ]
    assert [t.label for t in at.text_input] == ["Event code"]
    assert store.count_participants(event.id) == 0


def test_closed_event_thanks_people_and_joins_nobody(app_db):
    store, event = app_db
    store.set_event_status(event.id, "closed")
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    no_exception(at)
    assert [i.value for i in at.info] == [f"{event.title} has closed. Thank you for taking part."]
    assert store.count_participants(event.id) == 0


@pytest.mark.parametrize(("typed", "joined"), [("fife16", "FIFE16"), ("  FIFE16 ", "FIFE16")])
def test_join_form_takes_a_typed_code(app_db, typed, joined):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["now"])
    at.text_input[0].input(typed)
    button(at, "Join").click()
    at.run()
    no_exception(at)
    assert at.query_params["event"] == joined
    assert "Keep this page open: questions appear here as soon as they open." in [i.value for i in at.info]
    assert store.count_participants(event.id) == 1


def test_join_form_asks_for_a_code_when_empty(app_db):
    at = open_page(ATTENDEE_PAGES["now"])
    button(at, "Join").click()
    at.run()
    assert [e.value for e in at.error] == ["Please type the event code first."]
    assert "event" not in at.query_params


def test_privacy_notice_names_the_retention_period(app_db):
    store, event = app_db
    at = open_page("pages/privacy.py", event=event.code)
    no_exception(at)
    body = markdown_bodies(at)
    assert f"{event.retention_days} days" in body
    assert "What we never store." in body
    assert [link.label for link in at.get("page_link")] == ["Back to the event"]


# --- Voting -------------------------------------------------------------------------


def test_vote_then_change_it_keeps_one_row(app_db):
    store, event = app_db
    poll = open_poll(store, event)
    first, second = poll.options[0], poll.options[1]
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    assert [b.label for b in at.button] == [o.label for o in poll.options]

    button(at, first.label).click()
    at.run()
    no_exception(at)
    assert f"Your answer “{first.label}” is recorded. You can change it until voting closes." in [
        s.value for s in at.success
    ]
    assert button(at, f"✓ {first.label}").proto.type == "primary"

    button(at, second.label).click()
    at.run()
    button(at, f"✓ {second.label}").click()  # a double tap on the chosen option
    at.run()
    person = me(at, store, event)
    assert store.vote_count(poll.id) == 1
    assert store.my_vote(poll.id, person.id) == second.id


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("closed", "Voting has closed. Watch the big screen for the answer."),
        ("draft", "This question opens in a moment. Get ready!"),
    ],
)
def test_poll_that_is_not_open_says_so_and_takes_no_vote(app_db, state, message):
    store, event = app_db
    poll = open_poll(store, event)
    store.set_poll_state(poll.id, state)
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    no_exception(at)
    assert message in [i.value for i in at.info]
    assert all(b.disabled for b in at.button)
    assert store.vote_count(poll.id) == 0


def test_revealed_poll_shows_the_answer_and_its_source(app_db):
    store, event = app_db
    poll = open_poll(store, event)
    store.set_poll_state(poll.id, "revealed")
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    no_exception(at)
    assert f"You did not answer this one. The answer is “{poll.correct_option.label}”." in [i.value for i in at.info]
    assert any(c.value.startswith("Source: ") for c in at.caption) == bool(poll.source)


def _answer(poll, which: str):
    """The vote to cast for a case: right, wrong, or an estimate near or far from the truth."""
    if poll.kind == "estimate":
        return {"near": poll.true_value * 1.05, "far": poll.true_value / 2, "exact": poll.true_value}[which]
    wrong = next(o for o in poll.options if not o.is_correct)
    return {"right": poll.correct_option, "wrong": wrong}[which].id


@pytest.mark.parametrize(
    ("kind", "which", "says", "element"),
    [
        ("choice", "right", "You answered “{mine}” — that's right.", "success"),
        ("choice", "wrong", "You answered “{mine}” — the answer is “{truth}”.", "info"),
        ("estimate", "exact", "You answered {mine} — that's right.", "success"),
        ("estimate", "near", "You answered {mine} — that's right (within 10% of {truth}).", "success"),
        ("estimate", "far", "You answered {mine} — the answer is {truth}.", "info"),
    ],
)
def test_after_the_reveal_the_phone_says_whether_you_were_right(app_db, kind, which, says, element):
    from eventkit.ui.voting import answer_text

    store, event = app_db
    poll = open_poll(store, event, kind=kind)
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    value = _answer(poll, which)
    person = me(at, store, event)
    (store.cast_estimate if kind == "estimate" else store.cast_vote)(poll.id, person.id, value)
    store.set_poll_state(poll.id, "revealed")
    rerun(at)
    no_exception(at)
    truth = poll.true_value if kind == "estimate" else poll.correct_option.id
    expected = says.format(mine=answer_text(poll, value).strip("“”"), truth=answer_text(poll, truth).strip("“”"))
    assert expected in [e.value for e in getattr(at, element)], [e.value for e in (*at.success, *at.info)]
    assert not at.button  # no disabled answer buttons (grey on grey) once voting is over


def test_the_phone_shows_the_rooms_answers_when_the_projector_does(app_db):
    store, event = app_db
    poll = open_poll(store, event)
    first, second = poll.options[0], poll.options[1]
    for i, option in enumerate((first, first, first, second)):
        store.cast_vote(poll.id, store.join(event.id, chr(97 + i) * 22).id, option.id)
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    assert not at.get("progress")  # hidden while the projector hides them
    store.set_results_visible(poll.id, True)
    rerun(at)
    no_exception(at)
    bars = {p.proto.text: p.value for p in at.get("progress")}
    assert bars["3 answers (75%)"] == 75 and bars["1 answer (25%)"] == 25
    assert first.label in texts(at)
    button(at, second.label).click()  # my own vote, then the results again
    at.run()
    rerun(at)  # the shared results are up to half a second old
    assert f"{second.label}  (your answer)" in texts(at)
    assert {p.proto.text for p in at.get("progress")} >= {"3 answers (60%)", "2 answers (40%)"}


def test_showing_results_redraws_phones():
    from eventkit.live import signature
    from eventkit.models import Live, Poll

    live = Live(kind="poll", poll_id=1)
    hidden = Poll(id=1, event_id=1, position=1, kind="choice", question="Q", state="open")
    shown = Poll(id=1, event_id=1, position=1, kind="choice", question="Q", state="open", results_visible=True)
    assert signature(live, hidden) != signature(live, shown)


def test_the_estimate_box_says_the_allowed_range(app_db):
    store, event = app_db
    poll = open_poll(store, event, kind="estimate")
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    no_exception(at)
    assert (
        at.number_input[0].label
        == f"Your estimate: a number from {poll.min_value:,g} to {poll.max_value:,g} {poll.unit}"
    )


def test_estimate_is_recorded_and_can_be_changed(app_db):
    store, event = app_db
    poll = open_poll(store, event, kind="estimate")
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    at.number_input[0].set_value(40)
    button(at, "Send my estimate").click()
    at.run()
    at.number_input[0].set_value(84)
    button(at, "Send my estimate").click()
    at.run()
    no_exception(at)
    assert any(s.value.startswith("Your estimate 84") for s in at.success)
    assert store.vote_count(poll.id) == 1
    assert store.my_vote(poll.id, me(at, store, event).id) == 84


def test_estimate_without_a_number_asks_for_one(app_db):
    store, event = app_db
    poll = open_poll(store, event, kind="estimate")
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    button(at, "Send my estimate").click()
    at.run()
    assert [e.value for e in at.error] == ["Please type a number first."]
    assert store.vote_count(poll.id) == 0


@pytest.mark.parametrize(
    ("kind", "link"),
    [
        ("wall", "Go to the wall"),
        ("tables", "Open my table"),
        ("evaluation", "Give feedback"),
    ],
)
def test_now_screen_follows_the_live_activity(app_db, kind, link):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    store.set_live(event.id, kind)
    rerun(at)
    no_exception(at)
    assert link in [p.label for p in at.get("page_link")]


# --- The wall -----------------------------------------------------------------------


def post_note(at: AppTest, text: str) -> AppTest:
    at.text_area[0].input(text)
    button(at, "Post note").click()
    return at.run()


def test_note_is_posted_and_shown(app_db):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["wall"], event=event.code)
    post_note(at, "More shared data on referrals, please.")
    no_exception(at)
    assert "Thanks! Your note is on the wall." in [s.value for s in at.success]
    assert "More shared data on referrals, please." in texts(at)
    assert [n.text for n in store.list_notes(event.id)] == ["More shared data on referrals, please."]


def test_hostile_note_is_shown_literally_as_text(app_db):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["wall"], event=event.code)
    post_note(at, HOSTILE)
    rerun(at)
    no_exception(at)
    assert HOSTILE in texts(at)
    assert HOSTILE not in markdown_bodies(at)
    assert "x" not in [e.value for e in at.markdown]  # no <b>x</b> rendered as bold


def test_empty_note_gets_a_message_and_stores_nothing(app_db):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["wall"], event=event.code)
    post_note(at, "   ")
    no_exception(at)
    assert len(at.error) == 1
    assert store.list_notes(event.id, ("visible", "hidden", "pending")) == []


def test_plus_one_counts_once(app_db):
    store, event = app_db
    author = store.join(event.id, "a" * 22)
    prompt = store.list_prompts(event.id)[0]
    note = store.add_note(prompt.id, author.id, "Advocacy in every GP surgery.")
    at = open_page(ATTENDEE_PAGES["wall"], event=event.code)
    button(at, "+1 (0)").click()
    at.run()
    no_exception(at)
    agreed = button(at, "+1 (1) · you agreed")
    assert agreed.disabled
    assert [n.plus_ones for n in store.list_notes(event.id) if n.id == note.id] == [1]


def test_the_wall_shows_other_peoples_new_notes_on_a_tap(app_db):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["wall"], event=event.code)
    author = store.join(event.id, "c" * 22)
    store.add_note(store.list_prompts(event.id)[0].id, author.id, "Posted by someone else just now.")
    ui.reads().expire_all()  # as if the shared read had expired (2 s)
    button(at, "Show new notes").click()
    at.run()
    no_exception(at)
    assert "Posted by someone else just now." in texts(at)


@pytest.mark.parametrize(
    ("page", "live", "state", "banner"),
    [
        ("wall", "poll", "draft", "A question is about to open: tap to get ready"),
        ("wall", "poll", "open", "A question is open now: tap to vote"),
        ("table", "poll", "closed", "Voting has closed: tap to see the question"),
        ("feedback", "poll", "revealed", "The answer is out: tap to see if you were right"),
        ("table", "wall", None, "The wall is open: tap to add your thoughts"),
        ("wall", "tables", None, "Table discussions have started: tap to open your table"),
        ("wall", "evaluation", None, "The feedback form is open: tap to give feedback"),
        ("wall", "wall", None, None),
        ("table", "tables", None, None),
        ("feedback", "welcome", None, None),
    ],
)
def test_other_pages_say_what_is_live_with_a_link_to_it(app_db, page, live, state, banner):
    store, event = app_db
    poll = store.list_polls(event.id)[0]
    if state:
        store.set_poll_state(poll.id, state)
    store.set_live(event.id, live, poll.id if live == "poll" else None)
    at = open_page(ATTENDEE_PAGES[page], event=event.code, table=2)
    no_exception(at)
    nav = {"Now", "Wall", "Table", "Feedback", "Privacy notice"}
    assert [link.label for link in at.get("page_link") if link.label not in nav][:1] == ([banner] if banner else [])


def test_notes_of_another_prompt_are_not_shown(app_db):
    store, event = app_db
    author = store.join(event.id, "b" * 22)
    first, second = store.list_prompts(event.id)[:2]
    store.add_note(second.id, author.id, "Only under the second prompt.")
    at = open_page(ATTENDEE_PAGES["wall"], event=event.code)
    assert "Only under the second prompt." not in texts(at)
    radio(at, "Question").set_value(second)
    at.run()
    assert "Only under the second prompt." in texts(at)


# --- The table ----------------------------------------------------------------------


def test_table_shows_its_vignettes_and_prompts(app_db):
    store, event = app_db
    table = store.table_by_number(event.id, 2)
    at = open_page(ATTENDEE_PAGES["table"], event=event.code, table=2)
    no_exception(at)
    assert [e.label for e in at.expander][:2] == [ui.plain(v.title) for v in table.vignettes]
    shown = "\n".join(texts(at))
    for vignette in table.vignettes:
        assert " ".join(vignette.story.split()[:6]) in " ".join(shown.split())
        assert f"• {vignette.prompts[0]}" in shown


def test_choose_a_table_without_one_in_the_url(app_db):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["table"], event=event.code)
    assert [t.value for t in at.title] == ["Which table are you at?"]
    choice = store.table_by_number(event.id, 3)
    at.selectbox[0].set_value(choice)
    at.run()
    no_exception(at)
    assert "Table 3" in [t.value for t in at.title]
    assert me(at, store, event).table_no == 3


def test_consent_is_given_and_withdrawn(app_db):
    store, event = app_db
    table = store.table_by_number(event.id, 2)
    at = open_page(ATTENDEE_PAGES["table"], event=event.code, table=2)
    at.checkbox[0].check()
    at.run()
    person = me(at, store, event)
    assert store.has_consent(table.id, person.id)
    at.checkbox[0].uncheck()
    at.run()
    no_exception(at)
    assert not store.has_consent(table.id, person.id)


def test_after_consent_the_refusal_for_want_of_it_is_gone(app_db):
    """Today's defect: after ticking consent, the red "Nobody at this table has agreed…" stayed
    under "1 of 1 person … has agreed"."""
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["table"], event=event.code, table=2)
    next(t for t in at.text_area if t.label == "Note").input("Waiting lists")
    button(at, "Add note").click()
    at.run()
    assert [e.value for e in at.error if "Nobody at this table has agreed" in e.value]
    at.checkbox[0].check()
    at.run()
    no_exception(at)
    assert "1 of 1 person at this table has agreed to recording." in " ".join(c.value for c in at.caption)
    assert not [e.value for e in at.error if "Nobody at this table has agreed" in e.value]
    assert next(t for t in at.text_area if t.label == "Note").value == "Waiting lists"  # the text stays


def test_scribe_note_is_stored_and_shown_literally(app_db):
    store, event = app_db
    table = store.table_by_number(event.id, 2)
    vignette = table.vignettes[1]
    at = open_page(ATTENDEE_PAGES["table"], event=event.code, table=2)
    at.checkbox[0].check()  # table notes are recorded only with consent
    at.run()
    # One form: the case, prompt and note are sent together by "Add note".
    next(s for s in at.selectbox if s.label == "Case").set_value(vignette)
    next(s for s in at.selectbox if s.label == "Prompt").set_value(vignette.prompts[1])
    next(t for t in at.text_area if t.label == "Note").input(HOSTILE)
    button(at, "Add note").click()
    at.run()
    no_exception(at)
    assert "Note added." in [s.value for s in at.success]
    notes = store.list_table_notes(table.id)
    assert [(n.vignette_id, n.prompt, n.text) for n in notes] == [(vignette.id, vignette.prompts[1], HOSTILE)]
    assert HOSTILE in texts(at)
    assert HOSTILE not in markdown_bodies(at)


# --- The evaluation -----------------------------------------------------------------


def items_by_kind(store: Store, event) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in store.list_eval_items(event.id):
        out.setdefault(item.kind, []).append(item)
    return out


def test_evaluation_waits_until_it_opens(app_db):
    store, event = app_db
    at = open_page(ATTENDEE_PAGES["feedback"], event=event.code)
    no_exception(at)
    assert [i.value for i in at.info] == ["The evaluation opens at the end of the day. You will find it here."]
    assert not at.radio


def test_evaluation_is_submitted_then_edited_as_one_response(app_db):
    store, event = app_db
    store.set_eval_open(event.id, True)
    items = items_by_kind(store, event)
    score, likert, text = items["score"][0], items["likert"][0], items["text"][0]
    at = open_page(ATTENDEE_PAGES["feedback"], event=event.code)
    at.radio(key=f"eval-{score.id}").set_value(4)
    at.radio(key=f"eval-{likert.id}").set_value(5)
    at.text_area(key=f"eval-{text.id}").input(HOSTILE)
    button(at, "Send my feedback").click()
    at.run()
    no_exception(at)
    assert [s.value for s in at.success] == [
        "Thank you, your feedback is saved. You can change it until the evaluation closes."
    ]
    person = me(at, store, event)
    assert store.my_evaluation(event.id, person.id) == {score.id: 4, likert.id: 5, text.id: HOSTILE}
    # The thanks replaces the long form, so it is on screen where the person tapped.
    assert not at.radio and not at.text_area
    button(at, "Change my answers").click()
    at.run()
    assert at.radio(key=f"eval-{score.id}").value == 4  # the form again, with what was saved

    at.radio(key=f"eval-{score.id}").set_value(2)
    button(at, "Send my feedback").click()
    at.run()
    assert store.count_eval_responses(event.id) == 1
    assert store.my_evaluation(event.id, person.id)[score.id] == 2


def test_closed_evaluation_shows_saved_answers_read_only(app_db):
    store, event = app_db
    store.set_eval_open(event.id, True)
    score = items_by_kind(store, event)["score"][0]
    at = open_page(ATTENDEE_PAGES["feedback"], event=event.code)
    at.radio(key=f"eval-{score.id}").set_value(3)
    button(at, "Send my feedback").click()
    at.run()
    store.set_eval_open(event.id, False)
    rerun(at)
    no_exception(at)
    assert at.radio(key=f"eval-{score.id}").value == 3
    assert all(r.disabled for r in at.radio)
    assert button(at, "Send my feedback").disabled
    # Today's defect: it said "The evaluation opens at the end of the day" to people who had answered.
    assert [s.value for s in at.success] == ["Thanks, your answers are in. The evaluation has now closed."]
    assert not at.info
    other = open_page(ATTENDEE_PAGES["feedback"], event=event.code)  # a phone that did not answer
    assert [i.value for i in other.info] == ["The evaluation has closed. Thank you for taking part today."]


@pytest.fixture
def hold_write_lock(app_db, monkeypatch):
    """Another writer holds the database's write lock until release() (short busy timeout)."""
    from tests import engines

    store, _ = app_db
    monkeypatch.setattr("eventkit.storage.db.BUSY_TIMEOUT_MS", 50)
    store.close()  # the timeout is set when a connection (or PostgreSQL's pool) opens
    held = []
    yield lambda: held.append(engines.hold_write_lock(store)), lambda: held.pop()()
    for release in held:
        release()


def test_a_vote_the_busy_database_cannot_take_says_try_again_and_the_retry_counts(app_db, hold_write_lock):
    store, event = app_db
    hold, release = hold_write_lock
    poll = open_poll(store, event)
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    hold()
    button(at, poll.options[0].label).click()
    at.run()
    no_exception(at)
    assert any("very busy" in e.value and "try again" in e.value for e in at.error)
    assert store.vote_count(poll.id) == 0
    release()
    button(at, poll.options[0].label).click()
    at.run()
    assert store.vote_count(poll.id) == 1
    assert not at.error


def test_joining_when_the_database_is_too_busy_offers_try_again(app_db, hold_write_lock):
    store, event = app_db
    hold, release = hold_write_lock
    hold()
    at = open_page(ATTENDEE_PAGES["now"], event=event.code)
    no_exception(at)
    assert any("very busy" in e.value for e in at.error)
    release()
    button(at, "Try again").click()
    at.run()
    no_exception(at)
    assert not at.error
    assert me(at, store, event) is not None


def test_an_evaluation_that_is_refused_keeps_every_answer_and_says_why(app_db):
    from eventkit.models import EVAL_TEXT_MAX_CHARS

    store, event = app_db
    store.set_eval_open(event.id, True)
    items = items_by_kind(store, event)
    score, text = items["score"][0], items["text"][0]
    too_long = "x" * (EVAL_TEXT_MAX_CHARS + 1)
    at = open_page(ATTENDEE_PAGES["feedback"], event=event.code)
    at.radio(key=f"eval-{score.id}").set_value(4)
    at.text_area(key=f"eval-{text.id}").input(too_long)
    button(at, "Send my feedback").click()
    at.run()
    no_exception(at)
    assert at.error and not at.success
    assert store.count_eval_responses(event.id) == 0
    assert at.text_area(key=f"eval-{text.id}").value == too_long
    assert at.radio(key=f"eval-{score.id}").value == 4
