"""The event report: reveals, escaping, no tokens, the CLI."""

from __future__ import annotations

import re
from html import escape

import pytest

from eventkit.cli import main as cli
from eventkit.event.sample import populate_sample
from eventkit.outputs import report
from eventkit.storage import Store

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def reported(db_dirs, demo_spec):
    """(store, event, html): a sampled day and its report, built once; the tests only read them."""
    store = Store(db_dirs("report") / "eventkit.db")
    event = store.get_event(store.import_event(demo_spec))
    populate_sample(store, event.id, n=12, seed=2)
    me = store.join(event.id, "report-secret-token-0001", 1)
    note = store.add_note(store.list_prompts(event.id)[0].id, me.id, HOSTILE)
    store.set_codings(event.id, "note", {str(note.id): [store.list_themes(event.id)[0].id]})
    return store, event, report.build_report(store, event.id)


def test_report_has_every_poll_reveal(reported):
    store, event, html = reported
    assert html.startswith("<!DOCTYPE html>")
    for poll in store.list_polls(event.id):
        assert escape(poll.source)[:40] in html and escape(poll.question)[:40] in html
    assert "More than four in five" in html and "395 thousand" in html
    assert "What delegates thought of the event" in html and "Analysis matrix" in html


def test_hostile_text_is_escaped(reported):
    _, _, html = reported
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_no_participant_tokens_or_hashes(reported):
    store, event, html = reported
    assert "report-secret-token" not in html and "sample2-" not in html
    from eventkit.access.security import token_hash

    assert token_hash(event.id, "report-secret-token-0001") not in html


def test_charts_are_inline_images_without_network(reported):
    _, _, html = reported
    pytest.importorskip("vl_convert")
    assert html.count('src="data:image/svg+xml;base64,') >= 8
    assert "http://" not in html.replace("http://www.w3.org", "") and "<script" not in html


def test_cli_report_writes_file(reported, tmp_path):
    store, event, _ = reported
    out = tmp_path / "r.html"
    assert cli.main(["--db", store.path, "report", "fife16", "-o", str(out)]) == 0
    assert "Strengthening partnerships" in out.read_text(encoding="utf-8")
    assert cli.main(["--db", store.path, "report", "NOPE", "-o", str(out)]) == 1


def test_evaluation_section_gives_responses_of_people_joined(reported):
    store, event, html = reported
    responses, joined = store.response_rate(event.id)
    assert joined > responses > 0
    assert f"{responses} of {joined} people who took part completed the evaluation" in html


def test_tables_repeat_their_header_and_charts_keep_their_heading_in_print(reported):
    """Every table has its header row in a <thead> (printed again on each page it reaches), and
    every chart sits with a heading in a block that is not split (.poll or .chart-block)."""
    html = reported[2]
    tables = re.findall(r"<table>(.*?)</table>", html, re.S)
    assert tables and all(t.startswith("<thead>") for t in tables)
    css = report.CSS.read_text(encoding="utf-8")
    assert re.search(r"thead\s*{\s*display:\s*table-header-group", css)
    assert re.search(r"\.chart-block\s*{[^}]*break-inside:\s*avoid", css)
    blocks = re.findall(r'<div class="(?:poll|chart-block)">(.*?)</div>', html, re.S)
    charts_in_blocks = sum(b.count('<img class="chart"') for b in blocks)
    assert charts_in_blocks == html.count('<img class="chart"') > 0
