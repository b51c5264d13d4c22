"""Issue 28's figures as `python -m benchmarks` items: the expert finder by directory size,
the nudge pass by open cases, and the synthetic years as SQLite files.

With `--growth` each runs at every size of benchmarks/__main__.py's GROWTH, so one run of
`python -m benchmarks --size large --growth` shows the finder at 1k / 10k / 50k people and
the nudge pass at 1k / 3k / 10k open cases (benchmarks/sizes.py); their PostgreSQL twins
are in benchmarks/pg_growth.py.
"""

from __future__ import annotations

import asyncio
import fcntl
from pathlib import Path
from typing import Any

from benchmarks import digest_year, experts, nudge_tick
from benchmarks.sizes import Size
from benchmarks.table import Figure, figure

LAST_WEEK = "2026-W52"


def year_db(size: Size, data: Path) -> Path:
    """The synthetic data of `size` as a SQLite file under `data`, made once and reused: made
    as `<name>.part` and renamed when whole, so a fill that was stopped is not taken for
    data (one run at a time makes it: a lock file beside it)."""
    db = data / f"year-{size.weeks}x{size.per_week}.db"
    if db.exists():
        return db
    with open(data / f"{db.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not db.exists():  # another run may have made it meanwhile
            part = data / f"{db.name}.part"
            for stale in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
                stale.unlink(missing_ok=True)
            digest_year.make_year(part, size.weeks, size.per_week, LAST_WEEK)
            part.rename(db)
    return db


def finder(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    r = experts.measure(size.people, size.queries, warmup=experts.warmup(size.queries))
    return experts.rows(r, ""), r


def nudge(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    runs = 3 if size.name == "small" else 5
    r = asyncio.run(nudge_tick.measure(size.open_cases, runs))
    label = f"{size.open_cases:,} open cases, {r['due']:,} nudges due"
    base = ("finding every nudge due: the full pass", label)
    return [figure("nudge pass, steady tick", "ms", r["steady_s"], r["find_s"], *base,
                   scale=1000),
            figure("nudge pass, longest event-loop stall in a steady tick", "ms",
                   r["steady_stall_s"], None, "", label, scale=1000)], r
