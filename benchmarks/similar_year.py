"""Similar-case lookup and `find` over the demo data, against a plain LIKE scan.

    python benchmarks/similar_year.py [--db /tmp/k-year.db] [--queries 500] [--exact 100]

An existing --db is used as it is (e.g. `swarmbot demo --db /tmp/k.db --weeks 8`); a missing
one is made as the synthetic year of benchmarks/digest_year.py (`demo --bulk`, 52 weeks x
9,616 cases, about 500k; the bulk load indexes its cases once at the end). First --cold
similar queries (other cases) each on the file just dropped from the OS cache; then the
file is read through once (the steady state of a running bot: its index in the OS cache)
and, after --warmup queries not counted, interleaved query by query:

- similar: `store.search.ranked` as `similar` calls it (any of the summary's words,
  resolved cases of one platform, top 3);
- find: every word, any status, a page of 10 (+1 to know if there is more);
- like: the plain alternative, one scan of the cases table that scores each resolved case
  by how many of the words its summary or resolution contains (LIKE '%word%'), top 3.

Queries are the summaries of resolved cases picked at random (fixed seed). Prints the
latency percentiles of each (wall clock, and the process's own CPU time, which the other
work on a shared machine moves less), the machine's load, the size of the FTS5 index beside
the database's, and how good `similar`'s top 3 is:

- the case itself in the top 3 (a year repeats many summaries word for word, so a tie
  can put an identical newer case first);
- on the first --exact queries, agreement with FTS5's own bm25() over every matching case
  (the exhaustive ranking, seconds a query): a result agrees if its exhaustive score is
  at least the exhaustive third best's (ties count).
"""

from __future__ import annotations

import argparse
import os
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
from bot.store.search import WEIGHTS, match_expression  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def make_year(db: Path) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "adapters.cli", "demo", "--db", str(db), "--bulk",
                    "--weeks", "52", "--cases-per-week", "9616", "--seed", "1",
                    "--end-week", "2026-W52"], cwd=ROOT, check=True)
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


def exhaustive(db, words: list[str], platform: str) -> list[tuple[int, float]]:  # noqa: ANN001
    """FTS5's own bm25() over every case holding any word: the best 200 resolved cases of
    the platform, with their scores (lower is better)."""
    sql = (f"SELECT c.id, m.s FROM (SELECT rowid AS id, bm25(case_search, {WEIGHTS}) AS s "
           "FROM case_search WHERE case_search MATCH ? ORDER BY s LIMIT 200) m "
           "JOIN cases c ON c.id = m.id WHERE c.status = 'resolved' AND c.platform = ? "
           "ORDER BY m.s, c.id DESC")
    return [(r[0], r[1]) for r in db.execute(sql, (match_expression(words, False),
                                                   platform)).fetchall()]


def agreeing(top: list[int], best: list[tuple[int, float]]) -> int:
    """How many of `top` score at least the exhaustive third best (ties count)."""
    if len(best) < 3:
        return sum(cid in dict(best) for cid in top)
    scores = dict(best)
    third, last = best[2][1], best[-1][1]
    return sum(1 for cid in top
               if (cid in scores and scores[cid] <= third + 1e-9 * abs(third))
               or (cid not in scores and last <= third))


def evict(path: Path) -> None:
    """Drop `path`'s pages from the OS page cache (this file only, as DAMON's proactive
    reclaim drops cold pages; never the whole machine's caches)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def read_through(path: Path) -> float:
    """Read the whole file once, so the OS holds it in its page cache (as it holds a running
    bot's index, read by every brief, `need` and handoff offer); the seconds it took.
    This VM's proactive reclaim (DAMON) drops a file's pages within minutes of its last
    read, so a year made or read earlier in the run was partly back on disk when its rows
    ran: a p99 of 25-150 ms at 500k cases against 9-11 ms on the same code, and a LIKE scan
    of 3-9 s against 1.7 (BENCHMARKS.md, "Issue 28, tenth session")."""
    started = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass
    return time.perf_counter() - started


def _similar(store, words: list[str], platform: str) -> list[int]:  # noqa: ANN001
    """`similar` as the bot asks it (any of the summary's words, resolved, one platform)."""
    result: list[int] = store.search.ranked(words, every_word=False,
                                            status=CaseStatus.RESOLVED, platforms=[platform],
                                            limit=3)
    return result


def measure(db: Path, queries: int, like_queries: int, exact: int = 0, warmup: int = 0,
            find_queries: int | None = None, cold: int = 0) -> dict[str, Any]:
    """Latencies (s) of similar, find and the LIKE scan, interleaved query by query, on the
    file read through first; before that, with `cold` N, N other similar queries each on
    the file just dropped from the OS cache (`cold_s`: what a query costs read from disk)."""
    store = open_store(db)
    raw = store.db  # the benchmark's own SQL (the baseline, sizes) goes straight to SQLite
    cases = raw.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    ids = [r[0] for r in raw.execute("SELECT id FROM cases WHERE status = 'resolved'")]
    rng = random.Random(13)
    chosen = rng.sample(ids, min(queries + warmup + cold, len(ids)))
    picked = [store.cases.by_id(i) for i in chosen[:queries]]
    cold_s: list[float] = []
    for i in chosen[queries + warmup:]:  # on a cold file: other cases, not in the rows
        case = store.cases.by_id(i)
        assert case is not None
        words = words_of(case.summary)
        evict(db)
        t = time.perf_counter()
        _similar(store, words, case.platform)
        cold_s.append(time.perf_counter() - t)
    read_s = read_through(db)
    for i in chosen[queries:queries + warmup]:  # warm-up: other cases, not counted
        case = store.cases.by_id(i)
        assert case is not None
        _similar(store, words_of(case.summary), case.platform)
    times: dict[str, list[float]] = {"similar": [], "find": [], "like": []}
    cpu: list[float] = []
    found = agree = checked = 0
    load = os.getloadavg()[0]
    for n, case in enumerate(picked):
        assert case is not None
        words = words_of(case.summary)
        t, c = time.perf_counter(), time.process_time()
        top = _similar(store, words, case.platform)
        times["similar"].append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        found += case.id in top
        if find_queries is None or n < find_queries:
            t = time.perf_counter()
            store.search.ranked(words[:3], every_word=True, limit=11)
            times["find"].append(time.perf_counter() - t)
        if n < like_queries:
            t = time.perf_counter()
            like_scan(raw, words, case.platform)
            times["like"].append(time.perf_counter() - t)
        if n < exact:
            agree += agreeing(top, exhaustive(raw, words, case.platform))
            checked += len(top)
    sizes = dict(raw.execute("SELECT name LIKE 'case_search%', SUM(pgsize) FROM dbstat "
                             "GROUP BY name LIKE 'case_search%'").fetchall())
    store.close()
    return {"cases": cases, "queries": len(picked), "times_s": times, "similar_cpu_s": cpu,
            "cold_s": cold_s, "read_through_s": read_s,
            "found": found, "agree": agree, "checked": checked,
            "load": (load, os.getloadavg()[0]),
            "index_bytes": sizes.get(1, 0), "other_bytes": sizes.get(0, 0)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/k-year.db")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--fast-year", action="store_true",
                    help="(kept for old command lines: the bulk load now always indexes once)")
    ap.add_argument("--like-queries", type=int, default=30,
                    help="the LIKE scan is slow at scale: time it on the first N queries")
    ap.add_argument("--exact", type=int, default=0,
                    help="compare `similar` with FTS5's exhaustive bm25() on the first N "
                         "queries (about a second each at 500k cases)")
    ap.add_argument("--find-queries", type=int, default=None,
                    help="time `find` on the first N queries only (default: all)")
    ap.add_argument("--cold", type=int, default=10,
                    help="similar queries timed first, each on the file just dropped from "
                         "the OS cache")
    ap.add_argument("--warmup", type=int, default=50,
                    help="queries run first and not counted (caches, as in a running bot)")
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        make_year(db)
    r = measure(db, args.queries, args.like_queries, args.exact, args.warmup, args.find_queries,
                args.cold)
    times = r["times_s"]
    if r["cold_s"]:
        print(f"on a cold file ({len(r['cold_s'])} queries, each after the file left the OS "
              f"cache): median {statistics.median(r['cold_s']) * 1000:.1f} ms, slowest "
              f"{max(r['cold_s']) * 1000:.1f} ms; then the file read through in "
              f"{r['read_through_s']:.1f} s")
    print(f"{r['cases']:,} cases; {r['queries']} queries (summaries of resolved cases) after "
          f"{args.warmup} not counted; load average {r['load'][0]:.1f} .. {r['load'][1]:.1f} "
          f"on {os.cpu_count()} CPUs")
    print(f"{'':12} {'median ms':>10} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    rows = {**times, "similar cpu": r["similar_cpu_s"]}
    for name, values in rows.items():
        if values:
            print(f"{name:12} {statistics.median(values) * 1000:10.2f} {pct(values, 90):8.2f} "
                  f"{pct(values, 99):8.2f} {max(values) * 1000:8.2f}   ({len(values)} runs)")
    print(f"the case itself in the top 3 of `similar`: {r['found']} of {r['queries']}")
    if r["checked"]:
        print(f"`similar`'s top 3 agreeing with FTS5's exhaustive bm25(): {r['agree']} of "
              f"{r['checked']} ({100 * r['agree'] / r['checked']:.0f}%, first {args.exact} "
              "queries)")
    print(f"FTS5 index {r['index_bytes'] / 1e6:.1f} MB beside {r['other_bytes'] / 1e6:.1f} MB "
          "of everything else")


if __name__ == "__main__":
    main()
