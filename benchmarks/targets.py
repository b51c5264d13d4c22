"""Issue 28's targets, one per figure it names, so the table says per row whether it is met.

A row's target is found by its name (both stores' rows; the sizes all carry it, the issue
names the largest): a limit on swarmbot's figure (`below`, in the row's unit), a limit on its
ratio to the baseline measured beside it (`ratio`), or both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from benchmarks.table import Figure


@dataclass(frozen=True)
class Target:
    text: str  # as the table shows it
    below: float | None = None  # swarmbot's figure under this (the row's unit)
    ratio: float | None = None  # swarmbot / baseline at most this
    unit: str = "ms"

    def met(self, f: Figure) -> bool:
        if self.below is not None and not (f.unit == self.unit and f.ours < self.below):
            return False
        return self.ratio is None or (f.ratio is not None and f.ratio <= self.ratio)


PG = r"(PostgreSQL: )?"
TARGETS: list[tuple[re.Pattern[str], Target]] = [(re.compile(p), t) for p, t in [
    (rf"^{PG}expert finder over [\d,]+ people \(p99\)", Target("p99 < 20 ms", below=20)),
    (r"^find \(median\)$", Target("< 30 ms", below=30)),
    (r"^PostgreSQL: find \(median\)$", Target("< 30 ms, <= 2x SQLite", below=30, ratio=2)),
    (r"^similar cases \(p99\)$", Target("< 20 ms", below=20)),
    (r"^PostgreSQL: similar \(p99\)$", Target("< 20 ms, <= 2x SQLite", below=20, ratio=2)),
    (r"^PostgreSQL: (find \(p99\)|similar \(median\))$", Target("<= 2x SQLite", ratio=2)),
    (rf"^{PG}digest of .*, computed, warm$", Target("<= 1.5x", ratio=1.5)),
    (rf"^{PG}digest, first request in a fresh process, computed$", Target("<= 2x", ratio=2)),
    (rf"^{PG}nudge pass, steady tick$", Target("< 200 ms", below=200)),
    (rf"^{PG}nudge pass, longest event-loop stall", Target("< 50 ms", below=50)),
]]


def target_of(name: str) -> Target | None:
    return next((t for pattern, t in TARGETS if pattern.search(name)), None)


def judge(figures: list[Figure]) -> list[Figure]:
    """The figures, each with its target and whether this run met it (if it has one)."""
    out = []
    for f in figures:
        t = target_of(f.name)
        out.append(f if t is None else replace(f, target=t.text, met=t.met(f)))
    return out


def summary(figures: list[Figure]) -> str:
    """One line: how many of the rows with a target met it, and which did not."""
    judged = [f for f in figures if f.met is not None]
    if not judged:
        return ""
    missed = [f"{f.name} ({f.size})" for f in judged if not f.met]
    line = f"Issue 28 targets: {len(judged) - len(missed)} of {len(judged)} rows met"
    return line + (f"; not met: {'; '.join(missed)}." if missed else ".")
