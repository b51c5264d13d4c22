"""Issue 28's figures as `python -m benchmarks` items: the expert finder by directory size,
the nudge pass by open cases, and search on PostgreSQL beside SQLite on the same cases.

With `--growth` each runs at every size of benchmarks/__main__.py's GROWTH, so one run of
`python -m benchmarks --size large --growth` shows the finder at 1k / 10k / 50k people and
the nudge pass at 1k / 3k / 10k open cases (benchmarks/sizes.py); `pg_search` needs a
PostgreSQL server and runs only when named (`--only pg_search`).
"""

from __future__ import annotations

import asyncio
import statistics
from pathlib import Path
from typing import Any

from benchmarks import digest_year, experts, nudge_tick, search_typed
from benchmarks.sizes import Size
from benchmarks.table import Figure, figure

LAST_WEEK = "2026-W52"


def year_db(size: Size, data: Path) -> Path:
    """The synthetic data of `size` as a SQLite file under `data`, made once and reused."""
    db = data / f"year-{size.weeks}x{size.per_week}.db"
    if not db.exists():
        digest_year.make_year(db, size.weeks, size.per_week, LAST_WEEK)
    return db


def finder(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    r = experts.measure(size.people, size.queries)
    f, b = r["finder_s"], r["baseline_s"]
    name = f"expert finder over {size.people:,} people"
    base = ("who has the skills (one indexed read)", f"{size.people:,} people")
    return [figure(f"{name} (median)", "ms", f, b, *base, scale=1000),
            figure(f"{name} (p99)", "ms", [experts.pct(f, 99)], [experts.pct(b, 99)], *base,
                   scale=1000)], r


def nudge(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    runs = 3 if size.name == "small" else 5
    r = asyncio.run(nudge_tick.measure(size.open_cases, runs))
    label = f"{size.open_cases:,} open cases, {r['due']:,} nudges due"
    base = ("finding every nudge due: the full pass", label)
    return [figure("nudge pass, steady tick", "ms", r["steady_s"], r["find_s"], *base,
                   scale=1000),
            figure("nudge pass, longest event-loop stall in a steady tick", "ms",
                   r["steady_stall_s"], None, "", label, scale=1000)], r


def _search_rows(prefix: str, r: dict[str, Any], base: dict[str, Any] | None, base_name: str,
                 label: str) -> list[Figure]:
    rows = []
    for name in ("find", "similar"):
        ours = r["wall"][name]
        theirs = base["wall"][name] if base else None
        rows.append(figure(f"{prefix}{name} (median)", "ms", ours, theirs, base_name, label,
                           scale=1000))
        rows.append(figure(f"{prefix}{name} (p99)", "ms", [search_typed.pct(ours, 99) / 1000],
                           [search_typed.pct(theirs, 99) / 1000] if theirs else None,
                           base_name, label, scale=1000))
    return rows


def pg_search(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    """`find` and similar cases on PostgreSQL beside SQLite over the same synthetic cases
    (benchmarks/search_typed.py), the two stores' queries interleaved in rounds."""
    from benchmarks.pg_common import cluster, migrated
    from bot.store import open_store
    from bot.store.postgres import open_pg_store

    queries, warmup = size.queries, max(2, size.queries // 10)
    lite = open_store(year_db(size, data))
    with cluster() as c:
        pg = open_pg_store(migrated(c))
        try:
            search_typed.fill(pg, size.weeks, size.per_week)
            pg.db.execute("ANALYZE")
            sides: dict[str, list[dict[str, Any]]] = {"postgres": [], "sqlite": []}
            for _ in range(3):  # rounds, alternating the stores
                sides["sqlite"].append(search_typed.measure(lite, queries // 3, warmup))
                sides["postgres"].append(search_typed.measure(pg, queries // 3, warmup))
        finally:
            pg.close()
            lite.close()
    merged = {side: {"wall": {k: [x for r in runs for x in r["wall"][k]]
                              for k in runs[0]["wall"]},
                     "typed_found": all(r["typed_found"] for r in runs)}
              for side, runs in sides.items()}
    rows = _search_rows("PostgreSQL: ", merged["postgres"], merged["sqlite"],
                        "the same on SQLite", size.label)
    medians = {side: {k: statistics.median(v) for k, v in m["wall"].items()}
               for side, m in merged.items()}
    return rows, {"medians_s": medians,
                  "typed_found": {s: m["typed_found"] for s, m in merged.items()}}
