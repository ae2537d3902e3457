"""Server CPU per attendee screen redraw, measured one at a time.

Usage: python bench/run_cost.py URL SERVER_PID [N] [live]
e.g.   python bench/run_cost.py http://127.0.0.1:8501 12345 200
With `live`, only the Now screen's live fragment is redrawn, N times (what
bench/redraw_profile.sh profiles: the redraw live push asks of every phone).

Capacity is set by how much of the server's one core (the GIL) each redraw
takes. This opens one phone on the Now screen and asks the server for N
redraws of each kind, one after another, reading the server's CPU time from
/proc before and after:
- "full": the whole page runs again (what a first visit or a page link costs);
- "live part": only the fragment that shows the live activity runs again
  (what live push asks for when the facilitator changes activity), if the
  page has one;
- "wall page": the whole Wall page runs again (what opening it costs), then
  each of its fragments (the notes part is what posting a note or a +1
  costs, less the write); it lists the latest notes, so give the event some
  first.
Run it against an otherwise idle server.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from eventkit.access.security import new_token
from eventkit.rehearse.client import StreamlitSession, http_get


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(session: StreamlitSession, pid: int, n: int, fragment_id: str) -> tuple[float, float]:
    """(server CPU ms, wall ms) per redraw, averaged over n sequential redraws."""
    cpu, wall = cpu_seconds(pid), time.monotonic()
    for _ in range(n):
        full, frag = session.runs_finished, session.fragment_runs
        await session.rerun(fragment_id=fragment_id)
        await session.wait_for(lambda s, full=full, frag=frag: s.runs_finished > full or s.fragment_runs > frag, 30)
    return (cpu_seconds(pid) - cpu) * 1000 / n, (time.monotonic() - wall) * 1000 / n


async def main(url: str, pid: int, n: int, only_live: bool = False) -> None:
    query = f"event=FIFE16&table=1&p={new_token()}"
    _, headers, _ = await http_get(url, f"/?{query}")
    session = StreamlitSession(url, "", query, headers.get("set-cookie", "").split(";")[0])
    await session.open()
    await session.wait_for(lambda s: s.runs_finished and s.find("page_link", label="Wall"), 30)
    await measure(session, pid, 5, "")  # warm up
    live = [f for f, root in session._fragment_roots.items() if root and session.elements.get(root)]
    if only_live:
        await measure(session, pid, 5, live[0])
        cpu, wall = await measure(session, pid, n, live[0])
        print(f"live fragment: {cpu:5.2f} ms server CPU, {wall:5.2f} ms round trip ({n} runs)")
        return await session.close()
    cpu, wall = await measure(session, pid, n, "")
    print(f"full page run:  {cpu:5.1f} ms server CPU, {wall:5.1f} ms round trip ({n} runs)")
    for fragment_id in live:
        cpu, wall = await measure(session, pid, n, fragment_id)
        print(f"fragment {fragment_id[:8]}: {cpu:5.1f} ms server CPU, {wall:5.1f} ms round trip ({n} runs)")
    on_now = set(session._fragment_roots)
    await session.go_to("wall")
    await session.wait_for(lambda s: s.find("text_area", label="Your note (anonymous)"), 30)
    await measure(session, pid, 5, "")
    cpu, wall = await measure(session, pid, n, "")
    notes = sum(getattr(b.proto, "label", "").startswith("+1") for b in session.find("button"))
    print(f"wall page run:  {cpu:5.1f} ms server CPU, {wall:5.1f} ms round trip ({n} runs, {notes} notes listed)")
    for fragment_id in [f for f, root in session._fragment_roots.items() if root and f not in on_now]:
        cpu, wall = await measure(session, pid, n, fragment_id)
        print(f"wall fragment {fragment_id[:8]}: {cpu:5.1f} ms server CPU, {wall:5.1f} ms round trip ({n} runs)")
    await session.close()


if __name__ == "__main__":
    asyncio.run(
        main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 200, sys.argv[4:5] == ["live"])
    )
