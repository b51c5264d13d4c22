"""`find` and similar cases on both stores, over the demo's synthetic cases (issue 28).

    python benchmarks/search_typed.py [--weeks 52] [--per-week 192] [--queries 100]
                                      [--sqlite-db FILE] [--no-postgres]

The same synthetic cases (`swarmbot demo --bulk`, seed 1) in a SQLite file and in a
throwaway PostgreSQL (benchmarks/pg_common.py; SWARMBOT_TEST_DATABASE_URL for a server of
your own); an existing --sqlite-db is used as it is. Then, per store, interleaved query by
query (summaries of resolved cases picked at random, fixed seed; --warmup not counted):

- find: the first three words of a summary, every word (stems, prefixes, compounds, one
  typo: bot/store/search_words.py), a page of 10 (+1);
- similar: any of the summary's words, resolved cases of its platform, top 3;
- typed: `find login`, `find loggin`, `find log-in`, the words people type for the demo's
  "cannot log in" cases (which say neither).

Wall-clock and process CPU medians and p99s (the machine is shared: CPU time moves less).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.digest.weeks import parse_week  # noqa: E402
from bot.domain import CaseStatus  # noqa: E402
from bot.services.knowledge import words_of  # noqa: E402
from bot.store import Store, open_store  # noqa: E402
from demo.bulk import run_bulk  # noqa: E402
from demo.plan import DemoSpec  # noqa: E402

TYPED = ("login", "loggin", "log-in")


def fill(store: Store, weeks: int, per_week: int) -> None:
    last = parse_week("2026-W52", "UTC")
    first = last
    for _ in range(weeks - 1):
        first = first.previous()
    run_bulk(store, DemoSpec(first=first, weeks=weeks, cases_per_week=per_week, seed=1))


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t, time.process_time() - c, out


def measure(store: Store, queries: int, warmup: int) -> dict[str, Any]:
    ids = [c.id for c in store.cases.recent(status=CaseStatus.RESOLVED, limit=1_000_000)]
    rng = random.Random(13)
    chosen = [store.cases.by_id(i) for i in rng.sample(ids, min(queries + warmup, len(ids)))]
    wall: dict[str, list[float]] = {"find": [], "similar": [], "typed": []}
    cpu: dict[str, list[float]] = {k: [] for k in wall}
    typed_found = []
    for n, case in enumerate(chosen):
        assert case is not None
        words = words_of(case.summary)
        typed = words_of(TYPED[n % 3])
        runs: dict[str, Callable[[], Any]] = {
            "find": partial(store.search.ranked, words[:3], every_word=True, limit=11),
            "similar": partial(store.search.ranked, words, every_word=False,
                               status=CaseStatus.RESOLVED, platforms=[case.platform],
                               exclude=case.id, limit=3),
            "typed": partial(store.search.ranked, typed, every_word=True, limit=11),
        }
        for name, run in runs.items():
            w, c, out = _timed(run)
            if n >= warmup:
                wall[name].append(w)
                cpu[name].append(c)
            if name == "typed":
                typed_found.append(bool(out))
    return {"wall": wall, "cpu": cpu, "typed_found": all(typed_found)}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def report(label: str, r: dict[str, Any], cases: int) -> None:
    print(f"{label}: {cases:,} cases; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs; `find login/loggin/log-in` all found: {r['typed_found']}")
    for name in r["wall"]:
        w, c = r["wall"][name], r["cpu"][name]
        print(f"  {name:8} wall median {statistics.median(w) * 1000:7.2f} ms  p99 "
              f"{pct(w, 99):7.2f} ms | cpu median {statistics.median(c) * 1000:7.2f} ms  p99 "
              f"{pct(c, 99):7.2f} ms  ({len(w)} runs)")


def explain(pg: Any, asks: dict[str, tuple[list[str], dict[str, Any]]] | None = None
            ) -> None:
    """PostgreSQL's plans (EXPLAIN ANALYZE) of the statement `find login` and a
    similar-cases query run (`PgSearch.query`: run once first, then explained)."""
    asks = asks or {
        "find login": (words_of("login"), {"every_word": True, "limit": 11}),
        "similar (cannot log in after the SSO change)": (
            words_of("cannot log in after the SSO change"),
            {"every_word": False, "status": CaseStatus.RESOLVED, "platforms": ["shell"],
             "limit": 3})}
    for label, (words, options) in asks.items():
        print(f"plan of {label}:")
        pg.search.ranked(words, **options)
        found = pg.search.query(words, **options)
        if found is None:
            print("  (nothing can match)")
            continue
        sql, params = found
        print(f"  statement: {sql[:100]}...")
        for row in pg.db.planned_each_time("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params):
            print("   ", row["QUERY PLAN"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--per-week", type=int, default=192)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--sqlite-db", type=Path, default=None)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--explain", action="store_true",
                    help="print PostgreSQL's plans of a find and a similar query")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.sqlite_db or Path(tmp) / "search.db"
        made = path.exists()
        store = open_store(path)
        if not made:
            fill(store, args.weeks, args.per_week)
        cases = store.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
        report("SQLite", measure(store, args.queries, args.warmup), cases)
        store.close()
    if args.no_postgres:
        return
    from benchmarks.pg_common import cluster, migrated
    from bot.store.postgres import open_pg_store

    with cluster() as c:
        pg = open_pg_store(migrated(c))
        started = time.perf_counter()
        fill(pg, args.weeks, args.per_week)
        pg.db.execute("ANALYZE")
        print(f"(PostgreSQL filled in {time.perf_counter() - started:.0f} s)")
        cases = len(pg.cases.recent(limit=10_000_000))
        report("PostgreSQL", measure(pg, args.queries, args.warmup), cases)
        if args.explain:
            explain(pg)
        pg.close()


if __name__ == "__main__":
    main()
