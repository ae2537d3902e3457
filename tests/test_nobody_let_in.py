"""Nobody let in: attendees cannot act as facilitator or organiser; guessing and flooding are slowed.

- Facilitator actions exist only on an eventkit.access.console.Console, which only
  the passcode hands out; every protected page shows its sign-in to an
  attendee session (driven with AppTest).
- Wrong passcodes/passwords pause sign-in for the browser session that made
  them, per event and role, counted from the login_attempts table (a random
  session id, no IP); tests/test_staff_sign_in.py has the concurrent guessers.
- Note spam is limited per participant, counted from rows, with a clear message.
- 100 votes from one device count once (storage, threads and the HTML page).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from eventkit.access import security
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.event.spec import EventSpec
from eventkit.storage import Store, StoreError, utc_stamp
from eventkit.storage.attempts import ThrottledError
from eventkit.web import device
from tests.app_pages import app_database, demo_in, open_page
from tests.every import assert_every
from tests.hostile import corpus
from tests.web_client import ORIGIN, Phone, web_app

ROOT = Path(__file__).resolve().parents[1]
PROTECTED_PAGES = ["pages/facilitator.py", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("pages/organiser*.py"))]


class Clock:
    """A settable utc_now for the storage modules, so no test waits on real time."""

    def __init__(self) -> None:
        self.now = datetime(2016, 5, 18, 9, 0, tzinfo=UTC)

    def __call__(self) -> str:
        return utc_stamp(self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    for module in ("wall", "tables", "attempts"):
        monkeypatch.setattr(f"eventkit.storage.{module}.utc_now", c)
    return c


@pytest.fixture
def app_db(tmp_path, monkeypatch, demo_spec):
    monkeypatch.delenv("EVENTKIT_ADMIN_PASSWORD", raising=False)
    with app_database(tmp_path / "eventkit.db", monkeypatch) as path:
        yield demo_in(path, demo_spec)


# --- Note spam -------------------------------------------------------------------


def test_sixth_note_within_a_minute_is_refused_with_the_wait(demo, clock):
    store, event = demo
    prompt = store.list_prompts(event.id)[0]
    me, other = store.join(event.id, "tok-spammer-000001"), store.join(event.id, "tok-neighbour-0001")
    for i in range(security.POST_LIMIT):
        store.add_note(prompt.id, me.id, f"note {i}")
        clock.advance(5)
    with pytest.raises(ThrottledError) as err:
        store.add_note(prompt.id, me.id, "one too many")
    assert str(err.value) == "You are posting very fast — please wait 35 seconds."
    assert err.value.wait_seconds == 35 and isinstance(err.value, StoreError)
    assert len(store.notes_by_participant(event.id, me.id)) == security.POST_LIMIT
    store.add_note(prompt.id, other.id, "a neighbour is not slowed down")
    clock.advance(35)
    store.add_note(prompt.id, me.id, "after the wait")
    assert len(store.notes_by_participant(event.id, me.id)) == security.POST_LIMIT + 1


def test_posting_limit_spans_prompts_and_counts_hidden_notes(demo, clock):
    store, event = demo
    prompts = store.list_prompts(event.id)
    me = store.join(event.id, "tok-spammer-000002")
    notes = [store.add_note(prompts[i % len(prompts)].id, me.id, f"n{i}") for i in range(security.POST_LIMIT)]
    store.set_note_status(notes[0].id, "hidden")
    with pytest.raises(ThrottledError, match="posting very fast"):
        store.add_note(prompts[-1].id, me.id, "still too fast")


def test_scribes_typing_up_post_its_have_a_limit_that_fits_the_job(demo, clock):
    """A scribe may add SCRIBE_LIMIT table notes a minute (a wall poster 5): the 6th is fine."""
    store, event = demo
    vignette = store.table_by_number(event.id, 1).vignettes[0]
    scribe = store.join(event.id, "tok-scribe-0000001", table_no=1)
    store.give_consent(vignette.table_id, scribe.id)
    assert security.SCRIBE_LIMIT >= 30 > security.POST_LIMIT
    for i in range(security.SCRIBE_LIMIT):
        store.add_table_note(vignette.id, scribe.id, "", f"post-it {i}")
        clock.advance(1)  # a post-it every second, for half a minute
    with pytest.raises(ThrottledError, match=r"please wait 30 seconds"):
        store.add_table_note(vignette.id, scribe.id, "", "too fast")
    clock.advance(30.001)
    store.add_table_note(vignette.id, scribe.id, "", "fine again")
    assert len(store.list_table_notes(vignette.table_id)) == security.SCRIBE_LIMIT + 1


# The Wall page's posting limit (the message, nothing past the limit stored, the text kept):
# tests/test_web_wall.py, test_the_posting_limit_holds_and_keeps_the_text; the Table's:
# tests/test_web_table.py, test_the_posting_limit_holds_and_keeps_the_text.


# --- Vote flooding -------------------------------------------------------------------


def _open_poll(store: Store, event) -> tuple[int, list[int]]:
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    return poll.id, [o.id for o in poll.options]


def test_a_hundred_votes_from_one_participant_count_once(demo):
    store, event = demo
    poll_id, options = _open_poll(store, event)
    me = store.join(event.id, "tok-flooder-000001")
    for i in range(100):
        store.cast_vote(poll_id, me.id, options[i % len(options)])
    results = store.poll_results(poll_id)
    assert store.vote_count(poll_id) == results.votes == 1
    assert sum(c.votes for c in results.counts) == 1
    assert store.my_vote(poll_id, me.id) == options[99 % len(options)]


def test_a_hundred_simultaneous_votes_count_once(demo):
    store, event = demo
    poll_id, options = _open_poll(store, event)
    me = store.join(event.id, "tok-flooder-000002")
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda i: store.cast_vote(poll_id, me.id, options[i % len(options)]), range(100)))
    assert store.vote_count(poll_id) == 1
    assert store.integrity_ok()


def test_a_hundred_taps_on_the_vote_page_count_once(app_db):
    store, event = app_db
    poll_id, options = _open_poll(store, event)
    phone = Phone(web_app(), event.code)
    phone.join()
    token = device.form_token(phone.client.cookies.get("ek_device"))
    for i in range(100):
        data = {"form_token": token, "poll": str(poll_id), "option": str(options[i % len(options)])}
        answer = phone.client.post(f"{phone.base}/vote", data=data, headers={"origin": ORIGIN})
        assert answer.status_code == 303, (i, answer.status_code)
    assert store.vote_count(poll_id) == 1
    assert store.count_participants(event.id) == 1


# --- Guessing passcodes --------------------------------------------------------------------


def test_login_attempts_store_only_role_event_time_and_session(store):
    with store.read() as db:
        columns = [d[0] for d in db.execute("SELECT * FROM login_attempts").description]
    assert columns == ["id", "role", "event_id", "created_at", "client"]  # client: a random session id


def test_wrong_passcodes_slow_down_the_guessing_session_per_event_and_role(demo, clock):
    store, event = demo
    for _ in range(security.FREE_LOGIN_ATTEMPTS):
        store.begin_sign_in("facilitator", event.id, "guesser")  # recorded as failed until proven right
    assert store.count_login_failures("facilitator", event.id, "guesser") == security.FREE_LOGIN_ATTEMPTS
    waits = []
    for _ in range(11):
        with pytest.raises(ThrottledError) as err:
            store.begin_sign_in("facilitator", event.id, "guesser")
        waits.append(err.value.wait_seconds)
        clock.advance(err.value.wait_seconds)
        store.begin_sign_in("facilitator", event.id, "guesser")
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert store.login_wait_seconds("facilitator", event.id, "someone-else") == 0  # keyed by session ...
    assert store.login_wait_seconds("organiser", None, "guesser") == 0  # ... by role ...
    other = store.import_event(EventSpec(code="OTHER1", title="Other"))
    assert store.login_wait_seconds("facilitator", other, "guesser") == 0  # ... and by event
    clock.advance(security.LOGIN_WINDOW_SECONDS + 1)  # old failures are forgotten: five free attempts again
    for _ in range(security.FREE_LOGIN_ATTEMPTS):
        store.begin_sign_in("facilitator", event.id, "guesser")
    assert store.login_wait_seconds("facilitator", event.id, "guesser") == 1


def test_console_unlock_pauses_the_guesser_but_not_the_facilitator(demo, clock):
    from eventkit.access.console import Console, ConsoleLocked

    store, event = demo
    for guess in ["fife", "demo", "Fife-demo", "fife-demo ", "FIFE16"]:
        with pytest.raises(ConsoleLocked, match="not right"):
            Console.unlock(store, event.id, guess, client="guesser")
    with pytest.raises(ConsoleLocked, match="Too many wrong attempts") as err:
        Console.unlock(store, event.id, DEMO_PASSCODE, client="guesser")  # even the right one, while paused
    assert "paused for 1 second" in str(err.value)
    # The real facilitator, in another browser, is not held up by the guesser.
    assert Console.unlock(store, event.id, DEMO_PASSCODE, client="facilitator").event_id == event.id
    clock.advance(1)
    assert Console.unlock(store, event.id, DEMO_PASSCODE, client="guesser").event_id == event.id
    assert store.count_login_failures("facilitator", event.id) == 0


def test_organiser_sign_in_pauses_the_guessing_browser_only(app_db, monkeypatch):
    store, _ = app_db
    monkeypatch.setenv("EVENTKIT_ADMIN_PASSWORD", "the-organisers-password")
    guesser = open_page("pages/organiser.py")
    for i in range(security.FREE_LOGIN_ATTEMPTS):
        guesser.text_input[0].input(f"guess-{i}")
        guesser.button[0].click().run()
        assert "not right" in guesser.error[0].value
    assert not guesser.exception
    guesser.text_input[0].input("the-organisers-password")
    guesser.button[0].click().run()
    assert any("Too many wrong attempts" in e.value for e in guesser.error)
    assert guesser.title[0].value == "Organiser sign-in"
    assert store.count_login_failures("organiser") == security.FREE_LOGIN_ATTEMPTS
    organiser = open_page("pages/organiser.py")  # another browser session
    organiser.text_input[0].input("the-organisers-password")
    organiser.button[0].click().run()
    assert not organiser.error and organiser.title[-1].value == "Organiser"


# --- Attendees cannot act as staff -------------------------------------------------------------


def test_a_console_cannot_be_made_without_the_passcode(demo):
    from eventkit.access.console import Console, ConsoleLocked

    store, event = demo
    with pytest.raises(ConsoleLocked):
        Console(store, event.id, store.facilitator_hash(event.id))
    with pytest.raises(ConsoleLocked):
        Console(store, event.id, store.facilitator_hash(event.id), object())


def test_hostile_passcodes_never_unlock(demo, monkeypatch):
    from eventkit.access.console import Console, ConsoleLocked

    monkeypatch.setattr(security, "FREE_LOGIN_ATTEMPTS", 10**6)
    monkeypatch.setattr("eventkit.storage.attempts.login_delay_seconds", lambda n, free=0: 0)
    store, event = demo
    # The same passcode hashed at a lower cost: the check is the same, 40 guesses cost ms, not seconds.
    store.set_facilitator_hash(event.id, security.hash_passcode(DEMO_PASSCODE, n=16))

    def check(guess: str) -> None:
        with pytest.raises(ConsoleLocked):
            Console.unlock(store, event.id, guess)

    assert_every(corpus.sample(step=8), check)
    assert Console.unlock(store, event.id, DEMO_PASSCODE), "the right passcode still unlocks"


def test_a_changed_passcode_locks_open_consoles(demo):
    from eventkit.access.console import Console, ConsoleLocked

    store, event = demo
    con = Console.unlock(store, event.id, DEMO_PASSCODE)
    store.set_facilitator_hash(event.id, security.hash_passcode("new-passcode", n=16))
    with pytest.raises(ConsoleLocked):
        con.set_live("wall")
    assert store.get_live(event.id).kind == "welcome"


@pytest.mark.parametrize("page", PROTECTED_PAGES)
def test_attendee_session_meets_sign_in_on_every_staff_page(app_db, page):
    """An attendee who joined opens a staff page with their token and made-up roles in the address:
    sign-in only, no controls. (The phone's own identity, its cookie, is scoped to /e/CODE and never
    reaches a staff page: eventkit/web/device.py.)"""
    store, event = app_db
    token = security.new_token()
    store.join(event.id, token)
    at = open_page(page, event="FIFE16", p=token, role="facilitator", admin="1", unlocked="true")
    assert not at.exception
    titles = [t.value for t in at.title]
    assert titles and titles[-1] in ("Facilitator sign-in", "Organiser sign-in"), titles
    assert not at.tabs and not at.get("download_button")
    labels = {b.label for b in at.button}
    assert labels <= {"Open the control panel", "Sign in"}, labels
    assert not _staff_state(at)
    assert store.participant_by_token(event.id, token) is not None
    assert store.get_live(event.id).kind == "welcome"


def _staff_state(at: AppTest) -> list[str]:
    """Session keys that would mean a staff role was granted."""
    return [
        k
        for k in ("ek_consoles", "ek_organiser", "ek_facilitator_events")
        if k in at.session_state and at.session_state[k]
    ]


def test_projector_is_view_only(app_db):
    store, event = app_db
    store.set_live(event.id, "wall")
    at = open_page("pages/projector.py", event="FIFE16", p="attendee-token-123456")
    assert not at.exception
    assert not at.button and not at.text_input and not at.text_area and not at.radio
