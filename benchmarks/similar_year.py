"""Similar-case lookup and `find` over the demo data, against a plain LIKE scan.

    python benchmarks/similar_year.py [--db /tmp/k-year.db] [--queries 300]

An existing --db is used as it is (e.g. `swarmbot demo --db /tmp/k.db --weeks 8`); a missing
one is made as the synthetic year of benchmarks/digest_year.py (`demo --bulk`, 52 weeks x
9,616 cases, about 500k). Then, on the warm database, interleaved query by query:

- similar: `store.search.ranked` as `similar` calls it (any of the summary's words,
  resolved cases of one platform, top 3, BM25 through FTS5);
- find: every word, any status, a page of 10 (+1 to know if there is more);
- like: the plain alternative, one scan of the cases table that scores each resolved case
  by how many of the words its summary or resolution contains (LIKE '%word%'), top 3.

Queries are the summaries of resolved cases picked at random (fixed seed). Prints the
latency percentiles of each and the size of the FTS5 index beside the database's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain import CaseStatus  # noqa: E402
from bot.services.knowledge import words_of  # noqa: E402
from bot.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def make_year(db: Path, fast: bool) -> None:
    started = time.perf_counter()
    if not fast:
        subprocess.run([sys.executable, "-m", "adapters.cli", "demo", "--db", str(db), "--bulk",
                        "--weeks", "52", "--cases-per-week", "9616", "--seed", "1",
                        "--end-week", "2026-W52"], cwd=ROOT, check=True)
    else:
        # The same rows, but the index is filled once at the end (m015's own backfill)
        # instead of row by row through its triggers, which made the year 3-4x slower.
        from bot.digest.weeks import parse_week
        from bot.store.schema_search import CASE_SEARCH, statements
        from demo.bulk import run_bulk
        from demo.plan import DemoSpec

        store = open_store(db)
        ddl = statements(CASE_SEARCH)
        triggers = [s for s in ddl if s.strip().startswith("CREATE TRIGGER")]
        backfill = next(s for s in ddl if s.strip().startswith("INSERT INTO case_search"))
        for t in triggers:
            store.db.execute("DROP TRIGGER " + t.split()[2])
        first = parse_week("2026-W52", "UTC")
        for _ in range(51):
            first = first.previous()
        run_bulk(store, DemoSpec(first=first, weeks=52, cases_per_week=9616, seed=1),
                 lambda n: print(f"  {n} cases ({time.perf_counter() - started:.0f} s)"))
        with store.transaction():
            store.db.execute("DELETE FROM case_search")
            store.db.execute(backfill)
            for t in triggers:
                store.db.execute(t)
        store.close()
    print(f"made the year in {time.perf_counter() - started:.0f} s")


def like_scan(db, words: list[str], platform: str) -> list[int]:  # noqa: ANN001
    score = " + ".join("(summary LIKE ? OR IFNULL(resolution, '') LIKE ?)" for _ in words)
    params: list[object] = []
    for w in words:
        params += [f"%{w}%", f"%{w}%"]
    sql = (f"SELECT id FROM (SELECT id, ({score}) AS s FROM cases WHERE status = 'resolved' "
           "AND platform = ?) WHERE s > 0 ORDER BY s DESC, id DESC LIMIT 3")
    return [r[0] for r in db.execute(sql, [*params, platform]).fetchall()]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def measure(db: Path, queries: int, like_queries: int) -> dict[str, Any]:
    """Latencies (s) of similar, find and the LIKE scan, interleaved query by query."""
    store = open_store(db)
    raw = store.db  # the benchmark's own SQL (the baseline, sizes) goes straight to SQLite
    cases = raw.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    ids = [r[0] for r in raw.execute("SELECT id FROM cases WHERE status = 'resolved'")]
    rng = random.Random(13)
    picked = [store.cases.by_id(i) for i in rng.sample(ids, min(queries, len(ids)))]
    times: dict[str, list[float]] = {"similar": [], "find": [], "like": []}
    found = 0
    for n, case in enumerate(picked):
        assert case is not None
        words = words_of(case.summary)
        t = time.perf_counter()
        top = store.search.ranked(words, every_word=False, status=CaseStatus.RESOLVED,
                                  platforms=[case.platform], limit=3)
        times["similar"].append(time.perf_counter() - t)
        found += case.id in top
        t = time.perf_counter()
        store.search.ranked(words[:3], every_word=True, limit=11)
        times["find"].append(time.perf_counter() - t)
        if n < like_queries:
            t = time.perf_counter()
            like_scan(raw, words, case.platform)
            times["like"].append(time.perf_counter() - t)
    sizes = dict(raw.execute("SELECT name LIKE 'case_search%', SUM(pgsize) FROM dbstat "
                             "GROUP BY name LIKE 'case_search%'").fetchall())
    store.close()
    return {"cases": cases, "queries": len(picked), "times_s": times, "found": found,
            "index_bytes": sizes.get(1, 0), "other_bytes": sizes.get(0, 0)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/k-year.db")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--fast-year", action="store_true",
                    help="fill the index once after the rows, not through its triggers")
    ap.add_argument("--like-queries", type=int, default=30,
                    help="the LIKE scan is slow at scale: time it on the first N queries")
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        make_year(db, args.fast_year)
    r = measure(db, args.queries, args.like_queries)
    times = r["times_s"]
    print(f"{r['cases']:,} cases; {r['queries']} queries (summaries of resolved cases)")
    print(f"{'':8} {'median ms':>10} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in times.items():
        if values:
            print(f"{name:8} {statistics.median(values) * 1000:10.2f} {pct(values, 90):8.2f} "
                  f"{pct(values, 99):8.2f} {max(values) * 1000:8.2f}   ({len(values)} runs)")
    print(f"the case itself in the top 3 of `similar`: {r['found']} of {r['queries']}")
    print(f"FTS5 index {r['index_bytes'] / 1e6:.1f} MB beside {r['other_bytes'] / 1e6:.1f} MB "
          "of everything else")


if __name__ == "__main__":
    main()
