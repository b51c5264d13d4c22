"""Issue 28's figures on PostgreSQL as `python -m benchmarks` items, on kept data
(benchmarks/pg_kept.py): search beside SQLite on the same cases, the week's digest beside one
indexed pass, the nudge pass by open cases. `--postgres` runs them at every size it runs.

The year of a size is one database (`year_52x9616`), the same synthetic cases (`swarmbot demo
--bulk`, seed 1, the last week 2026-W52) as the SQLite file of that size, loaded with COPY
(bot/store/bulk.py) and VACUUM ANALYZEd once. The nudge pass sends its nudges, so it runs on
a copy of its kept database (`CREATE DATABASE ... TEMPLATE`), dropped after.

`python -m benchmarks.pg_growth --sizes large` makes the 504k year in about 10 minutes on
the shared 2-core machine (604 s under load 3-6: the rows 6 min, then the indexes, search
documents, kept figures and VACUUM ANALYZE 4 min; the load's indexes are made after its rows,
bot/store/pg_bulk.py). Before, each 50k cases took longer than the last and the fill was
given up at 150k after 40 minutes. Its nudge pass's 10k open cases take a few minutes more.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import digest_year, nudge_tick, pg_digest_year, search_typed, similar_year
from benchmarks.growth import LAST_WEEK, year_db
from benchmarks.pg_kept import kept, kept_run
from benchmarks.sizes import Size
from benchmarks.table import Figure, digest_figures, figure
from bot.digest.weeks import parse_week
from bot.store import open_store
from bot.store.postgres import open_pg_store
from demo.bulk import run_bulk
from demo.plan import DemoSpec


def _fill_year(size: Size, url: str) -> None:
    last = parse_week(LAST_WEEK, "UTC")
    first = last
    for _ in range(size.weeks - 1):
        first = first.previous()
    started = time.perf_counter()

    def progress(n: int) -> None:
        print(f"  {n:,} cases ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    store = open_pg_store(url)
    try:
        run_bulk(store, DemoSpec(first=first, weeks=size.weeks, cases_per_week=size.per_week,
                                 seed=1), progress)
        store.db.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
    finally:
        store.close()


def year_url(size: Size, data: Path) -> str:
    """The synthetic year of `size` on the kept PostgreSQL, filled once."""
    return kept(data).database(f"year_{size.weeks}x{size.per_week}",
                               lambda url: _fill_year(size, url))


def _search_rows(r: dict[str, Any], base: dict[str, Any], label: str) -> list[Figure]:
    rows = []
    for name in ("find", "similar"):
        ours, theirs = r["wall"][name], base["wall"][name]
        rows.append(figure(f"PostgreSQL: {name} (median)", "ms", ours, theirs,
                           "the same on SQLite", label, scale=1000))
        rows.append(figure(f"PostgreSQL: {name} (p99)", "ms", [search_typed.pct(ours, 99) / 1000],
                           [search_typed.pct(theirs, 99) / 1000], "the same on SQLite", label,
                           scale=1000))
    return rows


def read_through_pg(store: Any) -> float:
    """Read the files of the store's database once, as similar_year.read_through reads the
    SQLite year: both sides of a row in the OS cache, as a running server's data is (this
    VM drops idle file pages within minutes). The seconds it took; -1 when the server's
    files cannot be read from here (another user's server, or another machine's, or a role
    that may not see `data_directory`): said on stderr."""
    row = store.db.execute(
        "SELECT (SELECT setting FROM pg_settings WHERE name = 'data_directory') AS d, d.oid "
        "AS oid FROM pg_database d WHERE d.datname = current_database()").fetchone()
    started = time.perf_counter()
    try:
        if not row or not row["d"]:
            raise PermissionError("this role may not see the server's data_directory")
        for f in sorted((Path(row["d"]) / "base" / str(row["oid"])).iterdir()):
            similar_year.read_through(f)
    except OSError as e:
        print(f"the PostgreSQL side was not read through first: {e}", file=sys.stderr)
        return -1.0
    return time.perf_counter() - started


def pg_search(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    """`find` and similar cases on PostgreSQL beside SQLite over the same synthetic cases
    (benchmarks/search_typed.py), the two stores' queries interleaved in rounds, each
    store's data read through first."""
    queries, warmup = size.queries, max(2, size.queries // 10)
    lite_read = similar_year.read_through(year_db(size, data))
    lite = open_store(year_db(size, data))
    pg = open_pg_store(year_url(size, data))
    try:
        pg_read = read_through_pg(pg)
        sides: dict[str, list[dict[str, Any]]] = {"postgres": [], "sqlite": []}
        for _ in range(3):  # rounds, alternating the stores
            sides["sqlite"].append(search_typed.measure(lite, queries // 3, warmup))
            sides["postgres"].append(search_typed.measure(pg, queries // 3, warmup))
    finally:
        pg.close()
        lite.close()
    merged: dict[str, dict[str, Any]] = {side: {"wall": {k: [x for r in runs for x in r["wall"][k]]
                              for k in runs[0]["wall"]},
                     "typed_found": all(r["typed_found"] for r in runs)}
              for side, runs in sides.items()}
    rows = _search_rows(merged["postgres"], merged["sqlite"], size.label)
    medians = {side: {k: statistics.median(v) for k, v in m["wall"].items()}
               for side, m in merged.items()}
    return rows, {"medians_s": medians, "read_through_s": {"sqlite": lite_read,
                                                          "postgres": pg_read},
                  "typed_found": {s: m["typed_found"] for s, m in merged.items()}}


def pg_digest(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    """A finished week mid-way through the year, as `digest` measures it on SQLite."""
    week = digest_year.parse_week(LAST_WEEK, "Europe/Berlin")
    for _ in range(size.weeks // 2):
        week = week.previous()
    store = open_pg_store(year_url(size, data))
    try:
        r = pg_digest_year.measure_week(store, week, size.rounds)
    finally:
        store.close()
    return digest_figures(r, size.label, "PostgreSQL: "), r


def _fill_nudges(n: int, url: str) -> None:
    store = open_pg_store(url)
    try:
        nudge_tick.fill(store, n)
    finally:
        store.close()


def pg_nudge(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    n, runs = size.open_cases, 3 if size.name == "small" else 5
    pg = kept(data)
    template = pg.database(f"nudge_{n}", partial(_fill_nudges, n))
    name = f"nudge_{n}_run"
    store = open_pg_store(pg.copy(name, template.rsplit("/", 1)[1]))
    try:
        r = asyncio.run(nudge_tick.measure_on(store, n, runs))
    finally:
        store.close()
        pg.drop(name)
    label = f"{n:,} open cases, {r['due']:,} nudges due"
    base = ("finding every nudge due: the full pass", label)
    return [figure("PostgreSQL: nudge pass, steady tick", "ms", r["steady_s"], r["find_s"],
                   *base, scale=1000),
            figure("PostgreSQL: nudge pass, longest event-loop stall in a steady tick", "ms",
                   r["steady_stall_s"], None, "", label, scale=1000)], r


# The PostgreSQL rows of issue 28, run by --postgres at every size (pg_experts joins them when
# benchmarks/pg_entries.py has it).
PG_GROWTH = {"pg_search": pg_search, "pg_digest": pg_digest, "pg_nudge": pg_nudge}


def fill(sizes: list[Size], data: Path) -> None:
    """Every kept PostgreSQL database the given sizes' rows use, made now (or checked)."""
    with kept_run(data) as pg:
        for size in sizes:
            started = time.perf_counter()
            year_url(size, data)
            pg.database(f"nudge_{size.open_cases}", partial(_fill_nudges, size.open_cases))
            print(f"{size.name}: year_{size.weeks}x{size.per_week} and nudge_{size.open_cases} "
                  f"ready ({time.perf_counter() - started:.0f} s)", flush=True)
        print(f"filled in this run: {pg.filled or 'nothing (all kept)'}")


def main() -> None:
    import argparse

    from benchmarks.sizes import SIZES

    ap = argparse.ArgumentParser(prog="python -m benchmarks.pg_growth",
                                 description="Make the kept PostgreSQL data of these sizes now "
                                             "(a later `--postgres` run only measures).")
    ap.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["10k", "medium", "large"])
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/swarmbot-bench"))
    args = ap.parse_args()
    fill([SIZES[s] for s in args.sizes], args.data_dir)


if __name__ == "__main__":
    main()
