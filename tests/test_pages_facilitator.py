"""AppTest of the facilitator's screens: the projector (view-only) and the control panel (passcode)."""

from __future__ import annotations

import dataclasses
import string

import pytest
from streamlit.testing.v1 import AppTest

from eventkit import ui
from eventkit.access import console
from eventkit.event import limits
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.ui import projector
from tests.app_pages import app_database, demo_in, open_page, shown_texts

# Pages run as the server runs them: through app.py's router (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("through_the_router")

PROJECTOR, PANEL = "pages/projector.py", "pages/facilitator.py"


@pytest.fixture
def db(tmp_path, monkeypatch, demo_spec):
    """(store, event) on the temp database the app uses; caches cleared around each test."""
    with app_database(tmp_path / "eventkit.db", monkeypatch) as path:
        yield demo_in(path, demo_spec)


def _charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def _sign_in(passcode: str = DEMO_PASSCODE) -> AppTest:
    return open_page(PANEL, password=passcode, event="FIFE16")


# --- Projector -------------------------------------------------------------------------------


def _arrange(store, event, state: str) -> None:
    polls = store.list_polls(event.id)
    people = [store.join(event.id, f"page-test-token-{i:04d}") for i in range(3)]
    kind, _, detail = state.partition(":")
    if kind != "poll":
        store.set_live(event.id, kind)
        return
    poll = polls[{"choice": 0, "estimate": 1, "repeat": 7}[detail.split("-")[0]]]
    if poll.repeat_of:
        store.set_poll_state(poll.repeat_of, "open")
        for p in people:
            store.cast_vote(poll.repeat_of, p.id, polls[0].options[0].id)
    store.set_poll_state(poll.id, "open")
    for i, p in enumerate(people):
        if poll.kind == "estimate":
            store.cast_estimate(poll.id, p.id, 100.0 * (i + 1))
        else:
            store.cast_vote(poll.id, p.id, poll.options[i % len(poll.options)].id)
    store.set_results_visible(poll.id, detail.endswith(("shown", "revealed")))
    if detail.endswith("revealed"):
        store.set_poll_state(poll.id, "revealed")
    store.set_live(event.id, "poll", poll.id)


@pytest.mark.parametrize(
    "state, expected, charts",
    [
        ("welcome", "Event code  FIFE16", 0),
        ("poll:choice-hidden", "3 votes so far", 0),
        ("poll:choice-shown", "3 answers", 1),
        ("poll:choice-revealed", "The answer: More than four in five", 1),
        ("poll:estimate-revealed", "The answer: 395 thousand", 1),
        ("poll:repeat-shown", "Before: 3 answers   ·   Now: 3 answers", 1),
        ("wall", "The wall: add your note on your phone", 0),
        ("tables", "Table discussions", 0),
        ("evaluation", "0 of 3 (0%) have answered", 0),
    ],
)
def test_projector_shows_each_state_and_draws_charts_only_when_results_are_shown(db, state, expected, charts):
    store, event = db
    _arrange(store, event, state)
    at = open_page(PROJECTOR, event="FIFE16")
    assert not at.exception
    assert expected in shown_texts(at)
    assert len(_charts(at)) == charts
    assert not at.button and not at.text_input  # view-only


@pytest.mark.parametrize("state", ["welcome", "poll:choice-hidden", "wall", "evaluation"])
def test_projector_shows_no_qr_code_once_joining_is_closed(db, state):
    # A scan at a closed door only leads to "Joining is closed": the room is told instead.
    store, event = db
    _arrange(store, event, state)
    assert open_page(PROJECTOR, event="FIFE16").get("image"), "a QR code while joining is open"
    store.set_joining_open(event.id, False)
    ui.reads().expire_all()  # written behind the app's back: as if the 2 s had passed
    at = open_page(PROJECTOR, event="FIFE16")
    assert not at.exception
    assert not at.get("image")
    assert any(t.startswith("Joining is closed") for t in shown_texts(at))
    assert not any(t.startswith("Join on your phone") for t in shown_texts(at))


def test_projector_hides_per_option_results_until_shown(db):
    store, event = db
    _arrange(store, event, "poll:choice-hidden")
    texts = shown_texts(open_page(PROJECTOR, event="FIFE16"))
    assert "A.  About a quarter" in texts
    assert not any("%" in t for t in texts)


def test_projector_shows_every_option_of_a_poll_with_the_most_options_while_results_are_hidden(
    tmp_path, monkeypatch, demo_spec
):
    # An event may have limits.COUNT_LIMITS["options"] options (20): the projector used to letter A–J only.
    most = limits.COUNT_LIMITS["options"]
    labels = tuple(f"Option number {i + 1}" for i in range(most))
    first = dataclasses.replace(demo_spec.polls[0], options=labels, correct=labels[-1])
    spec = dataclasses.replace(demo_spec, polls=(first, *demo_spec.polls[1:]))
    with app_database(tmp_path / "eventkit.db", monkeypatch):
        store, event = demo_in(tmp_path / "eventkit.db", spec)
        _arrange(store, event, "poll:choice-hidden")
        texts = shown_texts(open_page(PROJECTOR, event="FIFE16"))
    shown = [t for t in texts if t.partition(".  ")[2] in labels]
    letters = [t.partition(".  ")[0] for t in shown]
    assert [t.partition(".  ")[2] for t in shown] == list(labels), texts
    assert letters == list("ABCDEFGHIJKLMNOPQRST")[:most], letters


def test_option_letters_are_distinct_for_as_many_options_as_an_event_may_have():
    most = limits.COUNT_LIMITS["options"]
    letters = [projector.option_letter(i) for i in range(most + 10)]
    assert letters[:most] == list(string.ascii_uppercase[:most])
    assert len(set(letters)) == len(letters), letters


def test_projector_wall_shows_visible_notes_only_literally(db):
    store, event = db
    prompt = store.list_prompts(event.id)[0]
    someone = store.join(event.id, "page-test-token-wall")
    shown = store.add_note(prompt.id, someone.id, "**not bold** <b>raw</b>")
    hidden = store.add_note(prompt.id, someone.id, "hidden note")
    store.set_note_status(hidden.id, "hidden")
    store.set_moderation(event.id, premoderate=True, word_filter=[])
    store.add_note(prompt.id, someone.id, "pending note")
    store.set_live(event.id, "wall")
    texts = shown_texts(open_page(PROJECTOR, event="FIFE16"))
    assert shown.text in texts
    assert "hidden note" not in texts and "pending note" not in texts


@pytest.mark.parametrize("params, message", [({}, None), ({"event": "NOPE99"}, "There is no event")])
def test_screens_without_a_known_event_ask_for_the_code(db, params, message):
    for page in (PROJECTOR, PANEL):
        at = open_page(page, **params)
        assert not at.exception
        assert at.text_input[0].label == "Event code"
        assert (message is None and not at.error) or message in at.error[0].value


@pytest.mark.parametrize("page", [PROJECTOR, PANEL])
def test_a_code_of_5000_characters_is_an_unknown_code_never_cut_to_one_that_exists(db, demo_spec, page):
    store, _ = db
    store.import_event(dataclasses.replace(demo_spec, code="TWELVELETTER"))  # 12: the longest code
    at = open_page(page, event="TWELVELETTER" + "X" * 4988)
    assert not at.exception
    assert [e.value for e in at.error] == [
        "There is no event with the code “TWELVELETTERXXXXXXXX…”. Check the code and try again."
    ]
    assert at.text_input[0].label == "Event code"


# --- Control panel ----------------------------------------------------------------------------


def test_wrong_passcode_is_refused(db):
    store, event = db
    at = _sign_in("not-the-passcode")
    assert not at.exception
    assert "not right" in at.error[0].value
    assert not at.tabs and at.title[0].value == "Facilitator sign-in"


def test_right_passcode_opens_the_panel_and_actions_change_the_state(db):
    store, event = db
    at = _sign_in()
    assert not at.exception and not at.error
    assert [t.label for t in at.tabs] == ["Run of show", "Poll", "Wall", "Tables", "Evaluation"]
    first = store.list_polls(event.id)[0]

    at.button(key=f"live-poll-{first.id}").click().run()
    assert store.get_live(event.id).poll_id == first.id
    for label, check in [
        ("Open voting", lambda p: p.state == "open"),
        ("Show results", lambda p: p.results_visible),
        ("Close voting", lambda p: p.state == "closed"),
        ("Reveal answer", lambda p: p.state == "revealed"),
    ]:
        next(b for b in at.button if b.label == label).click().run()
        assert not at.exception and not at.error, label
        assert check(store.get_poll(first.id)), label
    next(b for b in at.button if b.label == "Next question").click().run()
    assert store.get_live(event.id).poll_id == store.list_polls(event.id)[1].id


def test_panel_moderation_and_evaluation(db):
    store, event = db
    someone = store.join(event.id, "page-test-token-mod")
    note = store.add_note(store.list_prompts(event.id)[0].id, someone.id, "Hide me")
    at = _sign_in()
    at.segmented_control(key="note-filter").set_value("On the wall").run()
    at.button(key=f"hide-{note.id}").click().run()
    assert store.notes_for_moderation(event.id)[0].status == "hidden"
    next(b for b in at.button if b.label == "Open the evaluation").click().run()
    assert store.get_event(event.id).eval_open


def test_panel_show_of_hands_counts(db):
    store, event = db
    first = store.list_polls(event.id)[0]
    store.set_live(event.id, "poll", first.id)
    at = _sign_in()
    at.number_input(key=f"hands-{first.id}-{first.options[2].id}").set_value(7)
    next(b for b in at.button if b.label == "Save show-of-hands counts").click().run()
    assert not at.exception and not at.error
    assert store.poll_results(first.id).manual_total == 7


def test_attendee_session_cannot_reach_facilitator_actions(db):
    store, event = db
    at = open_page(PANEL, event="FIFE16", p="an-attendee-token-0001")
    assert not at.exception
    assert at.title[0].value == "Facilitator sign-in"
    assert [b.label for b in at.button] == ["Open the control panel"]
    assert not at.tabs
    # The actions exist only as methods of a Console, which only the passcode hands out.
    with pytest.raises(console.ConsoleLocked):
        console.Console(store, event.id, store.facilitator_hash(event.id))
    public = [n for n in dir(console) if not n.startswith("_") and callable(getattr(console, n))]
    assert set(public) <= {
        "Console",
        "ConsoleLocked",
        "Live",
        "Store",
        "StoreError",
        "parse_words",
        "annotations",
        "security",
    }
    assert store.get_live(event.id).kind == "welcome"


# --- Running the polls as the README says (issue 13) ------------------------------------------


def _press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, label
    return at


def test_next_question_from_welcome_opens_the_first_question_then_each_in_turn(db):
    store, event = db
    polls = store.list_polls(event.id)
    at = _sign_in()
    assert at.selectbox(key="poll-pick-None").value == polls[0].id  # the picker shows what Next opens
    assert f"Next question opens Q1: {polls[0].question[:40]}" in " ".join(c.value for c in at.caption)
    for expected in polls:
        _press(at, "Next question")
        assert not at.error
        live = store.get_live(event.id)
        assert (live.kind, live.poll_id) == ("poll", expected.id)
        assert store.get_poll(expected.id).state == "open"
        assert at.selectbox(key=f"poll-pick-{expected.id}").value == expected.id
    assert [p.state for p in store.list_polls(event.id)] == ["closed"] * (len(polls) - 1) + ["open"]
    _press(at, "Next question")  # on the last poll: said, not done silently
    assert "That was the last question" in at.warning[0].value
    assert "still open" in at.warning[0].value
    assert store.get_poll(polls[-1].id).state == "open" and store.get_live(event.id).poll_id == polls[-1].id


def test_opening_a_revealed_poll_again_says_what_it_does(db):
    store, event = db
    first = store.list_polls(event.id)[0]
    store.set_poll_state(first.id, "revealed")
    store.set_live(event.id, "poll", first.id)
    at = _sign_in()
    labels = [b.label for b in at.button]
    assert "Open voting" not in labels
    _press(at, "Re-open voting (answer already shown)")
    assert store.get_poll(first.id).state == "open"


def test_poll_names_put_state_and_number_first_and_tell_repeats_apart(db):
    store, event = db
    polls = store.list_polls(event.id)
    at = _sign_in()
    picker = at.selectbox(key="poll-pick-None")
    names = [picker.format_func(p.id) for p in polls]
    assert len(set(names)) == len(names)
    for p, name in zip(polls, names, strict=True):
        assert name.startswith(f"Not asked yet · Q{p.position}")
    assert names[7].startswith("Not asked yet · Q8 (repeat of Q1) · Between October 2012")
    run_of_show = [b.label for b in at.button if b.key and b.key.startswith("live-poll-")]
    assert run_of_show == names


def test_show_of_hands_counts_go_to_the_poll_picked(db):
    store, event = db
    first = store.list_polls(event.id)[0]
    third = next(p for p in store.list_polls(event.id) if p.kind == "choice" and p.position > 2)
    store.set_live(event.id, "poll", first.id)
    at = _sign_in()
    at.selectbox(key=f"poll-pick-{first.id}").set_value(third.id).run()
    hands = [n for n in at.number_input if n.key and n.key.startswith("hands-")]
    assert [n.key for n in hands] == [f"hands-{third.id}-{o.id}" for o in third.options]
    assert [n.label for n in hands] == [o.label for o in third.options]
    assert any(c.value.startswith(f"Counts for Q{third.position}: ") for c in at.caption)
    hands[0].set_value(4)
    _press(at, "Save show-of-hands counts")
    assert store.poll_results(third.id).manual_total == 4
    assert store.poll_results(first.id).manual_total == 0


@pytest.mark.parametrize(
    "premoderate, pending, opens_on",
    [
        (False, False, "On the wall"),
        (False, True, "Waiting"),  # a held word made one wait
        (True, False, "Waiting"),
    ],
)
def test_wall_moderation_opens_where_the_notes_are(db, premoderate, pending, opens_on):
    store, event = db
    someone = store.join(event.id, "page-test-token-wall-1")
    prompt = store.list_prompts(event.id)[0]
    note = store.add_note(prompt.id, someone.id, "On the wall already")
    store.set_moderation(event.id, premoderate=premoderate, word_filter=["held"])
    if pending:
        store.add_note(prompt.id, someone.id, "a held note")
    at = _sign_in()
    control = at.segmented_control(key="note-filter")
    assert control.value == opens_on
    if opens_on == "On the wall":
        at.button(key=f"hide-{note.id}").click().run()  # one click to hide
        assert store.notes_for_moderation(event.id)[-1].status == "hidden"


# --- The next action is always in view (issue 21) ---------------------------------------------


def _outside_tabs(at: AppTest) -> list[str]:
    """Labels of the buttons drawn above the tabs (and outside any folded section)."""
    folded = {b.id for part in [*at.tabs, *at.expander] for b in part.button}
    return [b.label for b in at.button if b.id not in folded]


@pytest.mark.parametrize("live", ["welcome", "poll", "wall"])
def test_the_run_of_the_day_is_above_the_tabs_and_the_rest_is_folded(db, live):
    store, event = db
    first = store.list_polls(event.id)[0]
    store.set_live(event.id, live, first.id if live == "poll" else None)
    at = _sign_in()
    assert not at.exception
    on_top = _outside_tabs(at)
    expected = ["Open voting", "Close voting", "Show results", "Reveal answer"] if live == "poll" else []
    assert on_top == [*expected, "Next question"], on_top
    assert not [m.label for m in at.metric if m.label != "Feedback received"], "the figures take a line, not a row"
    status = [c.value for c in at.caption if c.value.startswith("**Live: ")]
    assert len(status) == 1, [c.value for c in at.caption]
    door = [e for e in at.expander if any(b.key == "door-close" for b in e.button)]
    assert door and door[0].label.startswith("Joining: open"), "the door is folded, its state in the heading"


def test_the_poll_tab_drives_a_poll_that_is_not_live_and_points_to_the_top_for_the_live_one(db):
    store, event = db
    first, second = store.list_polls(event.id)[:2]
    store.set_live(event.id, "poll", first.id)
    at = _sign_in()
    assert any(c.value.startswith("This poll is live: its buttons") for c in at.caption)
    at.selectbox(key=f"poll-pick-{first.id}").set_value(second.id).run()
    at.button(key=f"pick-open-{second.id}").click().run()
    assert not at.exception and store.get_poll(second.id).state == "open"
    assert store.get_live(event.id).poll_id == first.id  # opened, not made live
    at.button(key=f"pick-live-{second.id}").click().run()
    assert store.get_live(event.id).poll_id == second.id


def test_counts_agree_with_their_nouns_on_the_panel_and_the_projector(db):
    store, event = db
    polls = store.list_polls(event.id)
    repeat = polls[7]
    someone = store.join(event.id, "page-test-token-one")
    earlier = next(p for p in polls if p.id == repeat.repeat_of)
    for poll in (earlier, repeat):
        store.set_poll_state(poll.id, "open")
        store.cast_vote(poll.id, someone.id, poll.options[0].id)
    store.set_results_visible(repeat.id, True)
    store.set_live(event.id, "poll", repeat.id)
    at = _sign_in()
    texts = [c.value for c in at.caption] + [m.value for m in at.markdown]
    assert any("1 phone vote from 1 joined device ·" in t for t in texts), texts  # the status line
    assert any(t.startswith("1 phone vote from 1 joined device") for t in texts), texts  # the Poll tab
    assert not [t for t in texts if "1 phone votes" in t or "1 joined devices" in t or "1 notes" in t]
    assert "Before: 1 answer   ·   Now: 1 answer" in shown_texts(open_page(PROJECTOR, event="FIFE16"))


def test_a_new_event_is_not_measured_against_the_seed_event(db):
    store, event = db
    for i in range(8):
        store.join(event.id, f"page-test-token-eval-{i}")
    at = _sign_in()
    captions = [c.value for c in at.caption]
    assert not [c for c in captions if "seed event" in c], captions
    assert any("Aim for more than one form for every 4 joined devices (3 forms here)" in c for c in captions)


def test_saving_moderation_settings_says_what_is_now_in_force(db):
    store, event = db
    at = _sign_in()
    at.toggle[0].set_value(True)
    at.text_area[0].input("spam\nrude")
    next(b for b in at.button if b.label == "Save moderation settings").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Moderation settings saved: pre-approval on, 2 held words."]
    assert store.get_event(event.id).premoderate
    at.run()
    assert not at.success, "said once"
