"""Latencies, errors and the server's CPU and memory during a rehearsal.

CPU and memory come from /proc (Linux), for the given process and all its
descendants, so a multi-process server (`serve --workers N`) is measured as
a whole, nginx included.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


@dataclass
class Recorder:
    """Everything the simulated people saw, as it happened."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)  # recent traffic of sessions that failed

    def timing(self, name: str, seconds: float) -> None:
        self.latencies[name].append(seconds)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def error(self, what: str) -> None:
        self.errors.append(what)

    def summary(self, name: str) -> dict:
        """n, p50, p95, p99 and max of one latency, in milliseconds."""
        values = self.latencies.get(name, [])
        ms = lambda v: None if v is None else round(v * 1000)  # noqa: E731
        return {
            "n": len(values),
            "p50_ms": ms(percentile(values, 50)),
            "p95_ms": ms(percentile(values, 95)),
            "p99_ms": ms(percentile(values, 99)),
            "max_ms": ms(max(values) if values else None),
        }


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class ProcessTree:
    """CPU seconds and resident memory of a process and its descendants (and of `also`'s trees)."""

    pid: int
    also: tuple[int, ...] = ()  # e.g. PostgreSQL's postmaster: its backends work for the server

    def sample(self) -> tuple[float, float, int]:
        """(wall time, CPU seconds, RSS bytes) summed over the live tree."""
        cpu, rss = 0.0, 0
        for pid in {p for root in (self.pid, *self.also) for p in _descendants(root)}:
            try:
                cpu += _cpu_seconds(pid)
                rss += _rss_bytes(pid)
            except (OSError, IndexError, ValueError):
                continue  # exited meanwhile
        return time.monotonic(), cpu, rss


@dataclass
class ResourceLog:
    """Samples of the server's CPU and memory, with labelled moments."""

    tree: ProcessTree | None
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    marks: dict[str, tuple[float, float, int]] = field(default_factory=dict)

    def take(self, mark: str | None = None) -> None:
        if self.tree is None:
            return
        sample = self.tree.sample()
        self.samples.append(sample)
        if mark:
            self.marks[mark] = sample

    def summary(self, idle_attendees: int) -> dict:
        """CPU use (mean and peak, in cores), peak RSS and memory per idle attendee."""
        if len(self.samples) < 2:
            return {}
        first, last = self.samples[0], self.samples[-1]
        peaks = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in pairwise(self.samples) if b[0] > a[0]]
        out = {
            "cpu_mean_cores": round((last[1] - first[1]) / (last[0] - first[0]), 2),
            "cpu_peak_cores": round(max(peaks), 2) if peaks else None,
            "rss_start_mb": round(first[2] / 2**20, 1),
            "rss_peak_mb": round(max(s[2] for s in self.samples) / 2**20, 1),
        }
        before, idle = self.marks.get("before_join"), self.marks.get("all_joined_idle")
        if before and idle and idle_attendees:
            out["rss_per_idle_attendee_kb"] = round((idle[2] - before[2]) / idle_attendees / 1024, 1)
        return out


def machine_load() -> dict:
    """The machine's load averages and core count, to report honestly what else ran."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return {}
    return {"cores": os.cpu_count(), "load_1m": round(one, 2), "load_5m": round(five, 2), "load_15m": round(fifteen, 2)}


def own_cpu_seconds() -> float:
    """CPU seconds used so far by this (the rehearsal) process."""
    times = os.times()
    return times.user + times.system
