"""Run a rehearsal end to end and summarise it."""

from __future__ import annotations

import asyncio
import random
import time

from ..models import Event
from ..storage import Store, StoreError
from ..storage.participants import join_limit
from .crowd import Crowd
from .facilitator import Projector, choice_polls, drive
from .http_attendee import HttpAttendee
from .metrics import ProcessTree, Recorder, ResourceLog, machine_load, own_cpu_seconds
from .scenario import Ledger, Settings, Stage
from .verify import check, take_counts

# Throwaway visits before measuring, so one-off costs (imports, caches) are not
# counted per attendee. With `serve --workers 2` each visit reaches a worker
# chosen by a random cookie, and six all reach the same one 1 time in 32; the
# other worker's first-use memory then counts per attendee (probably why one
# first run on a fresh server read 377 KB per idle attendee, against 65-90).
WARM_UP_SESSIONS = 12
LATENCIES = (
    ("vote_ack", "vote → acknowledged"),
    ("vote_visible", "vote → projector"),
    ("follow", "screen follows live change"),
    ("follow_noscript", "  without JavaScript (10 s refresh)"),
    ("join", "join (page + first screen)"),
    ("submit_ack", "note/feedback → acknowledged"),
)


def rehearse(settings: Settings) -> dict:
    """Run one rehearsal against a running server; returns the results as plain data."""
    return asyncio.run(_rehearse(settings))


async def _rehearse(settings: Settings) -> dict:
    store = Store(settings.db)
    event = store.event_by_code(settings.event_code)
    if event is None:
        raise StoreError(f"No event with code {settings.event_code} in {store.describe()}.")
    if event.status != "open" or not choice_polls(store, event):
        raise StoreError(f"Event {event.code} must be open and have a choice poll to rehearse.")
    if problem := door_problem(event, settings.attendees + WARM_UP_SESSIONS):
        raise StoreError(problem)
    tables = len(store.list_tables(event.id))
    before = take_counts(store, event)
    stage, ledger, recorder = Stage(), Ledger(), Recorder()
    also = (settings.database_pid,) if settings.database_pid else ()
    resources = ResourceLog(ProcessTree(settings.server_pid, also) if settings.server_pid else None)
    load_before = machine_load()
    projector = Projector(settings, store, recorder)
    await projector.start()
    crowd = Crowd(settings, stage, ledger, recorder, tables)
    await _warm_up(crowd, WARM_UP_SESSIONS)
    resources.take("before_join")
    rng = random.Random(settings.seed)
    people = [HttpAttendee(crowd, n, random.Random(rng.random())) for n in range(settings.attendees)]
    started, cpu_started = time.monotonic(), own_cpu_seconds()
    sampler = asyncio.create_task(_sample(resources, stage))
    watcher = asyncio.create_task(projector.watch(stage))
    tasks = [asyncio.create_task(p.run()) for p in people]
    await drive(settings, store, event, stage, resources)
    await asyncio.wait(tasks, timeout=settings.timeout + 5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    watcher.cancel()
    sampler.cancel()
    await asyncio.gather(watcher, sampler, return_exceptions=True)
    resources.take()
    await projector.close()
    elapsed, tool_cpu = time.monotonic() - started, own_cpu_seconds() - cpu_started
    projector.visible_latencies(ledger)
    verification, samples = check(store, event, before, ledger)
    return {
        "settings": {
            "url": settings.url,
            "event": settings.event_code,
            "noscript_share": settings.noscript_share,
            "attendees": settings.attendees,
            "duration_s": settings.duration,
            "join_window_s": settings.effective_join_window(),
        },
        "latency": {name: recorder.summary(name) for name, _ in LATENCIES},
        "counts": dict(recorder.counts),
        "traffic_kb": traffic_kb(recorder),
        "errors": len(recorder.errors),
        "error_samples": recorder.errors[:10],
        "error_traces": recorder.traces[:5],
        "unacknowledged": ledger.unacknowledged[:10],
        "projector_source": projector.source,
        "server": resources.summary(len(ledger.joined)),
        "tool_cpu_cores": round(tool_cpu / elapsed, 2),
        "machine": {"before": load_before, "after": machine_load()},
        "database_check": [{"what": w, "acknowledged": a, "stored": s, "ok": ok} for w, a, s, ok in verification],
        "database_matches": all(ok for *_, ok in verification),
        "database_samples": samples,
        "elapsed_s": round(elapsed, 1),
    }


def traffic_kb(recorder: Recorder) -> dict:
    """KB a phone received per first visit (join), vote and follow of a change of what is live."""
    counts = recorder.counts
    per = {
        "join": (counts["bytes_join"], len(recorder.latencies.get("join", []))),  # QR link, its 303s and Now
        "vote": (counts["bytes_vote"], counts["votes"] + counts["votes_changed"]),  # the POST's 303 and Now
        # the event streams (first message, heartbeats, changes), /live asked by phones without a stream,
        # <noscript> refreshes and Now loaded again, per change a phone followed
        "follow": (counts["bytes_follow"], counts["follows"]),
    }
    return {name: round(total / n / 1024, 2) for name, (total, n) in per.items() if total and n}


def door_problem(event: Event, phones: int) -> str:
    """Why the event would turn some of the rehearsal's phones away, or ''.

    They all join within one minute at most (--join-window is capped at 60 s
    by default), so all must fit under the event's join limit.
    """
    if not event.joining_open:
        return f"Joining is closed for {event.code}: reopen it on the control panel before rehearsing."
    if phones > join_limit(event.expected_attendance):
        return (
            f"{event.code} expects {event.expected_attendance} people, so at most "
            f"{join_limit(event.expected_attendance):,} new devices may join a minute: fewer than the "
            f"{phones:,} phones of this rehearsal. Raise its expected attendance (or set it to 0) first."
        )
    return ""


async def _warm_up(crowd: Crowd, sessions: int) -> None:
    """A few throwaway visits, so every server process has imported the app before the baseline."""
    scratch = Crowd(crowd.settings, crowd.stage, Ledger(), Recorder(), crowd.tables)
    visitors = [HttpAttendee(scratch, -n, random.Random(n)) for n in range(1, sessions + 1)]
    await asyncio.gather(*(v.warm_up() for v in visitors), return_exceptions=True)
    crowd.ledger.warm_up = set(scratch.ledger.joined)  # they joined too: the check counts them
    await asyncio.sleep(1)


async def _sample(resources: ResourceLog, stage: Stage) -> None:
    while not stage.over:
        resources.take()
        await asyncio.sleep(1.0)


def format_summary(result: dict) -> str:
    """A readable report of one rehearsal."""
    s = result["settings"]
    lines = [
        f"Rehearsal: {s['attendees']} phones on {s['url']} (event {s['event']}), "
        f"joining within {s['join_window_s']:g} s, {result['elapsed_s']:g} s in all",
        "",
    ]
    lines.append(f"{'latency':34} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    for name, label in LATENCIES:
        row = result["latency"][name]
        cells = [
            f"{row[k]:>5}ms" if row[k] is not None else f"{'-':>7}" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        ]
        lines.append(f"{label:34} {row['n']:>6} " + " ".join(cells))
    lines.append(f"(vote → projector measured from: {result['projector_source']})")
    lines.append("")
    lines.append("activity: " + ", ".join(f"{k} {v}" for k, v in sorted(result["counts"].items())))
    if result.get("traffic_kb"):
        lines.append("received per phone: " + ", ".join(f"{k} {v} KB" for k, v in result["traffic_kb"].items()))
    lines.append(f"errors: {result['errors']}")
    lines += [f"  - {e}" for e in result["error_samples"]]
    if result.get("error_traces"):
        lines.append("recent traffic of the first failed session:")
        lines.append("  " + result["error_traces"][0])
    server = result["server"]
    if server:
        lines.append(
            f"server: CPU mean {server['cpu_mean_cores']} cores, peak {server['cpu_peak_cores']}; "
            f"RSS {server['rss_start_mb']} → peak {server['rss_peak_mb']} MB"
            + (
                f"; {server['rss_per_idle_attendee_kb']} KB per idle attendee"
                if "rss_per_idle_attendee_kb" in server
                else ""
            )
        )
    else:
        lines.append("server: not measured (give --server-pid)")
    m = result["machine"]
    lines.append(
        f"rehearsal tool itself: {result['tool_cpu_cores']} cores; machine load "
        f"{m['before'].get('load_1m')} before, {m['after'].get('load_1m')} after ({m['after'].get('cores')} cores)"
    )
    lines.append("")
    lines.append("database check (acknowledged on screens vs stored rows):")
    for row in result["database_check"]:
        mark = "ok " if row["ok"] else "MISMATCH"
        lines.append(f"  {mark:8} {row['what']:52} acknowledged {row['acknowledged']:>5}  stored {row['stored']:>5}")
    for name, items in result.get("database_samples", {}).items():
        lines.append(f"  {name}, for instance: " + "; ".join(items))
    verdict = (
        "the database holds exactly the acknowledged submissions"
        if result["database_matches"]
        else "the database does NOT match the acknowledged submissions"
    )
    lines.append(f"=> {verdict}")
    return "\n".join(lines)
