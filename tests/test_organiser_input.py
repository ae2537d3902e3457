"""Organiser input checked as carefully as attendee input (issue 12, §5).

The public address is normalised the same way at every entry point; the
projector and the printed cards encode the same join link, built once; staff
are warned when that link only works on this computer; every organiser text
and list has a limit with a clear message; deep YAML is a message, not a crash.
"""

from __future__ import annotations

import ast
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from eventkit import ui
from eventkit.cli import main as cli
from eventkit.event import check as spec_check
from eventkit.event import editing as event_editing
from eventkit.event import limits, links
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.event.file import EventFileError, dump_event_file, parse_event_file
from eventkit.outputs import qrsheet
from tests.app_pages import open_page, open_signed_in
from tests.every import assert_every, labelled

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = "code: ABC1\ntitle: A title\n"


# --- The public address ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, saved",
    [
        ("192.168.1.20:8501", "http://192.168.1.20:8501"),  # no scheme: http:// is added
        ("http://192.168.1.20:8501/", "http://192.168.1.20:8501"),
        (" HTTPS://Events.Example.ORG/fife/ ", "https://events.example.org/fife"),  # a reverse proxy's folder is kept
        ("https://events.example.org", "https://events.example.org"),
        ("[fe80::1]:8501", "http://[fe80::1]:8501"),
        ("http://münchen.example:8501", "http://xn--mnchen-3ya.example:8501"),
        # IPv4 as browsers also read it (decimal, hex, octal, short): saved as the address phones open
        ("http://2130706433:8501", "http://127.0.0.1:8501"),
        ("http://0x7f000001:8501", "http://127.0.0.1:8501"),
        ("http://0177.0.0.1:8501", "http://127.0.0.1:8501"),
        ("http://127.1:8501", "http://127.0.0.1:8501"),
        ("http://3232235796:8501", "http://192.168.1.20:8501"),
        ("http://cafe.example:8501", "http://cafe.example:8501"),  # hex letters in a host name: a name
    ],
)
def test_a_public_address_is_normalised(typed, saved):
    assert links.normalise_base_url(typed) == saved


UNUSABLE_ADDRESSES = [  # (typed, what the refusal says)
    ("", "Please enter"),
    ("ftp://files.example.org", "http:// or https://"),
    ("javascript:alert(1)", "not a web address"),
    ("file:///etc/passwd", "http:// or https://"),
    ("http://", "no host name"),
    ("http://host:99999", "not a web address"),
    ("http://10.0.0.9:0", "the port must be a number from 1 to 65535"),
    ("http://a b.org", "spaces"),
    ("http://x.org\u202e", "invisible"),
    ("http://user:secret@x.org", "user name or password"),
    ("http://x.org/?event=FIFE16", "without ?"),
    ("http://x.org/#top", "without ?"),
    ("http://x.org/projector", "without the page"),
    ("http://x.org:8501/organiser-qr", "without the page"),
    ("http://x.org/a%20b", "only have a folder"),
    ("http://x.org/../admin", "only have a folder"),
    ("http://under_score.org", "not a host name"),
    ("http://" + "a" * 250 + ".org", "too long"),
]


def test_an_unusable_public_address_is_refused_with_the_reason():
    def check(typed, why):
        with pytest.raises(links.AddressError, match=why.replace("?", r"\?")):
            links.normalise_base_url(typed)

    assert_every(labelled(UNUSABLE_ADDRESSES), check)


def _through_event_file(store, event, typed):
    spec = parse_event_file(MINIMAL + f"settings:\n  public_base_url: '{typed}'\n")
    return spec.settings.public_base_url


def _through_editor(store, event, typed):
    spec = store.export_spec(event.id)
    event_editing.save(store, event.id, event_editing.with_details(spec, {}, {"public_base_url": typed}))
    return store.get_event(event.id).public_base_url


def _through_cli(store, event, typed, tmp_path=None):
    with tempfile.TemporaryDirectory(prefix="eventkit-qr-") as out:  # not beside the database: it may be a URL
        if cli.main(["--db", store.path, "qr-sheet", event.code, "-o", out, "--base-url", typed]) != 0:
            raise links.AddressError("refused")
    return store.get_event(event.id).public_base_url


ENTRY_POINTS = {"event file": _through_event_file, "editor": _through_editor, "qr-sheet --base-url": _through_cli}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_normalises_and_refuses_alike(demo, entry):
    store, event = demo
    through = ENTRY_POINTS[entry]
    assert through(store, event, "192.168.1.20:8501/") == "http://192.168.1.20:8501"
    for bad in ("ftp://x.org", "http://x.org/?event=ABC1", "http://x.org/projector"):
        with pytest.raises((links.AddressError, EventFileError)):
            through(store, event, bad)
    assert store.get_event(event.id).public_base_url in ("", "http://192.168.1.20:8501")


def test_the_event_file_names_the_field_and_line_of_a_bad_address():
    with pytest.raises(EventFileError) as err:
        parse_event_file(MINIMAL + "settings:\n  public_base_url: ftp://x.org\n")
    assert str(err.value) == "settings.public_base_url (line 4): The address must start with http:// or https://."


def test_the_qr_page_normalises_refuses_and_never_renders_the_typed_address_as_markdown(app_db):
    store, event = app_db
    at = open_signed_in("pages/organiser_qr.py")
    at.text_input[0].input("**bold**.example.org/[x](javascript:alert(1))")
    at.button[0].click().run()
    assert not at.exception and len(at.error) == 1
    assert "\\*\\*bold\\*\\*" in at.error[0].value  # escaped: shown as typed, never bold or a link
    assert store.get_event(event.id).public_base_url == ""
    at.text_input[0].input("10.1.2.3:8501/")
    at.button[0].click().run()
    assert store.get_event(event.id).public_base_url == "http://10.1.2.3:8501"


# --- One join link and one QR builder: the projector and the cards agree ---------------------


def test_qr_codes_are_built_in_one_place_only():
    builders = []
    for path in (ROOT / "eventkit").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            imported = (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "qrcode" for a in node.names)) or (
                isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "qrcode"
            )
            if imported:
                builders.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(builders)) == ["eventkit/event/links.py"]


def _projector_join_text(event_code: str) -> str:
    at = open_page("pages/projector.py", event=event_code)
    assert not at.exception
    return next(t.value for t in at.text if "event=" in t.value)


@pytest.mark.parametrize("saved", ["", "https://events.example.org/fife"])
def test_the_projector_shows_the_join_link_the_printed_card_encodes(app_db, saved):
    store, event = app_db
    if saved:
        store.set_public_base_url(event.id, saved)
    event = store.get_event(event.id)
    card = qrsheet.make_cards(links.public_base(event.public_base_url)[0], event, [])[0]
    assert _projector_join_text(event.code) == card.url
    assert card.url == f"{saved or links.suggest_base_url()}/?event={event.code}"


def test_a_saved_address_without_a_scheme_still_gives_phones_a_working_link(app_db):
    store, event = app_db
    store.set_public_base_url(event.id, "192.168.1.20:8501")  # saved by an older version, unchecked
    assert _projector_join_text(event.code) == "http://192.168.1.20:8501/?event=FIFE16"


@pytest.fixture
def no_network(monkeypatch):
    """This machine has no LAN address: the suggested address is localhost."""
    monkeypatch.setattr(links, "lan_address", lambda: "localhost")


def test_staff_are_warned_when_the_qr_code_points_at_this_computer(app_db, no_network):
    store, event = app_db
    panel = open_page("pages/facilitator.py", password=DEMO_PASSCODE, event=event.code)
    assert any("only works on this computer" in w.value for w in panel.warning)
    qr_page = open_signed_in("pages/organiser_qr.py")
    assert any("only works on this computer" in w.value for w in qr_page.warning)
    projector = open_page("pages/projector.py", event=event.code)
    assert any("only works on this computer" in c.value for c in projector.caption)  # small, pointing to the panel
    assert not projector.warning and not projector.error

    store.set_public_base_url(event.id, "http://192.168.1.20:8501")
    ui.reads().expire_all()
    panel.run()
    assert not any("only works on this computer" in w.value for w in panel.warning)
    projector.run()
    assert not any("only works on this computer" in c.value for c in projector.caption)


def test_behind_eventkit_serve_the_suggested_address_uses_the_port_phones_reach(monkeypatch):
    monkeypatch.setattr(links, "lan_address", lambda: "192.168.1.20")
    assert links.suggest_base_url(41234) == "http://192.168.1.20:41234"  # `streamlit run` on its own port
    monkeypatch.setenv(links.PUBLIC_PORT_ENV, "8501")  # `eventkit serve`: a worker's port is private
    assert links.suggest_base_url(41234) == "http://192.168.1.20:8501"


@pytest.mark.parametrize(
    "saved, note",
    [
        ("", "No public address is saved"),
        ("ftp://old.example.org", "is not usable"),
        ("http://localhost:8501", "only works on this computer"),
        ("http://127.0.0.1:8501", "only works on this computer"),
        ("http://[::1]:8501", "only works on this computer"),
        ("http://0.0.0.0:8501", "only works on this computer"),
        ("http://[::ffff:127.0.0.1]:8501", "only works on this computer"),
        ("http://2130706433:8501", "only works on this computer"),  # saved before addresses were normalised
        ("http://0x7f000001:8501", "only works on this computer"),
        ("http://localhost.:8501", "only works on this computer"),
        ("http://192.168.1.20:8501", ""),
        ("http://cafe.example:8501", ""),
    ],
)
def test_the_note_for_staff_about_the_qr_address(saved, note):
    base, said = links.public_base(saved, 8501)
    assert (note in said) if note else said == ""
    assert links.normalise_base_url(base) == base


# --- Length limits on every organiser field --------------------------------------------------


def _file_with(path: str, value: str) -> str:
    """A valid event file with one field set to value (path as in FIELD_PATHS)."""
    long = value.replace("'", "''")
    docs = {
        "title": f"code: ABC1\ntitle: '{long}'\n",
        "subtitle": f"{MINIMAL}subtitle: '{long}'\n",
        "venue": f"{MINIMAL}venue: '{long}'\n",
        "welcome": f"{MINIMAL}welcome: '{long}'\n",
        "polls[1].question": f"{MINIMAL}polls:\n  - question: '{long}'\n    options: [A, B]\n",
        "polls[1].options[2]": f"{MINIMAL}polls:\n  - question: Q\n    options: [A, '{long}']\n",
        "polls[1].fact": f"{MINIMAL}polls:\n  - question: Q\n    options: [A, B]\n    fact: '{long}'\n",
        "polls[1].source": f"{MINIMAL}polls:\n  - question: Q\n    options: [A, B]\n    source: '{long}'\n",
        "polls[1].unit": f"{MINIMAL}polls:\n  - kind: estimate\n    question: Q\n    true_value: 1\n    unit: '{long}'\n",
        "wall_prompts[1]": f"{MINIMAL}wall_prompts: ['{long}']\n",
        "tables[1].name": f"{MINIMAL}tables:\n  - number: 1\n    name: '{long}'\n",
        "tables[1].vignettes[1].title": f"{MINIMAL}tables:\n  - number: 1\n    vignettes:\n      - title: '{long}'\n",
        "tables[1].vignettes[1].story": f"{MINIMAL}tables:\n  - number: 1\n    vignettes:\n      - title: T\n        story: '{long}'\n",
        "tables[1].vignettes[1].prompts[1]": f"{MINIMAL}tables:\n  - number: 1\n    vignettes:\n      - title: T\n        prompts: ['{long}']\n",
        "evaluation[1].text": f"{MINIMAL}evaluation:\n  - kind: text\n    text: '{long}'\n",
        "themes[1]": f"{MINIMAL}themes: ['{long}']\n",
        "settings.word_filter[1]": f"{MINIMAL}settings:\n  word_filter: ['{long}']\n",
    }
    return docs[path]


FIELD_LIMITS = {  # field as the message names it -> its limit
    "title": 200,
    "subtitle": 300,
    "venue": 200,
    "welcome": 5000,
    "polls[1].question": 500,
    "polls[1].options[2]": 200,
    "polls[1].fact": 3000,
    "polls[1].source": 500,
    "polls[1].unit": 40,
    "wall_prompts[1]": 500,
    "tables[1].name": 100,
    "tables[1].vignettes[1].title": 200,
    "tables[1].vignettes[1].story": 10000,
    "tables[1].vignettes[1].prompts[1]": 500,
    "evaluation[1].text": 500,
    "themes[1]": 100,
    "settings.word_filter[1]": 100,
}


def test_every_organiser_text_has_a_limit_with_a_clear_message():
    problems = []
    for field, limit in FIELD_LIMITS.items():
        try:
            parse_event_file(_file_with(field, "x" * limit))  # at the limit: accepted
        except EventFileError as err:
            problems.append(f"{field}: {limit} characters refused: {err}")
        try:
            parse_event_file(_file_with(field, "x" * (limit + 1)))
            problems.append(f"{field}: {limit + 1} characters accepted")
        except EventFileError as err:
            expected = f"is too long: {limit + 1:,} characters, at most {limit:,}"
            if not any(str(e).startswith(field + " (line") and e.message == expected for e in err.errors):
                problems.append(f"{field}: {err}")
    assert not problems


def test_every_organiser_text_refuses_direction_overrides_and_keeps_right_to_left_text():
    """An RLO in a title would show reversed on every phone and the projector; Arabic and Hebrew need none."""
    rtl = "עברית עם English ومعها العربية ١٢٣"
    problems = []
    for field in FIELD_LIMITS:
        try:
            parse_event_file(_file_with(field, "evil\u202etxt.exe"))
            problems.append(f"{field}: a right-to-left override accepted")
        except EventFileError as err:
            expected = (
                "contains an invisible direction control (U+202E RIGHT-TO-LEFT OVERRIDE) that changes how it shows"
            )
            if not any(str(e).startswith(field + " (line") and e.message.startswith(expected) for e in err.errors):
                problems.append(f"{field}: {err}")
        try:
            parse_event_file(_file_with(field, rtl))
        except EventFileError as err:
            problems.append(f"{field}: right-to-left text refused: {err}")
    assert not problems


def test_the_editor_refuses_an_isolate_in_a_title_by_its_field(demo):
    store, event = demo
    spec = store.export_spec(event.id)
    with pytest.raises(EventFileError, match=r"title: contains an invisible direction control \(U\+2067 RIGHT-TO-LEFT"):
        spec_check.checked(replace(spec, title="\u2067Fife\u2069"))
    assert spec_check.checked(replace(spec, title="מפגש שותפויות")).title == "מפגש שותפויות"


@pytest.mark.parametrize(
    "field, items",
    [
        ("polls", [{"question": f"Q{i}", "options": ["A", "B"]} for i in range(201)]),
        ("wall_prompts", [f"Prompt {i}" for i in range(51)]),
        ("themes", [f"Theme {i}" for i in range(201)]),
    ],
)
def test_lists_have_a_limit_too(field, items):
    import yaml

    with pytest.raises(EventFileError, match=rf"{field} \(line \d+\): has {len(items)} items, at most"):
        parse_event_file(yaml.safe_dump({"code": "ABC1", "title": "T", field: items}))


FOUR_MB = "x" * (4 * 1024 * 1024)


def test_a_4_mb_title_is_refused_everywhere_at_once(demo):
    store, event = demo
    with pytest.raises(EventFileError, match=r"^file: is too big: 4,194,3\d\d characters, at most 1,000,000$"):
        parse_event_file(f"code: ABC1\ntitle: {FOUR_MB}\n")
    spec = store.export_spec(event.id)
    for make in (
        lambda: event_editing.save(store, event.id, replace(spec, title=FOUR_MB)),
        lambda: event_editing.new_event_spec("ABC1", FOUR_MB),
    ):
        with pytest.raises(EventFileError, match=r"^title: is too long: 4,194,304 characters, at most 200$"):
            make()
    assert store.get_event(event.id).title == spec.title


def test_the_editor_refuses_an_over_long_fact_by_its_field(demo):
    store, event = demo
    spec = store.export_spec(event.id)
    poll = replace(spec.polls[0], fact="f" * 3001)
    with pytest.raises(EventFileError) as err:
        event_editing.save(store, event.id, event_editing.put_poll(spec, 0, poll))
    assert [str(e) for e in err.value.errors] == ["polls[1].fact: is too long: 3,001 characters, at most 3,000"]


def test_the_demo_is_well_within_every_limit(demo_spec):
    assert spec_check.problems(demo_spec) == []
    assert len(dump_event_file(demo_spec)) < limits.MAX_FILE_CHARS / 20


# --- Deeply nested YAML -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "nesting, line",
    [
        (MINIMAL + "polls: " + "[" * 5000 + "]" * 5000 + "\n", 3),  # flow style, all on one line
        (MINIMAL + "settings:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(700)), 43),  # block style
        (MINIMAL + "tables: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", 3),
    ],
    ids=["flow", "block", "mappings"],
)
def test_deeply_nested_yaml_is_a_line_message_not_a_crash(nesting, line):
    with pytest.raises(EventFileError) as err:
        parse_event_file(nesting)
    assert [str(e) for e in err.value.errors] == [
        f"file (line {line}): is nested too deeply: more than {limits.MAX_DEPTH} lists or mappings inside "
        "each other (an event file needs at most 6)"
    ]


def test_importing_deep_yaml_on_the_command_line_says_where(store, tmp_path, capsys):
    path = tmp_path / "deep.yaml"
    path.write_text(MINIMAL + "polls: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert cli.main(["--db", store.path, "import", str(path)]) == 1
    assert "file (line 3): is nested too deeply" in capsys.readouterr().err
    assert store.list_events() == []


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_importing_deep_yaml_in_the_organiser_area_lists_the_problem(app_db):
    at = open_signed_in("pages/organiser.py")
    upload = MINIMAL.replace("ABC1", "DEEP1") + "polls: " + "[" * 5000 + "]" * 5000 + "\n"
    at.get("file_uploader")[0].set_value(("deep.yaml", upload.encode(), "application/x-yaml"))
    at.run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception
    assert any("file (line 3): is nested too deeply" in t.value for t in at.text)
