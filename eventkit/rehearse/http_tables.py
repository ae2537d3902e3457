"""A simulated phone at its table and at the end of the day: the scribe's note and the evaluation.

Both on the HTML pages, as a person does: the Table page (GET /e/CODE/table),
"I agree to recording" when nobody has yet (a note is saved only with consent),
then a note with the page's form; the Feedback page (GET /e/CODE/feedback), a
choice for every scored question and a sentence for every written one, sent
with the page's form. Each counts as acknowledged only when the page after the
POST's 303 says so ("Note added …", "Thank you, your feedback is saved …").
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from typing import Protocol

from .crowd import Crowd
from .http_phone import Reply, form_token, saved_message
from .scenario import Settings

ABOUT = re.compile(r'<select id="about" name="about">.*?<option value="([^"]*)"', re.S)
RADIO = re.compile(r'<input type="radio" name="(item-\d+)" value="([^"]*)"')
TEXTAREA = re.compile(r'<textarea id="[^"]*" name="(item-\d+)"')
NOTE_SAVED = "Note added to your table's notes."
FEEDBACK_SAVED = "Thank you, your feedback is saved."


class Phone(Protocol):
    """What the activities off Now (table, feedback, wall) need of the phone (http_attendee.HttpAttendee)."""

    n: int
    s: Settings
    crowd: Crowd
    rng: random.Random
    base: str

    @property
    def token(self) -> str: ...

    async def fetch(self, what: str, method: str, target: str, form: dict[str, str] | None = None) -> Reply: ...

    async def follow_redirect(self, what: str, reply: Reply) -> Reply: ...

    def _not_saved(self, what: str, reply: Reply) -> None: ...


async def write_table_note(phone: Phone) -> None:
    """Open the table's page, agree to recording if nobody has, and add a note as the scribe."""
    page = await phone.fetch("table", "GET", f"{phone.base}/table")
    if "I agree to recording" in page.text and "Nobody at this table has agreed" in page.text:
        form = {"form_token": form_token(page.text) or "", "agree": "yes"}
        page = await phone.follow_redirect(
            "table", await phone.fetch("table", "POST", f"{phone.base}/table/consent", form)
        )
    about = ABOUT.search(page.text)
    if page.status != 200 or about is None:
        phone._not_saved(f"table page {phone.n}", page)
        return
    await asyncio.sleep(phone.rng.uniform(5, 15))  # listening, then typing
    text = f"Rehearsal table note {phone.n} {phone.token[:8]}: referrals get lost between services"
    form = {"form_token": form_token(page.text) or "", "about": about[1], "note": text}
    started = time.monotonic()
    phone.crowd.ledger.sent(("table note", text))
    reply = await phone.follow_redirect("table", await phone.fetch("table", "POST", f"{phone.base}/table/note", form))
    if reply.status == 200 and saved_message(reply.text) == NOTE_SAVED:
        phone.crowd.recorder.timing("submit_ack", time.monotonic() - started)
        phone.crowd.ledger.table_notes.setdefault(phone.token, []).append(text)
        phone.crowd.ledger.acknowledged(("table note", text))
        phone.crowd.recorder.count("table_notes")
    else:
        phone._not_saved(f"table note {phone.n}", reply)


async def send_feedback(phone: Phone) -> None:
    """Open the Feedback page, answer every question, send it."""
    page = await phone.fetch("feedback", "GET", f"{phone.base}/feedback")
    choices: dict[str, list[str]] = {}
    for name, value in RADIO.findall(page.text):
        choices.setdefault(name, []).append(value)
    written = TEXTAREA.findall(page.text)
    if page.status != 200 or not (choices or written):
        phone._not_saved(f"feedback page {phone.n}", page)
        return
    await asyncio.sleep(phone.rng.uniform(10, 30))  # reading and answering
    answers = {name: phone.rng.choice(values) for name, values in choices.items()}
    answers |= {name: f"Rehearsal feedback {phone.n}: the table discussions" for name in written}
    form = {"form_token": form_token(page.text) or "", **answers}
    started = time.monotonic()
    stored = {int(k.removeprefix("item-")): int(v) if v.isdigit() else v for k, v in answers.items()}
    phone.crowd.ledger.sent(("evaluation", phone.token), stored)
    reply = await phone.follow_redirect(
        "feedback", await phone.fetch("feedback", "POST", f"{phone.base}/feedback", form)
    )
    if reply.status == 200 and (saved_message(reply.text) or "").startswith(FEEDBACK_SAVED):
        phone.crowd.recorder.timing("submit_ack", time.monotonic() - started)
        phone.crowd.ledger.evaluations[phone.token] = stored
        phone.crowd.ledger.acknowledged(("evaluation", phone.token))
        phone.crowd.recorder.count("evaluations")
    else:
        phone._not_saved(f"evaluation {phone.n}", reply)
