"""A simulated phone on the wall: a note on one of its questions, then perhaps a +1 on someone's.

On the HTML pages, as a person does: the Wall (GET /e/CODE/wall), a note
POSTed with the page's form, acknowledged only when the page after the 303
says "Thanks! …"; then, as about half the people do, +1 on a listed note.
"""

from __future__ import annotations

import asyncio
import time

from .client import ProtocolError
from .http_phone import agreeable_notes, form_token, saved_message, shown_prompt, wall_prompts
from .http_tables import Phone  # what these activities need of the phone


async def post_note(phone: Phone) -> None:
    """On the wall: write a note on one of its questions, then perhaps +1 someone's."""
    wall = await phone.fetch("wall", "GET", f"{phone.base}/wall")
    prompts = wall_prompts(wall.text)
    if wall.status != 200 or not prompts:
        raise ProtocolError(f"the wall answered HTTP {wall.status} with {len(prompts)} questions")
    await asyncio.sleep(phone.rng.uniform(3, 10))  # typing
    text = f"Rehearsal note {phone.n} {phone.token[:8]}: more shared data, fewer forms"
    form = {"form_token": form_token(wall.text) or "", "prompt": str(phone.rng.choice(prompts)), "note": text}
    started = time.monotonic()
    phone.crowd.ledger.sent(("wall note", phone.token, text))
    reply = await phone.follow_redirect("wall", await phone.fetch("wall", "POST", f"{phone.base}/wall/post", form))
    if reply.status == 200 and (saved_message(reply.text) or "").startswith("Thanks!"):
        phone.crowd.recorder.timing("submit_ack", time.monotonic() - started)
        phone.crowd.ledger.notes.setdefault(phone.token, []).append(text)
        phone.crowd.ledger.acknowledged(("wall note", phone.token, text))
        phone.crowd.recorder.count("wall_notes")
        await agree(phone, reply.text)
    else:
        phone._not_saved(f"wall note {phone.n}", reply)


async def agree(phone: Phone, wall_page: str) -> None:
    """+1 one of the listed notes, as about half the people do."""
    notes = agreeable_notes(wall_page)
    if not notes or phone.rng.random() < 0.5:
        return
    await asyncio.sleep(phone.rng.uniform(1, 3))
    note = phone.rng.choice(notes)
    form = {"form_token": form_token(wall_page) or "", "prompt": str(shown_prompt(wall_page)), "note": str(note)}
    reply = await phone.follow_redirect("wall", await phone.fetch("wall", "POST", f"{phone.base}/wall/agree", form))
    if reply.status == 200 and "+1 is counted" in (saved_message(reply.text) or ""):
        phone.crowd.recorder.count("plus_ones")
    else:
        phone._not_saved(f"+1 {phone.n} on note {note}", reply)
