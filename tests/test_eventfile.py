"""eventkit.event.file: parsing, validating and writing the YAML event file."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from eventkit.access.security import verify_passcode
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.event.file import EventFileError, dump_event_file, load_event_file, parse_event_file
from eventkit.event.spec import EventSpec, PollSpec, SettingsSpec, TableSpec
from tests.engines import integrity_error
from tests.every import assert_every

DISCUSSION = [
    "How might case workers engage with this person?",
    "What services could offer support?",
    "How could partners better work together to share knowledge or data?",
    "What could have been done to prevent or mitigate the situation?",
]


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# -- the demo file ---------------------------------------------------------


def test_demo_header(demo_spec):
    assert demo_spec.code == "FIFE16"
    assert demo_spec.title == "Strengthening partnerships for a Fairer Fife"
    assert demo_spec.date == "2016-05-18"
    assert demo_spec.venue == "Kirkcaldy"
    assert demo_spec.welcome.startswith("Welcome to Strengthening partnerships")
    assert not demo_spec.welcome.endswith("\n")
    assert verify_passcode(DEMO_PASSCODE, demo_spec.facilitator_passcode_hash)
    assert DEMO_PASSCODE not in demo_spec.facilitator_passcode_hash
    assert demo_spec.settings == SettingsSpec(premoderate=False, word_filter=(), retention_days=180)
    assert demo_spec.themes == ("Referrals", "Resources", "Knowledge", "Data protection", "Who")


def test_demo_polls(demo_spec):
    polls = demo_spec.polls
    assert len(polls) >= 5
    kinds = [p.kind for p in polls]
    assert "estimate" in kinds and "choice" in kinds
    for p in polls:
        assert p.question and p.source
        if p.kind == "choice":
            assert len(p.options) >= 2
            assert p.correct is None or p.correct in p.options
        else:
            assert p.min < p.max
            assert p.min <= p.true_value <= p.max
        if p.repeat_of:
            assert polls[p.repeat_of - 1].question == p.question
    assert polls[0].correct == "More than four in five"
    sanction_share = next(p for p in polls if p.kind == "estimate" and p.unit == "%")
    assert sanction_share.true_value == 84


def test_demo_wall_tables_and_evaluation(demo_spec):
    assert len(demo_spec.wall_prompts) == 4
    assert demo_spec.wall_prompts[1] == "Advocacy services \u2013 How, why, where?"
    assert [t.number for t in demo_spec.tables] == [1, 2, 3, 4]
    for table in demo_spec.tables:
        assert table.name == f"Table {table.number}"
        assert len(table.vignettes) == 2
        for vignette in table.vignettes:
            assert vignette.title and len(vignette.story) > 200
            assert list(vignette.prompts) == DISCUSSION
    kinds = [item.kind for item in demo_spec.evaluation]
    assert {"score", "likert", "text"} == set(kinds)
    assert all(item.text for item in demo_spec.evaluation)


# -- round trips -----------------------------------------------------------


def assert_same_spec(got: EventSpec, want: EventSpec, *, passcode_hash: str) -> None:
    got_fields, want_fields = dataclasses.asdict(got), dataclasses.asdict(want)
    assert got_fields.pop("facilitator_passcode_hash") == passcode_hash
    want_fields.pop("facilitator_passcode_hash")
    for name in want_fields:
        assert got_fields[name] == want_fields[name], name


def test_demo_round_trip_through_store(store, demo_spec):
    event_id = store.import_event(demo_spec)
    stored_hash = store.facilitator_hash(event_id)
    assert verify_passcode(DEMO_PASSCODE, stored_hash)
    text = dump_event_file(store.export_spec(event_id))
    assert DEMO_PASSCODE not in text
    assert "discussion_prompts:" in text  # shared prompts are written once
    again = parse_event_file(text)
    assert_same_spec(again, demo_spec, passcode_hash=stored_hash)
    assert again == dataclasses.replace(demo_spec, facilitator_passcode_hash=stored_hash)


AWKWARD = yaml_text(
    """
    code: odd1
    title: "yes"
    subtitle: "123"
    venue: "- a dash: and a colon # and a hash"
    welcome: |
      Line one with 'quotes' and "doubles".

      Line three \u2013 with unicode \u00e9\U0001f44d.
    settings:
      premoderate: true
      word_filter: [badword, worse word]
      retention_days: 30
      public_base_url: https://events.example.org
    polls:
      - question: "Pick: one?"
        options: ["true", "null", "0.5", "~"]
        correct: "null"
      - kind: estimate
        question: Fractional
        true_value: 2.5
        min: -1.5
        max: 10
        unit: "%"
      - kind: estimate
        question: Unbounded
        true_value: 0
      - question: "Pick: one?"
        options: ["true", "null", "0.5", "~"]
        repeat_of: 1
    wall_prompts: ["#1 idea", "@everyone"]
    discussion_prompts: [Shared prompt]
    tables:
      - number: 3
        vignettes:
          - title: Own prompts
            prompts: [Only mine, And this]
          - title: Shared ones
      - number: 7
        name: The far table
        vignettes: []
    evaluation:
      - kind: likert
        text: "Agree?"
      - kind: text
        text: Anything else?
    themes: []
    """
)


def test_awkward_values_round_trip_through_dump():
    spec = parse_event_file(AWKWARD)
    assert spec.code == "ODD1" and spec.title == "yes" and spec.subtitle == "123"
    assert spec.polls[0].correct == "null"
    assert spec.tables[0].vignettes[1].prompts == ("Shared prompt",)
    assert spec.tables[1].name == "The far table"
    assert parse_event_file(dump_event_file(spec)) == spec


def test_awkward_values_round_trip_through_store(store):
    spec = parse_event_file(AWKWARD)
    event_id = store.import_event(spec)
    again = parse_event_file(dump_event_file(store.export_spec(event_id)))
    assert again == spec


# -- invalid files -----------------------------------------------------------

HEAD = "code: TEST1\ntitle: A test\n"
DEFAULT_SETTINGS = SettingsSpec(premoderate=False, word_filter=(), retention_days=180)

INVALID = [
    # (id, text, field path, line)
    ("missing title", "code: TEST1\nvenue: Hall\n", "title", 1),
    ("missing title after comments", "# my event\n\ncode: TEST1\nvenue: Hall\n", "title", 3),
    ("empty title", "code: TEST1\ntitle:\nvenue: Hall\n", "title", 2),
    ("missing code", "title: A test\n", "code", 1),
    ("code too short", "title: A test\ncode: ab\n", "code", 2),
    ("code with punctuation", "title: A test\nvenue: Hall\ncode: FIFE-16\n", "code", 3),
    ("unknown top-level key", HEAD + "venu: Hall\n", "venu", 3),
    ("unknown key that is a number", HEAD + "2016: Fife\n", "2016", 3),
    ("unknown key with a block value", HEAD + "extras:\n  colour: red\n  size: 3\n", "extras", 3),
    (
        "correct not among options",
        HEAD + "polls:\n  - question: Pick\n    options: [Red, Blue]\n    correct: Green\n",
        "polls[1].correct",
        6,
    ),
    ("one option", HEAD + "polls:\n  - question: Pick\n    options: [Red]\n", "polls[1].options", 5),
    ("same option twice", HEAD + "polls:\n  - question: Pick\n    options: [Red, Red]\n", "polls[1].options", 5),
    ("poll without question", HEAD + "polls:\n  - options: [Red, Blue]\n", "polls[1].question", 4),
    ("unknown poll kind", HEAD + "polls:\n  - kind: quiz\n    question: Q\n", "polls[1].kind", 4),
    (
        "estimate without true_value",
        HEAD + "polls:\n  - question: Pick\n    options: [Red, Blue]\n"
        "  - kind: estimate\n    question: How many?\n    min: 0\n",
        "polls[2].true_value",
        6,
    ),
    (
        "estimate with text true_value",
        HEAD + "polls:\n  - kind: estimate\n    question: How many?\n    true_value: lots\n",
        "polls[1].true_value",
        6,
    ),
    (
        "estimate with NaN true_value",
        HEAD + "polls:\n  - kind: estimate\n    question: How many?\n    true_value: .nan\n",
        "polls[1].true_value",
        6,
    ),
    (
        "estimate min equal to max",
        HEAD + "polls:\n  - kind: estimate\n    question: Q\n    true_value: 5\n    min: 10\n    max: 10\n",
        "polls[1].max",
        8,
    ),
    (
        "estimate min above max",
        HEAD + "polls:\n  - kind: estimate\n    question: Q\n    true_value: 5\n    min: 10\n    max: 1\n",
        "polls[1].max",
        8,
    ),
    (
        "true_value outside range",
        HEAD + "polls:\n  - kind: estimate\n    question: Q\n    true_value: 500\n    min: 0\n    max: 100\n",
        "polls[1].true_value",
        6,
    ),
    (
        "repeat_of pointing forward",
        HEAD + "polls:\n  - question: A\n    options: [x, y]\n    repeat_of: 2\n  - question: B\n    options: [x, y]\n",
        "polls[1].repeat_of",
        6,
    ),
    (
        "repeat_of pointing at itself",
        HEAD + "polls:\n  - question: A\n    options: [x, y]\n  - question: B\n    options: [x, y]\n    repeat_of: 2\n",
        "polls[2].repeat_of",
        8,
    ),
    ("polls not a list", HEAD + "polls:\n  question: A\n", "polls", 3),
    ("poll not a mapping", HEAD + "polls:\n  - Just a question?\n", "polls[1]", 4),
    ("wall prompts with a blank", HEAD + "wall_prompts:\n  - One\n  - ''\n", "wall_prompts", 3),
    (
        "duplicate table numbers",
        HEAD + "tables:\n  - number: 1\n  - number: 2\n  - number: 1\n",
        "tables[3].number",
        6,
    ),
    ("table number zero", HEAD + "tables:\n  - number: 0\n", "tables[1].number", 4),
    ("table number a list", HEAD + "tables:\n  - number: [1]\n  - number: 1\n", "tables[1].number", 4),
    ("table number a mapping", HEAD + "tables:\n  - number: {a: 1}\n", "tables[1].number", 4),
    (
        "vignette without title",
        HEAD + "tables:\n  - number: 1\n    vignettes:\n      - title: One\n      - story: No title\n",
        "tables[1].vignettes[2].title",
        7,
    ),
    (
        "vignettes not a list",
        HEAD + "tables:\n  - number: 1\n    vignettes: A story\n",
        "tables[1].vignettes",
        5,
    ),
    (
        "vignette not a mapping",
        HEAD + "tables:\n  - number: 1\n    vignettes:\n      - A story\n",
        "tables[1].vignettes[1]",
        6,
    ),
    (
        "eval item with bad kind",
        HEAD + "evaluation:\n  - kind: score\n    text: Overall\n  - kind: stars\n    text: Speakers\n",
        "evaluation[2].kind",
        6,
    ),
    ("eval item without text", HEAD + "evaluation:\n  - kind: text\n", "evaluation[1].text", 4),
    ("settings key misspelt", HEAD + "settings:\n  premoderat: true\n", "settings.premoderat", 4),
    ("premoderate not a boolean", HEAD + "settings:\n  premoderate: 'no'\n", "settings.premoderate", 4),
    ("poll key misspelt", HEAD + "polls:\n  - question: Q\n    options: [a, b]\n    corect: a\n", "polls[1].corect", 6),
    ("table key misspelt", HEAD + "tables:\n  - number: 1\n    vignette: []\n", "tables[1].vignette", 5),
    (
        "vignette key misspelt",
        HEAD + "tables:\n  - number: 1\n    vignettes:\n      - title: T\n        stroy: Once\n",
        "tables[1].vignettes[1].stroy",
        7,
    ),
    ("eval item key misspelt", HEAD + "evaluation:\n  - kind: text\n    txt: Q\n", "evaluation[1].txt", 5),
    ("settings not a mapping", HEAD + "settings: [premoderate]\n", "settings", 3),
    ("retention not whole", HEAD + "settings:\n  retention_days: 1.5\n", "settings.retention_days", 4),
    ("retention zero", HEAD + "settings:\n  retention_days: 0\n", "settings.retention_days", 4),
    ("retention infinite", HEAD + "settings:\n  retention_days: .inf\n", "settings.retention_days", 4),
    ("word filter not a list", HEAD + "settings:\n  word_filter: rude\n", "settings.word_filter", 4),
    ("short passcode", HEAD + "facilitator_passcode: abc\n", "facilitator_passcode", 3),
    ("title not text", "code: TEST1\ntitle: [A, B]\n", "title", 2),
    ("same theme twice", HEAD + "themes: [Who, who]\n", "themes", 3),
    ("not YAML: unclosed bracket", "code: TEST1\ntitle: [unclosed\nvenue: x\n", "file", 3),
    ("not YAML: tab indent", "code: TEST1\n\ttitle: x\n", "file", 2),
    ("not YAML: two documents", "code: A\n---\ncode: B\n", "file", 2),
    ("top level a list", "- code: TEST1\n- title: A test\n", "file", 1),
    ("top level a list after comments", "# event\n# file\n- code: TEST1\n", "file", 3),
    ("top level plain text", "Just some words\n", "file", 1),
    ("empty file", "", "file", 1),
    ("the same field twice (the last would win)", HEAD + "title: Another title\n", "file", 3),
    ("the same key twice in a poll", HEAD + "polls:\n  - question: A\n    question: B\n", "file", 5),
]


def test_invalid_file():
    """Every mistake in INVALID is refused, naming its field and line."""

    def check(text, field, line):
        with pytest.raises(EventFileError) as info:
            parse_event_file(text)
        found = [(e.field, e.line) for e in info.value.errors]
        assert (field, line) in found, str(info.value)
        assert f"{field} (line {line}):" in str(info.value)

    assert_every(INVALID, check)


def test_every_problem_is_reported_at_once():
    text = "title: A test\nextra: 1\npolls:\n  - kind: quiz\n  - kind: estimate\n    question: Q\n"
    with pytest.raises(EventFileError) as info:
        parse_event_file(text)
    assert [(e.field, e.line) for e in info.value.errors] == [
        ("extra", 2),
        ("code", 1),
        ("polls[1].kind", 4),
        ("polls[1].question", 4),
        ("polls[1].options", 4),
        ("polls[2].true_value", 5),
    ]


def test_event_file_error_is_a_value_error():
    assert issubclass(EventFileError, ValueError)


@pytest.mark.parametrize(
    "text,expected",
    [
        (HEAD, {"code": "TEST1", "title": "A test", "polls": (), "tables": ()}),
        ("code: fife16\ntitle: '  padded  '\n", {"code": "FIFE16", "title": "padded"}),
        ("code: 2016\ntitle: Numbers\ndate: 2016-05-18\n", {"code": "2016", "date": "2016-05-18"}),
        (HEAD + "tables:\n  - number: 2\n", {"tables": (TableSpec(number=2, name="Table 2", vignettes=()),)}),
        (HEAD + "settings:\n  premoderate:\n", {"settings": DEFAULT_SETTINGS}),
        (
            HEAD + "settings:\n  premoderate: yes\n",
            {"settings": dataclasses.replace(DEFAULT_SETTINGS, premoderate=True)},
        ),
        (
            HEAD + "settings:\n  retention_days: 30\n",
            {"settings": dataclasses.replace(DEFAULT_SETTINGS, retention_days=30)},
        ),
    ],
)
def test_minimal_valid_files(text, expected):
    spec = parse_event_file(text)
    for name, value in expected.items():
        assert getattr(spec, name) == value


def test_plain_passcode_is_hashed_when_saved_and_hash_kept(store):
    text = HEAD + "facilitator_passcode: open sesame\n"
    spec = parse_event_file(text)
    assert parse_event_file(text) == spec, "the same file gives the same spec"
    assert (spec.facilitator_passcode, spec.facilitator_passcode_hash) == ("open sesame", "")
    saved = store.export_spec(store.import_event(spec))
    assert verify_passcode("open sesame", saved.facilitator_passcode_hash) and saved.facilitator_passcode == ""
    again = parse_event_file(HEAD + f"facilitator_passcode_hash: {saved.facilitator_passcode_hash}\n")
    assert again.facilitator_passcode_hash == saved.facilitator_passcode_hash


def test_the_yaml_is_parsed_once(monkeypatch):
    """One YAML parse gives both the node tree (for line numbers) and the data."""
    import yaml

    made = []
    real = yaml.SafeLoader.__init__

    def counting(self, stream):
        made.append(stream)
        real(self, stream)

    monkeypatch.setattr(yaml.SafeLoader, "__init__", counting)
    parse_event_file(HEAD + "venue: Hall\n")
    assert len(made) == 1, f"parsed {len(made)} times"


def test_load_event_file_reads_utf8(tmp_path):
    path = tmp_path / "event.yaml"
    path.write_text(HEAD + "venue: Caf\u00e9 \U0001f3f4\n", encoding="utf-8")
    assert load_event_file(path).venue == "Caf\u00e9 \U0001f3f4"


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "event.yaml"
    path.write_bytes((HEAD + "venue: Caf\u00e9\n").encode("latin-1"))
    with pytest.raises(EventFileError, match=r"file \(line 3\): is not UTF-8 text \(byte 0xE9\): save it as UTF-8"):
        load_event_file(path)


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "event.yaml"
    path.write_bytes(("\ufeff" + HEAD).encode("utf-8"))
    assert load_event_file(path).code == "TEST1"


def test_a_field_given_twice_names_both_lines():
    with pytest.raises(EventFileError) as info:
        parse_event_file(HEAD + "title: Another title\n")
    assert str(info.value).endswith("“title” is given twice (lines 2 and 3): keep one"), str(info.value)


# -- nothing is imported from a bad file --------------------------------------


def test_invalid_file_imports_nothing(store, demo_spec):
    good = dump_event_file(demo_spec)
    bad = good + "tables_extra: oops\n"  # every other field is fine
    with pytest.raises(EventFileError) as info:
        store.import_event(parse_event_file(bad))
    assert "tables_extra" in str(info.value)
    assert store.list_events() == []


def test_failed_import_rolls_back(store, monkeypatch):
    """The polls are written before the tables: a failure at the tables leaves no poll behind."""
    from eventkit.storage import editing

    spec = parse_event_file(HEAD + "polls:\n  - question: Q\n    options: [a, b]\n")

    def fails(db, event_id, tables):
        db.execute("INSERT INTO event_tables (event_id, number, name) VALUES (?, 1, 'a'), (?, 1, 'b')", [event_id] * 2)

    monkeypatch.setattr(editing, "_sync_tables", fails)
    with pytest.raises(integrity_error(store)):
        store.import_event(spec)
    assert store.list_events() == []
    with store.read() as db:
        assert db.execute("SELECT COUNT(*) FROM polls").fetchone()[0] == 0


def test_the_store_checks_what_it_imports_and_updates(store):
    """import_event and update_event run the one check themselves: no caller can save an unchecked spec."""
    spec = parse_event_file(HEAD + "polls:\n  - question: Q\n    options: [a, b]\n")
    broken = dataclasses.replace(spec, tables=(TableSpec(number=1), TableSpec(number=1)))
    with pytest.raises(EventFileError, match="table 1 appears twice"):
        store.import_event(broken)
    assert store.list_events() == []
    event_id = store.import_event(dataclasses.replace(spec, code=" test2 ", title=" A test "))
    assert (store.get_event(event_id).code, store.get_event(event_id).title) == ("TEST2", "A test"), "tidied"
    with pytest.raises(EventFileError, match="polls"):
        store.update_event(event_id, dataclasses.replace(spec, code="TEST2", polls=(PollSpec("Q2", options=("a",)),)))
    with pytest.raises(EventFileError, match="code"):
        store.update_event(event_id, dataclasses.replace(spec, code="no!"))
    with pytest.raises(EventFileError, match="code"):
        store.duplicate_event(event_id, "x")
    assert [e.code for e in store.list_events()] == ["TEST2"]
    assert store.export_spec(event_id).polls == spec.polls, "nothing of a refused update was written"
