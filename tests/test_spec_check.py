"""eventkit.event.check: the one check of a typed EventSpec (the editor's and the event file's).

Table-driven: each case changes one field of a valid spec and names the one
problem expected (field path and message, as the editor shows them). Each
test loops over its table and reports every case that went wrong at once.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from eventkit.event import editing as event_editing
from eventkit.event.check import checked, problems, tidy
from eventkit.event.spec import (
    DEFAULT_THEMES,
    EvaluationItemSpec,
    EventFileError,
    EventSpec,
    PollSpec,
    SettingsSpec,
    TableSpec,
    VignetteSpec,
)

CHOICE = PollSpec(question="Pick one", options=("A", "B"), correct="A")
ESTIMATE = PollSpec(question="How many?", kind="estimate", true_value=5, min=0, max=10, unit="%")
VIGNETTE = VignetteSpec(title="A case", story="Once", prompts=("What now?",))
VALID = EventSpec(
    code="ABC1",
    title="An event",
    polls=(CHOICE, ESTIMATE),
    wall_prompts=("Ideas?",),
    tables=(TableSpec(1, "Table 1", (VIGNETTE,)),),
    evaluation=(EvaluationItemSpec("text", "Anything else?"),),
    themes=DEFAULT_THEMES,
)


def poll(i: int, **changes) -> dict:
    polls = list(VALID.polls)
    polls[i] = replace(polls[i], **changes)
    return {"polls": tuple(polls)}


def settings(**changes) -> dict:
    return {"settings": replace(SettingsSpec(), **changes)}


def table(**changes) -> dict:
    return {"tables": (replace(VALID.tables[0], **changes),)}


def vignette(**changes) -> dict:
    return table(vignettes=(replace(VIGNETTE, **changes),))


LONG = "x" * 501
CASES = [
    # (what is wrong, the changed fields, the field named, the message)
    ("code with punctuation", {"code": "FIFE-16"}, "code", "must be 3-12 letters or digits, e.g. FIFE16"),
    ("code too short", {"code": "ab"}, "code", "must be 3-12 letters or digits, e.g. FIFE16"),
    ("no code", {"code": ""}, "code", "is required"),
    ("blank title", {"title": "   "}, "title", "is required"),
    ("long title", {"title": "t" * 201}, "title", "is too long: 201 characters, at most 200"),
    ("long welcome", {"welcome": "w" * 5001}, "welcome", "is too long: 5,001 characters, at most 5,000"),
    ("premoderate not a boolean", settings(premoderate="no"), "settings.premoderate", "must be true or false"),
    (
        "blank held word",
        settings(word_filter=("rude", " ")),
        "settings.word_filter",
        "must be a list of non-empty texts",
    ),
    (
        "retention zero",
        settings(retention_days=0),
        "settings.retention_days",
        "must be a whole number of days, 1 or more",
    ),
    (
        "retention not whole",
        settings(retention_days=1.5),
        "settings.retention_days",
        "must be a whole number of days, 1 or more",
    ),
    ("retention not a number", settings(retention_days=float("inf")), "settings.retention_days", "must be a number"),
    ("retention empty", settings(retention_days=None), "settings.retention_days", "is required"),
    (
        "expected below zero",
        settings(expected_attendance=-1),
        "settings.expected_attendance",
        "must be a whole number of people, 0 to 100,000",
    ),
    (
        "expected too many",
        settings(expected_attendance=100_001),
        "settings.expected_attendance",
        "must be a whole number of people, 0 to 100,000",
    ),
    ("expected empty", settings(expected_attendance=None), "", ""),  # the editor's empty field: not set
    (
        "address not http",
        settings(public_base_url="ftp://x.org"),
        "settings.public_base_url",
        "The address must start with http:// or https://.",
    ),
    ("unknown poll kind", poll(0, kind="quiz"), "polls[1].kind", "must be one of choice, estimate"),
    ("no question", poll(0, question=" "), "polls[1].question", "is required"),
    ("long question", poll(0, question=LONG), "polls[1].question", "is too long: 501 characters, at most 500"),
    ("one option", poll(0, options=("A",)), "polls[1].options", "needs at least two options"),
    ("same option twice", poll(0, options=("A", "A")), "polls[1].options", "has the same option twice"),
    ("blank option", poll(0, options=("A", "", "B")), "polls[1].options", "must be a list of non-empty texts"),
    (
        "too many options",
        poll(0, options=tuple("ABCDEFGHIJKLMNOPQRSTU")),
        "polls[1].options",
        "has 21 items, at most 20",
    ),
    (
        "long option",
        poll(0, options=("A", "b" * 201)),
        "polls[1].options[2]",
        "is too long: 201 characters, at most 200",
    ),
    ("correct not an option", poll(0, correct="C"), "polls[1].correct", "must be exactly one of the options"),
    (
        "repeat of a later poll",
        poll(0, repeat_of=2),
        "polls[1].repeat_of",
        "must be the number (1 to 0) of an earlier poll",
    ),
    ("repeat of itself", poll(1, repeat_of=2), "polls[2].repeat_of", "must be the number (1 to 1) of an earlier poll"),
    (
        "repeat not a number",
        poll(1, repeat_of=True),
        "polls[2].repeat_of",
        "must be the number (1 to 1) of an earlier poll",
    ),
    ("no true value", poll(1, true_value=None), "polls[2].true_value", "is required"),
    ("true value not a number", poll(1, true_value=float("nan")), "polls[2].true_value", "must be a number"),
    ("min not a number", poll(1, min="low"), "polls[2].min", "must be a number"),
    ("min above max", poll(1, min=10, max=5), "polls[2].max", "must be greater than min"),
    ("true value outside", poll(1, true_value=50), "polls[2].true_value", "must lie between min and max"),
    ("long unit", poll(1, unit="u" * 41), "polls[2].unit", "is too long: 41 characters, at most 40"),
    ("too many polls", {"polls": (CHOICE,) * 201}, "polls", "has 201 items, at most 200"),
    ("blank wall prompt", {"wall_prompts": ("One", "")}, "wall_prompts", "must be a list of non-empty texts"),
    ("long wall prompt", {"wall_prompts": (LONG,)}, "wall_prompts[1]", "is too long: 501 characters, at most 500"),
    ("table number zero", table(number=0), "tables[1].number", "must be a whole number, 1 or more"),
    ("table number twice", {"tables": VALID.tables * 2}, "tables[2].number", "table 1 appears twice"),
    ("long table name", table(name="n" * 101), "tables[1].name", "is too long: 101 characters, at most 100"),
    ("vignette without title", vignette(title=""), "tables[1].vignettes[1].title", "is required"),
    (
        "long story",
        vignette(story="s" * 10_001),
        "tables[1].vignettes[1].story",
        "is too long: 10,001 characters, at most 10,000",
    ),
    (
        "long discussion prompt",
        vignette(prompts=(LONG,)),
        "tables[1].vignettes[1].prompts[1]",
        "is too long: 501 characters, at most 500",
    ),
    (
        "evaluation kind missing",
        {"evaluation": (EvaluationItemSpec(None, "Q"),)},
        "evaluation[1].kind",
        "must be one of score, likert, text",
    ),
    ("evaluation text blank", {"evaluation": (EvaluationItemSpec("score", ""),)}, "evaluation[1].text", "is required"),
    ("same theme twice", {"themes": ("Who", "who")}, "themes", "has the same theme twice"),
    ("long theme", {"themes": ("t" * 101,)}, "themes[1]", "is too long: 101 characters, at most 100"),
]


def test_the_valid_spec_has_no_problems():
    assert problems(tidy(VALID)) == [] and checked(VALID) == VALID


def test_each_problem_is_named_by_its_field():
    wrong = []
    for name, changes, field, message in CASES:
        found = [(e.field, e.message) for e in problems(tidy(replace(VALID, **changes)))]
        expected = [(field, message)] if field else []
        if found != expected:
            wrong.append(f"{name}: expected {expected}, found {found}")
    assert not wrong, "\n".join(wrong)


def test_every_problem_is_reported_at_once_without_line_numbers():
    spec = replace(VALID, code="", title="", **poll(0, kind="quiz", options=()))
    with pytest.raises(EventFileError) as err:
        checked(spec)
    assert [str(e) for e in err.value.errors] == [
        "code: is required",
        "title: is required",
        "polls[1].kind: must be one of choice, estimate",
        "polls[1].options: needs at least two options",
        "polls[1].correct: must be exactly one of the options",
    ]


TIDY = [
    # (what is tidied, the changed fields, the fields as saved)
    (
        "code in capitals, texts trimmed",
        {"code": " abc1 ", "title": "  An event  ", "venue": " Hall\n"},
        {"code": "ABC1", "title": "An event", "venue": "Hall"},
    ),
    (
        "address normalised",
        settings(public_base_url=" Events.Example.org/fife/ "),
        settings(public_base_url="http://events.example.org/fife"),
    ),
    (
        "whole numbers as integers",
        settings(retention_days=30.0, expected_attendance=60.0),
        settings(retention_days=30, expected_attendance=60),
    ),
    ("blank correct is none", poll(0, correct=" "), poll(0, correct=None)),
    ("options trimmed", poll(0, options=(" A ", "B\t"), correct=" A"), poll(0, options=("A", "B"), correct="A")),
    ("a choice keeps no estimate fields", poll(0, true_value=3, min=1, max=9, unit="%"), poll(0)),
    ("an estimate keeps no choice fields", poll(1, options=("A", "B"), correct="A"), poll(1)),
    ("table name by default", table(name=" "), table(name="Table 1")),
    ("vignette trimmed", vignette(title=" A case ", prompts=(" What now? ",)), vignette()),
    ("evaluation text trimmed", {"evaluation": (EvaluationItemSpec("text", " Anything else? "),)}, {}),
]


def test_what_people_typed_is_tidied_before_it_is_saved():
    wrong = []
    for name, changes, saved in TIDY:
        got, want = checked(replace(VALID, **changes)), replace(VALID, **saved)
        if got != want:
            wrong.append(f"{name}: {got} != {want}")
    assert not wrong, "\n".join(wrong)


def test_the_demo_is_unchanged_by_the_check(demo_spec):
    assert checked(demo_spec) == demo_spec


def test_the_editor_checks_without_the_event_file(demo, monkeypatch):
    """No YAML round trip: the editor saves with the event file's reader and writer unavailable."""
    store, event = demo

    def no_yaml(*args, **kwargs):
        raise AssertionError("the editor went through YAML")

    for name in ("dump", "safe_dump", "compose", "safe_load", "load"):
        monkeypatch.setattr(yaml, name, no_yaml)
    spec = event_editing.with_details(store.export_spec(event.id), {"title": " Renamed "}, {"retention_days": 30})
    saved = event_editing.save(store, event.id, spec)
    assert saved.title == store.get_event(event.id).title == "Renamed"
    with pytest.raises(EventFileError, match=r"^polls\[1\]\.correct: must be exactly one of the options$"):
        event_editing.save(store, event.id, event_editing.put_poll(saved, 0, replace(saved.polls[0], correct="No")))
