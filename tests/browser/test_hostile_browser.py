"""Nothing injected in a real browser: hostile notes on the HTML attendee wall and the projector.

A sample of the hostile corpus is posted as wall notes through the Store API.
In Chromium's DOM of the HTML attendee wall (phone, every note of each question
listed) and of the projector's wall (/projector?event=FIFE16 with the wall
live), the notes appear as text, exactly as stored; no link, image, heading,
table, form or script element comes from them (counted against what the page
itself draws, and nothing at all sits inside a note), no javascript: URL exists
and no alert ever fires. A 1 MB note, pasted into the HTML wall or posted past
the page, is refused with the limit named, stored neither whole nor cut short;
a websocket message over server.maxMessageSize (on a staff page) is cut off and
the server carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventkit.access import security
from eventkit.rehearse.client import StreamlitSession
from eventkit.rehearse.screen import ERROR, SUCCESS
from eventkit.text import TextError, clean_text
from eventkit.ui.projector import WALL_NOTES_PER_PROMPT
from tests.browser.conftest import ADMIN_PASSWORD, close_page_not_found, wait_for_streamlit
from tests.hostile import corpus

FOLLOW_JS = (Path(__file__).parents[2] / "eventkit" / "web" / "static" / "follow.js").read_text().strip()
DANGEROUS = "a, img, h1, h2, h3, h4, h5, h6, table, script, iframe, object, embed, video, form, base, meta, math"
PER_PROMPT = WALL_NOTES_PER_PROMPT  # the projector shows the newest few notes per prompt

# Counts of dangerous elements, those inside attendee text, javascript: URLs, and the text shown.
_DOM_JS = """(sel) => {
  const notes = [...document.querySelectorAll('[data-testid="stText"]')];
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const danger = [...main.querySelectorAll(sel)];
  return {
    danger: danger.map(e => e.tagName.toLowerCase()).sort().join(","),
    inside: notes.reduce((n, t) => n + t.querySelectorAll(sel).length, 0),
    jsurls: [...main.querySelectorAll('[href],[src],[action]')].filter(e =>
      /^\\s*(javascript|data):/i.test(e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')).length,
    texts: notes.map(t => t.textContent),
    hrefs: [...main.querySelectorAll('a')].map(a => a.href),
  };
}"""


def _sample() -> list[str]:
    out = []
    for _, text in corpus.sample(step=4):
        try:
            cleaned = clean_text(text, 500)
        except TextError:
            continue
        if cleaned not in out:
            out.append(cleaned)
    return out


SAMPLE = _sample()


def _dom(page) -> dict:
    return page.evaluate(_DOM_JS, DANGEROUS)


def _watch_dialogs(page) -> list[str]:
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    return fired


def _wait_for_texts(page, texts: list[str], timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        dom = _dom(page)
        missing = [t for t in texts if t not in dom["texts"]]
        if not missing or time.monotonic() > deadline:
            assert not missing, f"{len(missing)} notes not shown as text, e.g. {missing[:3]!r}"
            return dom
        page.wait_for_timeout(300)


def _post(app_server, prompt_id: int, texts: list[str]) -> None:
    store, event = app_server.store, app_server.event
    for text in texts:
        me = store.join(event.id, security.new_token())
        store.add_note(prompt_id, me.id, text)


@pytest.fixture(scope="module")
def prompts(app_server):
    app_server.store.set_live(app_server.event.id, "wall")
    return app_server.store.list_prompts(app_server.event.id)


def test_projector_wall_renders_hostile_notes_inert(app_server, prompts, projector):
    page = projector(app_server.page_url("/projector", event="FIFE16"))
    dialogs = _watch_dialogs(page)
    page.get_by_text("The wall: add your note on your phone").wait_for()
    before = _dom(page)
    batch = PER_PROMPT * len(prompts)
    assert len(SAMPLE) > batch, "the sample should need more than one screenful"
    for start in range(0, len(SAMPLE), batch):
        chunk = SAMPLE[start : start + batch]
        for i, prompt in enumerate(prompts):
            _post(app_server, prompt.id, chunk[i * PER_PROMPT : (i + 1) * PER_PROMPT])
        after = _wait_for_texts(page, chunk)
        assert after["inside"] == 0 and after["jsurls"] == 0
        assert after["danger"] == before["danger"], "a dangerous element appeared with the notes"
    page.screenshot(path=str(app_server.log_path.parent / "projector_hostile.png"))
    assert not dialogs


# The HTML wall (eventkit/web/templates/wall.html): each note is a <p class="note"> inside <main>.
_HTML_DOM_JS = """(sel) => {
  const notes = [...document.querySelectorAll('main .notes .note')];
  const main = document.querySelector('main');
  return {
    danger: [...main.querySelectorAll(sel)].map(e => e.tagName.toLowerCase()).sort().join(","),
    inside: notes.reduce((n, t) => n + t.querySelectorAll('*').length, 0),
    jsurls: [...document.querySelectorAll('[href],[src],[action]')].filter(e =>
      /^\\s*(javascript|data):/i.test(e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')).length,
    texts: notes.map(t => t.textContent),
    hrefs: [...document.querySelectorAll('a')].map(a => a.href),
    scripts: [...document.querySelectorAll('script')].map(e => e.textContent),
  };
}"""


def test_attendee_wall_renders_hostile_notes_inert(app_server, prompts, phone):
    """The HTML wall with every note of each question listed: each note exactly as stored, as text."""
    page = phone()
    dialogs = _watch_dialogs(page)
    store, event = app_server.store, app_server.event
    wall = f"{app_server.url}/e/{event.code}/wall"
    page.goto(f"{app_server.url}/?event={event.code}")  # joins this phone
    stored = {n.text for n in store.list_notes(event.id)}
    for i, text in enumerate(t for t in SAMPLE if t not in stored):  # posted already if the projector test ran
        _post(app_server, prompts[i % len(prompts)].id, [text])
    notes = store.list_notes(event.id)
    for prompt in prompts:
        page.goto(f"{wall}?q={prompt.id}&all=1")
        mine = [n.text for n in notes if n.prompt_id == prompt.id]
        page.get_by_role("heading", name=f"{len(mine)} notes so far").wait_for()
        dom = page.evaluate(_HTML_DOM_JS, DANGEROUS)
        assert sorted(dom["texts"]) == sorted(mine), "every note shown, each exactly as stored"
        assert dom["inside"] == 0 and dom["jsurls"] == 0
        # the page's one script is our own follow.js (the wall follows the room too), nothing from a note
        assert [t.strip() for t in dom["scripts"]] == [FOLLOW_JS], "no script but the page's follow.js"
        # Only the page's own elements: one h1, the question and the count as h2, the post form and a +1
        # form per note, the page's own links (the other questions, new notes, the pages, privacy).
        tags = dom["danger"].split(",")
        assert set(tags) <= {"a", "h1", "h2", "form"}, tags
        assert (tags.count("h1"), tags.count("h2"), tags.count("form")) == (1, 2, 1 + len(mine))
        foreign = [h for h in dom["hrefs"] if not h.startswith(f"{app_server.url}/e/{event.code}")]
        assert not foreign, f"links that are not the app's own: {foreign!r}"
    page.screenshot(path=str(app_server.log_path.parent / "wall_hostile.png"), full_page=False)
    assert not dialogs


MEGABYTE_REFUSED = "That is 1,000,000 characters; the limit is 500. Please shorten it."


def test_a_one_megabyte_paste_never_breaks_the_wall(app_server, phone):
    """Chromium: pasting 1 MB into the note box. The box takes it all (no maxlength silently
    dropping the tail), the note is refused with the limit named, nothing is stored, and the
    text comes back in the box to be shortened."""
    store, event = app_server.store, app_server.event
    page = phone(f"{app_server.url}/?event={event.code}")
    page.goto(f"{app_server.url}/e/{event.code}/wall")
    before = len(store.list_notes(event.id, ("visible", "pending", "hidden")))
    box = page.get_by_label("Your note (anonymous)")
    assert box.get_attribute("maxlength") is None
    box.fill("y" * 1_000_000)
    page.get_by_role("button", name="Post note").click()
    expect(page.get_by_role("alert")).to_contain_text(MEGABYTE_REFUSED)
    assert len(page.get_by_label("Your note (anonymous)").input_value()) == 1_000_000
    assert len(store.list_notes(event.id, ("visible", "pending", "hidden"))) == before


def test_a_one_megabyte_note_sent_past_the_page_never_gets_in_whole(app_server, phone):
    """A modified client posts 1 MB straight to the route, with the page's own token and cookie.
    Nothing is cut short on the way: the store refuses it with the limit named and stores nothing."""
    store, event = app_server.store, app_server.event
    page = phone(f"{app_server.url}/?event={event.code}")
    wall = f"{app_server.url}/e/{event.code}/wall"
    page.goto(wall)
    before = len(store.list_notes(event.id, ("visible", "pending", "hidden")))
    form = {
        "form_token": page.locator("input[name=form_token]").first.get_attribute("value"),
        "prompt": page.locator("input[name=prompt]").first.get_attribute("value"),
        "note": "x" * 1_000_000,
    }
    answer = page.request.post(f"{wall}/post", form=form, headers={"Origin": app_server.url}, max_redirects=0)
    assert answer.status in (200, 400, 422), answer.status  # said on the page, not a redirect to "saved"
    assert MEGABYTE_REFUSED in answer.text()
    assert len(store.list_notes(event.id, ("visible", "pending", "hidden"))) == before


def _send_over_websocket(url: str, text: str) -> tuple[list[str], list[str], str]:
    """Type `text` into a staff page's box (the facilitator's passcode) as a modified client would,
    past the browser, and submit: (errors shown, exceptions, why the connection closed)."""

    async def go():
        session = StreamlitSession(url, page="facilitator", query_string="event=FIFE16")
        await session.open()
        await session.wait_for(lambda s: s.runs_finished and s.find("button", label="Open the control panel"), 30)
        box = session.find("text_input", label="Facilitator passcode")[0]
        submit = session.find("button", label="Open the control panel")[0]
        session.set_string(box.element_id, text)
        before = session.run_id

        def answered(s: StreamlitSession) -> bool:
            said = [a for a in s.find("alert") if a.run > before and a.proto.format in (ERROR, SUCCESS)]
            return bool(said) and s.last_finished_run >= max(a.run for a in said)

        silent = False
        try:
            await session.click(submit.element_id)
            await session.wait_for(answered, 30)
        except TimeoutError:
            silent = True
        except Exception as err:  # the server dropped the connection
            session.closed_reason = session.closed_reason or repr(err)
        result = session.alerts(ERROR, before), list(session.exceptions), session.closed_reason
        with contextlib.suppress(Exception):
            await session.close()
        assert not silent or result[2], "the page said nothing within 30 s"
        return result

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's event loop
        return pool.submit(asyncio.run, go()).result()


def test_a_message_over_the_size_limit_is_cut_off_and_the_server_carries_on(app_server):
    """server.maxMessageSize = 20 (MB): a 21 MB value on a staff page's websocket closes that one
    connection, nothing else: the server is healthy and the next session is answered."""
    _, _, closed = _send_over_websocket(app_server.url, "z" * 21_000_000)
    assert closed, "the server should refuse a message over server.maxMessageSize"
    with urllib.request.urlopen(f"{app_server.url}/_stcore/health", timeout=10) as response:
        assert response.read() == b"ok"
    errors, exceptions, closed = _send_over_websocket(app_server.url, "not the passcode")
    assert errors and not exceptions and not closed, (errors, exceptions, closed)


def test_upload_limit_takes_a_large_attendee_list_and_refuses_oversize(app_server, browser, tmp_path):
    """server.maxUploadSize = 5 (MB): a 2,000-person attendee list goes through, 6 MB is refused."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(app_server.page_url("/organiser"))
    close_page_not_found(page)
    page.get_by_label("Organiser password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Seating plan").click()
    wait_for_streamlit(page)
    row = "Firstname-Longsurname Double-Barrelled {i},Organisation number {o} for Fife,Sector {s}\n"
    big_list = tmp_path / "attendees.csv"
    big_list.write_text(
        "name,organisation,sector\n" + "".join(row.format(i=i, o=i % 150, s=i % 7) for i in range(2000)),
        encoding="utf-8",
    )
    oversize = tmp_path / "oversize.csv"
    oversize.write_text("name,organisation,sector\n" + "x,y,z\n" * 1_050_000, encoding="utf-8")
    assert big_list.stat().st_size < 1_000_000 < 5_000_000 < oversize.stat().st_size
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.set_input_files(str(oversize))
    page.get_by_text("5.0MB or smaller", exact=False).or_(page.get_by_text("too large", exact=False)).first.wait_for()
    page.reload()  # still signed in: the browser keeps the organiser's pass for the day
    page.get_by_role("link", name="Seating plan").click()
    wait_for_streamlit(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(big_list))
    wait_for_streamlit(page)
    page.get_by_text("attendees.csv").first.wait_for()
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_text("5.0MB or smaller", exact=False).count() == 0
    page.screenshot(path=str(app_server.log_path.parent / "seating_upload.png"))
    page.context.close()
