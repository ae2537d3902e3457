"""Pages: no stray "True" after organiser actions; Sign out; organiser text is never Markdown or HTML on a screen.

Issue 13: `ui.organiser_unlocked() or st.stop()` was an expression statement,
which Streamlit "magic" printed as a monospaced True after organiser actions.
Issue 12 §5: the event title and a poll's "Source:" caption rendered as
Markdown on phones. On the Streamlit screens organiser text in a title,
caption, alert, label or option goes through ui.plain (every Markdown
character escaped, addresses not linked); prose goes through st.text. The
phones' HTML pages escape it (Jinja2 autoescape) and render no Markdown.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from eventkit import ui
from eventkit.access import security
from eventkit.event import editing as event_editing
from eventkit.event.demo import DEMO_PASSCODE, ensure_demo
from eventkit.event.sample import populate_sample
from eventkit.storage import Store
from eventkit.ui import routes
from eventkit.web import store as web_store
from tests.app_pages import app_database, open_page
from tests.web_client import Phone, text_of, web_app

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "test-organiser-pw-staff"


@pytest.fixture
def db(tmp_path, monkeypatch):
    with app_database(tmp_path / "staff_pages.db", monkeypatch, admin_password=PASSWORD) as path:
        store = Store(path)
        event_id = ensure_demo(store)
        yield store, event_id


def _open(page: str, sign_in: bool = True, **params: str) -> AppTest:
    return open_page(page, password=PASSWORD if sign_in else None, **params)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _magic_output(at: AppTest) -> list[str]:
    """What magic would have printed for a bare `x or st.stop()`: a markdown, code or JSON 'True'."""
    shown = [str(getattr(e, "value", "")) for kind in ("markdown", "code", "json") for e in at.get(kind)]
    return [s for s in shown if s.strip().strip("`") == "True"]


# --- No stray "True" -------------------------------------------------------------------


def test_no_page_has_an_expression_statement_magic_would_print():
    """Every bare expression in a page is a call (or a docstring): magic prints nothing else."""
    found = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Expr) and not isinstance(node.value, (ast.Call, ast.Constant, ast.Await)):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert not found


def test_no_true_after_saving_themes_making_the_report_or_a_refused_edit(db):
    store, event_id = db
    populate_sample(store, event_id, n=6, seed=3)
    coding = _open("pages/organiser_coding.py")
    _button(coding, "Save themes").click().run()
    assert coding.toast and not _magic_output(coding)  # "Saved. … changed." after the rerun
    made = _open("pages/organiser_report.py")
    _button(made, "Make the report").click().run()
    assert made.get("link_button") and not _magic_output(made)
    editor = _open("pages/organiser_editor.py")
    title = next(t for t in editor.text_input if t.label == "Title")  # the event's, not a vignette's
    title.input("")
    _button(editor, "Save details").click().run()
    assert "Nothing was saved" in editor.error[0].value and not _magic_output(editor)
    events = _open("pages/organiser.py")
    assert not _magic_output(events) and not events.exception


# --- Sign out -----------------------------------------------------------------------------


def _sign_out_links(at: AppTest) -> list[str]:
    return [b.proto.url for b in at.get("link_button") if b.proto.label == "Sign out"]


def test_sign_out_is_the_servers_page_and_opening_no_streamlit_page_signs_out(db):
    """Issue 22: Sign out was a page that signed out on load (another site could open it).
    Now staff pages link to the server's page, whose button is a POST (tests/test_staff_routes.py)."""
    store, _ = db
    at = _open("pages/organiser_dashboard.py")
    token = at.session_state["ek_organiser"]
    assert _sign_out_links(at) == ["/staff/sign-out"]
    panel = open_page("pages/facilitator.py", password=DEMO_PASSCODE, event="FIFE16")
    assert panel.title[0].value == "Control panel"
    assert _sign_out_links(panel) == ["/staff/sign-out?event=FIFE16"]
    assert not any("sign_out" in file or url == "sign-out" for file, _, url in routes.PAGES)
    assert store.staff_pass(security.fingerprint(token)) is not None


# --- Organiser text is plain text on phones ------------------------------------------------

HOSTILE = {
    "title": "**Bold** title [x](javascript:alert(1))",
    "subtitle": "_sub_ <b>html</b> :red[red]",
    "question": "# Heading? $x^2$ www.evil.example",
    "option": "`code` option ~~struck~~",
    "source": "[Source](https://evil.example) and https://evil.example/x",
    "prompt": "1. listed > quoted :material/home:",
    "table": "Table <b>one</b>",
    "vignette": "Case [click](javascript:alert(2))",
    "item": "Rate **this** :smile:",
}
# Pieces of the hostile text that Markdown would act on: none may reach a Markdown element as is.
ACTIVE = [
    "[x]",
    "](",
    "<b>",
    ":red[",
    "# Heading",
    "$x^2$",
    "www.evil",
    "`code`",
    "~~",
    "https://",
    ":material/",
    "_sub_",
    ":smile:",
    "<b>one",
]
LINE_START_ACTIVE = ["1. listed"]  # a list only at the start of a line
MARKDOWN_KINDS = ("markdown", "caption", "title", "header", "subheader", "info", "success", "warning", "error", "toast")


@pytest.fixture
def hostile(db):
    store, event_id = db
    spec = store.export_spec(event_id)
    polls = list(spec.polls)
    first = next(i for i, p in enumerate(polls) if p.kind == "choice")
    options = (HOSTILE["option"], *polls[first].options[1:])
    polls[first] = replace(
        polls[first], question=HOSTILE["question"], options=options, correct=options[0], source=HOSTILE["source"]
    )
    tables = list(spec.tables)
    vignette = replace(tables[0].vignettes[0], title=HOSTILE["vignette"], prompts=(HOSTILE["prompt"],))
    tables[0] = replace(tables[0], name=HOSTILE["table"], vignettes=(vignette,))
    evaluation = (replace(spec.evaluation[0], text=HOSTILE["item"]), *spec.evaluation[1:])
    spec = replace(
        spec,
        title=HOSTILE["title"],
        subtitle=HOSTILE["subtitle"],
        polls=tuple(polls),
        tables=tuple(tables),
        wall_prompts=(HOSTILE["prompt"], *spec.wall_prompts[1:]),
        evaluation=evaluation,
    )
    event_editing.save(store, event_id, spec)
    return store, event_id, store.list_polls(event_id)[first]


def _markdown_strings(at: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown: element bodies, labels and radio options."""
    found = [str(e.value) for kind in MARKDOWN_KINDS for e in at.get(kind)]
    for kind in (
        "button",
        "radio",
        "text_area",
        "number_input",
        "selectbox",
        "checkbox",
        "expander",
        "page_link",
        "text_input",
    ):
        for element in at.get(kind):
            found.append(str(getattr(element, "label", "")))
            found.extend(str(o) for o in getattr(element, "options", []) if kind == "radio")
    return found


def _leaks(at: AppTest) -> list[str]:
    """Markdown strings with hostile text in them other than as ui.plain escaped it."""
    leaks = []
    for text in _markdown_strings(at):
        for hostile in HOSTILE.values():
            text = text.replace(ui.plain(hostile), "")
        leaks += [text for piece in ACTIVE if piece in text]
        leaks += [text for piece in LINE_START_ACTIVE if text.lstrip().startswith(piece)]
    return leaks


def _staff_screens() -> list[tuple[str, AppTest]]:
    return [
        ("sign-in", _open("pages/facilitator.py", False, event="FIFE16")),
        ("projector", _open("pages/projector.py", False, event="FIFE16")),
    ]


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_hostile_organiser_text_is_never_markdown_on_the_projector(hostile):
    store, event_id, poll = hostile
    store.set_live(event_id, "poll", poll.id)
    store.set_poll_state(poll.id, "revealed")
    problems = {}
    for name, at in _staff_screens():
        if at.exception or _leaks(at):
            problems[name] = (list(at.exception), _leaks(at))
    assert not problems


def _phone_screens(store: Store, event_id: int, poll) -> list[tuple[str, str]]:
    """(name, HTML) of every phone screen that shows organiser text, through the HTML pages."""
    phone = Phone(web_app(), "FIFE16")
    phone.join(table=1)
    screens = [("welcome", phone.now().text)]
    store.set_live(event_id, "poll", poll.id)
    store.set_poll_state(poll.id, "open")
    web_store.reads().expire_all()
    phone.vote(poll.id, poll.options[0].id)
    screens.append(("voted", phone.now().text))
    store.set_poll_state(poll.id, "revealed")
    web_store.reads().expire_all()
    screens.append(("revealed", phone.now().text))
    store.set_eval_open(event_id, True)
    web_store.reads().expire_all()
    scribe = store.participant_by_token(event_id, phone.client.cookies.get("ek_device")).id
    store.give_consent(store.table_by_number(event_id, 1).id, scribe)  # table notes are recorded only with consent
    store.add_table_note(store.table_by_number(event_id, 1).vignettes[0].id, scribe, HOSTILE["prompt"], "a note")
    for page in ("table", "wall", "feedback"):
        screens.append((page, phone.client.get(f"{phone.base}/{page}").text))
    return screens


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_hostile_organiser_text_is_shown_as_typed_and_inert_on_phones(hostile):
    """The HTML pages escape every organiser text (Jinja2 autoescape) and never render Markdown:
    it all shows as typed, and none of it becomes a tag or a link."""
    store, event_id, poll = hostile
    problems, shown = {}, ""
    for name, html in _phone_screens(store, event_id, poll):
        injected = [
            piece for piece in ("<b>", 'href="javascript', 'href="https://evil', "<script>alert") if piece in html
        ]
        if injected:
            problems[name] = injected
        shown += " " + text_of(html)
    assert not problems
    missing = [k for k, text in HOSTILE.items() if " ".join(text.split()) not in shown]
    assert not missing


MARKDOWN_SIGNIFICANT = set("\\`*_[]{}<>#|~$&")  # can open a construct anywhere in a line


def _every_markdown_character_escaped(text: str) -> bool:
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in MARKDOWN_SIGNIFICANT:
            return False
        i += 1
    return not re.match(r"\d+[.)]|[-+=]", text)  # nor a list marker or underline at the start


@pytest.mark.parametrize(
    "text",
    [
        *HOSTILE.values(),
        "plain words",
        "C:\\path\\file",
        "a@b.example",
        "mailto:x@y.example",
        "line one\nline two",
        "trailing \\",
        "1) first",
        "- dash",
        "Why? Because, (it's) fine!",
    ],
)
def test_plain_escapes_every_markdown_character(text):
    escaped = ui.plain(text)
    assert "\n" not in escaped and _every_markdown_character_escaped(escaped)
    # Without the escapes and the invisible joiners it is the text as typed (one line).
    assert re.sub(r"\\(.)", r"\1", escaped.replace("\u2060", "")) == " ".join(text.split())
    bare = escaped.replace("\\", "")
    assert not any(start in bare for start in ("www.", "http:", "https:", "mailto:", "@b"))


# --- Organiser downloads are the server's checked route, never a /media/ address ---------------


def test_every_export_is_a_link_to_the_route_that_checks_the_pass(db):
    """Streamlit serves a download button's bytes at /media/<hash> to anyone holding the link, also
    after Sign out (issue 22); every export is a link to GET /staff/download/…, which checks the
    organiser's pass at each fetch (tests/test_staff_downloads.py)."""
    at = _open("pages/organiser_exports.py")
    assert not at.exception and not at.get("download_button")
    links = {b.proto.label: b.proto.url for b in at.get("link_button")}
    served = [label for label, url in links.items() if url.startswith("/staff/download/")]
    assert len(served) >= 12, links
    assert links.get("Database backup (all events)", "/staff/download/backup") == "/staff/download/backup"


def test_plain_leaves_ordinary_punctuation_alone():
    # A label's accessible name is the string given: an escape would be read aloud ("today\?").
    for text in ("What did you find most useful today?", "Rate it (1-5): good, bad!", "It's 84% - really."):
        assert ui.plain(text) == text


# --- The index at `/` ---------------------------------------------------------------------------


@pytest.mark.usefixtures("through_the_router")  # through app.py's router, as the server runs it (tests/conftest.py)
def test_the_index_leads_to_the_phones_join_form_and_the_staff_areas(db):
    """`/` without ?event= is Streamlit's index (printed `/?event=` links never reach it: they are
    sent to the HTML pages first, tests/test_web_join.py)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Join an event"]
    assert [(b.proto.label, b.proto.url) for b in at.get("link_button")] == [("Type the event code", "/join")]
    assert [link.label for link in at.get("page_link")] == ["Facilitator control panel", "Organiser area"]
    assert not at.text_input  # nothing typed here: the HTML join form asks for the code
