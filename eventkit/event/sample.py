"""Realistic sample data for an event: for screenshots, rehearsals and tests.

`populate_sample` plays a whole day through the Store API: people join,
polls open and are revealed, notes go on the wall, scribes write table
notes, the evaluation is filled in and some items are coded by theme. The
day runs on a simulated clock (from 09:00 on the event date) so charts of
participation over the day look like a real day. Deterministic per seed.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

from eventkit.models import Poll
from eventkit.storage import Store, StoreError, utc_stamp

WALL_NOTES = (
    "Referral pathways between Jobcentre and council services",
    "Which areas have the most sanctions, by month",
    "Who to contact at DWP when someone's payments stop",
    "Data on foodbank referrals linked to sanctions",
    "Advocacy should be available at the Jobcentre itself",
    "Independent advocacy for people with learning difficulties",
    "We could share anonymised case numbers from our drop-in",
    "Housing arrears data by ward",
    "Health visitors and GPs were missing today",
    "Someone from DWP decision makers",
    "Young people's services and colleges",
    "What are we allowed to share under data protection?",
    "A shared contact list for frontline workers",
    "Advocacy – quick access, not a 6 week wait",
    "Our team knows the local training providers well",
    "Citizens Advice outcome data",
    "<b>Not bold</b> — literal text stays literal",
    "Schools should be here",
)
TABLE_NOTES = (
    "Needs someone to explain the reconsideration process in plain language",
    "Referral to CARF for welfare rights advice straight away",
    "Hardship payment – does she know she can apply?",
    "The school could share concerns with the health visitor if there is consent",
    "No single point of contact: everyone sees part of the picture",
    "Data protection worries stop people talking to each other",
    "Foodbank voucher, fuel top-up, then a benefit check",
    "Jobcentre should accept the learning as part of the commitment",
    "A named link worker for people with no fixed address",
    "Who holds the information? Nobody knows who else is involved",
)
EVAL_TEXTS = (  # one pool per free-text question, in order; "" leaves it blank
    (
        "Hearing from people in other organisations",
        "The table discussions and the case stories",
        "The figures on sanctions in Fife were eye-opening",
        "Learning who does what locally",
        "",
    ),
    ("Nothing difficult, well organised", "Hard to hear at our table", "The data was a lot to take in", "", ""),
    ("Mostly, but DWP and health were missing", "Yes, a good mix", "Schools and GPs should be here", ""),
    (
        "More about what data we can legally share",
        "How to make referrals between services",
        "Who to contact about hardship payments",
        "",
    ),
)
THEME_WORDS = {
    "referrals": ("referral", "contact", "pathway", "link worker"),
    "resources": ("foodbank", "fuel", "hardship", "training", "advocacy"),
    "knowledge": ("data", "figures", "learning", "knows", "explain"),
    "data protection": ("data protection", "share", "allowed", "consent", "legally"),
    "who": ("who", "missing", "dwp", "schools", "health"),
}


@contextmanager
def _simulated_clock(start: datetime):
    """Make every storage timestamp come from a clock that we move by hand."""
    state = {"now": start}

    def now() -> str:
        return utc_stamp(state["now"])

    modules = ["participants", "polls", "wall", "tables", "evaluation", "coding"]
    patches = [mock.patch(f"eventkit.storage.{m}.utc_now", now) for m in modules]
    for p in patches:
        p.start()
    try:
        yield state
    finally:
        for p in patches:
            p.stop()


def _day_start(date: str) -> datetime:
    try:
        day = datetime.fromisoformat(date[:10])
    except ValueError:
        day = datetime.now()
    return day.replace(hour=9, minute=0, tzinfo=UTC)


def populate_sample(store: Store, event_id: int, n: int = 42, seed: int = 1) -> None:
    """Fill an event with a plausible day of anonymous activity from n attendees."""
    rng = random.Random(seed)
    event = store.get_event(event_id)
    if event is None:
        raise StoreError("No such event.")
    with _simulated_clock(_day_start(event.date)) as clock:

        def tick(minutes: float) -> None:
            clock["now"] += timedelta(minutes=minutes)

        seats: list[int | None] = [t.number for t in store.list_tables(event_id)] or [None]  # None: no tables
        people = []
        for i in range(n):
            tick(rng.uniform(0.2, 1.2))
            people.append(store.join(event_id, f"sample{seed}-{i:05d}-token", seats[i % len(seats)]))
        polls = store.list_polls(event_id)
        _play_polls(store, [p for p in polls if p.repeat_of is None], people, rng, tick)
        _fill_wall(store, event_id, people, rng, tick)
        _fill_tables(store, event_id, people, rng, tick)
        _play_polls(store, [p for p in polls if p.repeat_of is not None], people, rng, tick, learned=True)
        _fill_evaluation(store, event_id, people, rng, tick)
    _code_by_keywords(store, event_id)


def _play_polls(store: Store, polls: list[Poll], people, rng, tick, learned: bool = False) -> None:
    for poll in polls:
        store.set_poll_state(poll.id, "open")
        for person in people:
            if rng.random() < 0.88:
                tick(rng.uniform(0.0, 0.1))
                if poll.kind == "choice":
                    store.cast_vote(poll.id, person.id, _choose(poll, rng, learned).id)
                else:
                    store.cast_estimate(poll.id, person.id, _estimate(poll, rng))
        store.set_poll_state(poll.id, "revealed")
        tick(6)


def _choose(poll: Poll, rng, learned: bool):
    """Rooms tend to underestimate; after the reveal most remember the answer."""
    weights = [3.0 / (i + 1) for i in range(len(poll.options))]
    correct = poll.correct_option
    if correct is not None:
        weights[poll.options.index(correct)] = 8.0 if learned else 1.2
    return rng.choices(poll.options, weights=weights)[0]


def _estimate(poll: Poll, rng) -> float:
    low = poll.min_value if poll.min_value is not None else 0.0
    high = poll.max_value if poll.max_value is not None else (poll.true_value or 100) * 3
    guess = rng.gauss((poll.true_value or (low + high) / 2) * 0.6, (high - low) * 0.15)
    return round(min(max(guess, low), high))


def _fill_wall(store: Store, event_id: int, people, rng, tick) -> None:
    prompts = store.list_prompts(event_id)
    if not prompts:
        return
    notes = []
    for text in WALL_NOTES:
        tick(rng.uniform(1, 5))
        prompt = prompts[rng.randrange(len(prompts))]
        notes.append(store.add_note(prompt.id, rng.choice(people).id, text))
    for note in notes:
        for person in rng.sample(people, rng.randrange(0, 6)):
            if note.status == "visible":
                store.plus_one(note.id, person.id)


def _fill_tables(store: Store, event_id: int, people, rng, tick) -> None:
    for table in store.list_tables(event_id):
        seated = [p for p in people if p.table_no == table.number] or people
        scribe = seated[0]
        for person in seated:
            store.give_consent(table.id, person.id)
        for vignette in table.vignettes:
            for text in rng.sample(TABLE_NOTES, 3):
                tick(rng.uniform(0.5, 2))
                prompt = rng.choice(vignette.prompts) if vignette.prompts else ""
                store.add_table_note(vignette.id, scribe.id, prompt, text)


def _fill_evaluation(store: Store, event_id: int, people, rng, tick) -> None:
    items = store.list_eval_items(event_id)
    if not items:
        return
    store.set_eval_open(event_id, True)
    for person in people:
        if rng.random() > 0.75:
            continue
        tick(rng.uniform(0.1, 0.8))
        answers: dict[int, int | str | None] = {}
        texts = iter(EVAL_TEXTS * 3)
        for item in items:
            if item.kind == "text":
                answers[item.id] = rng.choice(next(texts)) or None
            else:
                answers[item.id] = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 5, 12, 8])[0]
        store.submit_evaluation(event_id, person.id, answers)


def _code_by_keywords(store: Store, event_id: int) -> None:
    """Tag items whose text mentions a theme's words, as a first pass a person would refine."""
    themes = {t.name.lower(): t.id for t in store.list_themes(event_id)}
    for source in ("note", "table_note", "eval_answer"):
        codings = {}
        for item in store.codable_items(event_id, source):
            lowered = item.text.lower()
            ids = [
                themes[name]
                for name, words in THEME_WORDS.items()
                if name in themes and any(w in lowered for w in words)
            ]
            if ids:
                codings[item.item_key] = ids
        if codings:
            store.set_codings(event_id, source, codings)
