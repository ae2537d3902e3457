"""Round trips of the staff screens: a projector fragment's redraw and a control panel action.

    python bench/staff_round_trips.py URL DB [N]

Against a running server on database DB (its demo event FIFE16, passcode
fife-demo), through the rehearsal's websocket client (eventkit/rehearse/client.py),
one request at a time:
- projector: the projector page (/projector?event=FIFE16) asks N times for a redraw of
  its live fragment (what its timer and live push ask), each timed from the rerun
  message sent until the fragment's run has finished on the screen;
- panel: the control panel (/facilitator?event=FIFE16, signed in with a pass in its
  cookie, as a browser that gave the passcode) presses "Show results" / "Hide results"
  of the live poll N times, each timed from the press until its run has finished.
Prints p50, p95 and mean in ms. bench/nodelay.sh runs it against a server with
and without TCP_NODELAY on its listening socket (the before/after of issue 20).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from eventkit.access import staff
from eventkit.access.console import Console
from eventkit.event.demo import DEMO_PASSCODE
from eventkit.rehearse.client import StreamlitSession
from eventkit.rehearse.metrics import percentile
from eventkit.storage import Store

CODE = "FIFE16"


def _report(label: str, ms: list[float]) -> str:
    return (
        f"{label:44} n {len(ms):>4}  p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
        f"mean {statistics.fmean(ms):7.1f} ms"
    )


async def projector_redraws(url: str, n: int) -> list[float]:
    screen = StreamlitSession(url, "projector", f"event={CODE}")
    await screen.open()
    await screen.wait_for(lambda s: s.runs_finished, 60)
    fragments = [f for f, root in screen._fragment_roots.items() if root and screen.elements.get(root)]
    if not fragments:
        raise SystemExit("the projector page drew no fragment to redraw")
    times = []
    for i in range(n + 5):  # the first five warm up
        before = screen.fragment_runs
        started = time.perf_counter()
        await screen.rerun(fragment_id=fragments[0])
        await screen.wait_for(lambda s, before=before: s.fragment_runs > before, 30)
        if i >= 5:
            times.append((time.perf_counter() - started) * 1000)
    await screen.close()
    return times


async def panel_actions(url: str, store: Store, n: int) -> list[float]:
    event = store.event_by_code(CODE)
    assert event is not None, f"no event {CODE}"
    console = Console.unlock(store, event.id, DEMO_PASSCODE)
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    console.open_poll(poll.id)
    console.set_live("poll", poll.id)
    token, _seconds = console.remember()
    panel = StreamlitSession(url, "facilitator", f"event={CODE}", f"{staff.facilitator_cookie(event.id)}={token}")
    await panel.open()
    button_id = f"-results-{poll.id}"
    await panel.wait_for(lambda s: [b for b in s.find("button") if b.element_id.endswith(button_id)], 60)
    times = []
    for i in range(n + 5):
        button = next(b for b in panel.find("button") if b.element_id.endswith(button_id))
        finished, fragments = panel.runs_finished, panel.fragment_runs
        started = time.perf_counter()
        await panel.click(button.element_id)
        await panel.wait_for(
            lambda s, f=finished, g=fragments: s.runs_finished > f or s.fragment_runs > g,
            30,
        )
        if i >= 5:
            times.append((time.perf_counter() - started) * 1000)
    await panel.close()
    console.close_poll(poll.id)
    return times


async def main(url: str, db: str, n: int) -> None:
    print(_report("projector: live fragment redraw round trip", await projector_redraws(url, n)))
    print(_report("panel: Show/Hide results, press to redrawn", await panel_actions(url, Store(db), n)))


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    asyncio.run(main(args[0], args[1], int(args[2]) if len(args) > 2 else 50))
