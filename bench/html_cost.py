"""Server CPU and bytes per request of the HTML attendee pages: a follow, a Now page, a vote; memory per idle phone.

    python bench/html_cost.py URL DB SERVER_PID [PHONES] [ROUNDS]

Against a running server (streamlit run or `python -m eventkit serve`) on
database DB (its demo event FIFE16): PHONES HTTP phones (the rehearsal's,
eventkit/rehearse/http_phone.py) join, then in turn:
- each opens its Now page's event stream (http_stream.py) and waits idle: the
  server's memory (RSS of its process tree) with PHONES idle phones on Now, against
  none, per phone;
- the facilitator changes what is live ROUNDS times: each phone's stream says so and
  the phone loads Now again, as follow.js does (CPU and KB per follow: the message
  and the new Now page);
- each asks /live ROUNDS times (what a phone without a working stream does every 4 s),
  loads Now ROUNDS times, and votes (the POST, its 303 and the Now page that says
  "Saved") on the demo's first choice poll, which this opens and makes live.
Server CPU is the process tree's (nginx and workers too) from /proc before and
after each step, so run it on a quiet machine and read it as a cost per request,
not a capacity.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from eventkit.rehearse.http_phone import Browser, form_token
from eventkit.rehearse.http_stream import EventStream
from eventkit.rehearse.metrics import ProcessTree
from eventkit.storage import Store

CODE = "FIFE16"


async def _measure(tree: ProcessTree, label: str, jobs: list, rows: list, per_request: bool = True) -> None:
    """Run the jobs (each a list of replies) at once; CPU and KB per request, or per job (a join, a vote)."""
    _, cpu_before, _ = tree.sample()
    replies = await asyncio.gather(*jobs)
    _, cpu_after, _ = tree.sample()
    total = [r for group in replies for r in group]
    items = max(len(total) if per_request else len(replies), 1)
    bad = sum(r.status >= 400 for r in total)
    per_ms = (cpu_after - cpu_before) * 1000 / items
    kb = sum(r.wire_bytes for r in total) / items / 1024
    rows.append(f"{label:40} {items:>6} {per_ms:>10.2f} {kb:>8.2f} {bad:>7}")


async def _rounds(phone: Browser, target: str, rounds: int) -> list:
    return [await phone.get(target) for _ in range(rounds)]


async def _vote(phone: Browser, token: str, poll_id: int, option_id: int) -> list:
    form = {"form_token": token, "poll": str(poll_id), "option": str(option_id)}
    posted = await phone.post(f"/e/{CODE}/vote", form)
    return [posted, await phone.get(posted.location)]


async def main(url: str, db: str, pid: int, phones: int, rounds: int) -> None:
    store = Store(db)
    event = store.event_by_code(CODE)
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice" and p.options)
    store.set_live(event.id, "welcome")
    tree, rows = ProcessTree(pid), []
    browsers = [Browser(url) for _ in range(phones)]
    await _measure(tree, "join (QR link, 303s, table page, Now)", [_join(b) for b in browsers], rows, per_request=False)
    await _follows(tree, store, event.id, browsers, rounds, rows)
    await _measure(tree, "follow check (GET /live)", [_rounds(b, f"/e/{CODE}/live", rounds) for b in browsers], rows)
    await _measure(tree, "Now page (GET /e/CODE, welcome)", [_rounds(b, f"/e/{CODE}", rounds) for b in browsers], rows)
    store.set_poll_state(poll.id, "open")
    store.set_live(event.id, "poll", poll.id)
    await asyncio.sleep(2)  # the pages' shared reads see the change
    await _measure(
        tree, "Now page (GET /e/CODE, open poll)", [_rounds(b, f"/e/{CODE}", rounds) for b in browsers], rows
    )
    tokens = [form_token((await b.get(f"/e/{CODE}")).text) or "" for b in browsers]  # the page a person votes on
    votes = [
        _vote(b, t, poll.id, poll.options[n % len(poll.options)].id)
        for n, (b, t) in enumerate(zip(browsers, tokens, strict=True))
    ]
    await _measure(tree, "vote (POST, 303, Now says 'Saved')", votes, rows, per_request=False)
    store.set_poll_state(poll.id, "closed")
    store.set_live(event.id, "welcome")
    for b in browsers:
        await b.close()
    print(f"{phones} phones, {rounds} rounds each, server tree of pid {pid}")
    print(f"{'per request (join, vote: per join, vote)':40} {'n':>6} {'CPU ms':>10} {'KB in':>8} {'errors':>7}")
    print("\n".join(rows))


async def _join(phone: Browser) -> list:
    first = await phone.get(f"/?event={CODE}&table=1")
    second = await phone.get(first.location)
    return [first, second, await phone.get(second.location), await phone.get(f"/e/{CODE}")]


async def _follows(tree: ProcessTree, store: Store, event_id: int, browsers: list, rounds: int, rows: list) -> None:
    """Idle phones' memory on their streams, then ROUNDS changes of what is live, each followed by every phone."""
    await asyncio.sleep(2)
    _, _, rss_before = tree.sample()
    streams = [EventStream(b.base_url, f"/e/{CODE}/events", dict(b.cookies)) for b in browsers]
    heard = [asyncio.Queue() for _ in streams]
    readers = [asyncio.create_task(_listen(s, q)) for s, q in zip(streams, heard, strict=True)]
    for queue in heard:
        await asyncio.wait_for(queue.get(), 60)  # the first message: the state now
    await asyncio.sleep(5)  # idle
    _, _, rss_idle = tree.sample()
    rows.append(
        f"{'memory per idle phone on Now (KB RSS)':40} {len(browsers):>6} {'':>10} {(rss_idle - rss_before) / len(browsers) / 1024:>8.1f}"
    )
    pages, kinds = [], ["wall", "welcome"]
    stream_bytes = sum(s.wire_bytes for s in streams)
    _, cpu_before, _ = tree.sample()
    started = time.monotonic()
    for n in range(rounds):
        await asyncio.to_thread(store.set_live, event_id, kinds[n % 2])
        pages += await asyncio.gather(*(_reload_on_message(b, q) for b, q in zip(browsers, heard, strict=True)))
    _, cpu_after, _ = tree.sample()
    follows = len(pages)
    kb = (sum(s.wire_bytes for s in streams) - stream_bytes + sum(p.wire_bytes for p in pages)) / follows / 1024
    per_ms = (cpu_after - cpu_before) * 1000 / follows
    rows.append(
        f"{'follow (stream message, then Now)':40} {follows:>6} {per_ms:>10.2f} {kb:>8.2f} {sum(p.status >= 400 for p in pages):>7}"
    )
    print(f"({rounds} changes followed by {len(browsers)} phones in {time.monotonic() - started:.1f} s)")
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*readers, return_exceptions=True)


async def _listen(stream: EventStream, heard: asyncio.Queue) -> None:
    try:
        async for message in stream.messages():
            await heard.put(json.loads(message.data)["live"])
    finally:
        await stream.close()


async def _reload_on_message(phone: Browser, heard: asyncio.Queue):
    await asyncio.wait_for(heard.get(), 60)
    return await phone.get(f"/e/{CODE}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    phones, rounds = (int(args[3]) if len(args) > 3 else 50), (int(args[4]) if len(args) > 4 else 20)
    asyncio.run(main(args[0], args[1], int(args[2]), phones, rounds))
