"""Similar cases on PostgreSQL, before and after, beside SQLite, on databases filled once
(issue 28: p99 < 20 ms at 10k / 100k / 500k cases, within 2x of SQLite).

    python benchmarks/pg_similar.py --pg-url URL [--sqlite-db FILE] [--before FILE]
                                    [--before-url URL] [--queries 200] [--warmup 20]
                                    [--exact 50] [--explain]

URL is a database at this release's schema holding the synthetic year (fill one with
`python benchmarks/pg_similar.py --fill 1923 --pg-url URL`: `demo --bulk`, seed 1, 52
weeks, as benchmarks/search_typed.py fills); FILE a SQLite year of the same spec
(benchmarks/growth.year_db). `--before` names an older bot/store/pg_search.py (e.g.
`git show main:bot/store/pg_search.py > /tmp/before.py`) whose similar-cases statement is
timed on the same database in the same rounds (or an older bot/store/pg_similar.py, e.g.
`git show 361a3dc:bot/store/pg_similar.py > /tmp/before.py`: its statement run by today's
search), or with `--before-url` on another database (one at the older release's schema,
e.g. before a migration: the older statement is read there through a bare connection, and
its server's CPU is its own database's backends').
The last lines give PostgreSQL's CPU and wall clock over SQLite's, median and p99.

Per query (summaries of resolved cases picked at random, fixed seed, the stores and sides
interleaved query by query, in a random order each time): wall clock, this process's CPU
and the server's (the CPU time its backends connected to URL's database ran, from
/proc/PID/schedstat: a server on this machine). On a shared machine the CPU figures move
less than the wall clock. Quality per side: the case itself in the top 3 (its own summary,
not excluded), and on the first --exact queries how many of the top 3 score at least the
exhaustive third best ts_rank over every match (ties count).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain import CaseStatus  # noqa: E402
from bot.services.knowledge import words_of  # noqa: E402
from bot.store import open_store, pg_similar  # noqa: E402
from bot.store.pg_db import PgDb  # noqa: E402
from bot.store.pg_search import PgSearch, group_tsquery  # noqa: E402
from bot.store.postgres import open_pg_store  # noqa: E402
from bot.store.search_words import expand  # noqa: E402

Ranked = Callable[..., list[int]]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def backends(pg: Any) -> list[int]:
    """The server processes connected to this database (another database's work on the
    same cluster is not counted)."""
    return [int(r["pid"]) for r in pg.db.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")]


def on_cpu(pids: list[int]) -> float:
    """Seconds these processes have run on a CPU (/proc/PID/schedstat, in ns)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


def before_ranked(path: Path, pg: Any) -> Ranked:
    """An older pg_search.py's `ranked`, or with an older pg_similar.py today's `ranked`
    running that file's statement (the same expansion, connection and preparing)."""
    spec = importlib.util.spec_from_file_location("pg_search_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if hasattr(module, "PgSearch"):
        ranked: Ranked = module.PgSearch(pg.db).ranked
        return ranked
    search = PgSearch(pg.db)

    def with_older_statement(*args: Any, **kwargs: Any) -> list[int]:
        today = pg_similar.similar_sql
        pg_similar.similar_sql = module.similar_sql
        try:
            return search.ranked(*args, **kwargs)
        finally:
            pg_similar.similar_sql = today

    return with_older_statement


class _Bare:
    """A database at another schema, read only through its connection pool."""

    def __init__(self, url: str) -> None:
        self.db = PgDb(url)

    def close(self) -> None:
        self.db.close()


def exhaustive(pg: Any, words: list[str], platform: str) -> list[tuple[int, float]]:
    """Every resolved case holding any of the words, by ts_rank (the exact answer)."""
    groups = [g for g in expand(words, pg.search.vocabulary, prefix=False) if g.hit]
    if not groups:
        return []
    rows = pg.db.execute(
        "SELECT d.case_id AS id, ts_rank(d.doc, q) AS r FROM case_docs d JOIN cases c ON "
        "c.id = d.case_id, to_tsquery('english', ?) q WHERE d.doc @@ q AND c.status = "
        "'resolved' AND c.platform = ? ORDER BY r DESC, d.case_id DESC",
        (" | ".join(group_tsquery(g) for g in groups), platform))
    return [(int(r["id"]), float(r["r"])) for r in rows]


def agreeing(top: list[int], best: list[tuple[int, float]]) -> int:
    if len(best) < 3:
        return sum(cid in dict(best) for cid in top)
    scores, third = dict(best), best[2][1]
    return sum(1 for cid in top if scores.get(cid, -1.0) >= third - 1e-6)


def run(args: argparse.Namespace) -> None:
    pg = open_pg_store(args.pg_url)
    sides: dict[str, tuple[Ranked, Any]] = {"postgres": (pg.search.ranked, pg)}
    if args.before:
        older = _Bare(args.before_url) if args.before_url else pg
        sides["postgres before"] = (before_ranked(args.before, older), older)
    lite = None
    if args.sqlite_db:
        lite = open_store(args.sqlite_db)
        sides["sqlite"] = (lite.search.ranked, lite)
    ids = [c.id for c in pg.cases.recent(status=CaseStatus.RESOLVED, limit=10_000_000)]
    rng = random.Random(13)
    picked = [pg.cases.by_id(i) for i in rng.sample(ids, args.queries + args.warmup)]
    wall: dict[str, list[float]] = {s: [] for s in sides}
    cpu: dict[str, list[float]] = {s: [] for s in sides}
    itself = dict.fromkeys(sides, 0)
    agree = dict.fromkeys(sides, 0)
    server: dict[str, list[float]] = {s: [] for s in sides if s != "sqlite"}
    load = [os.getloadavg()[0]]
    pids: dict[str, list[int]] = {}
    for n, case in enumerate(picked):
        assert case is not None
        words = words_of(case.summary)
        best = exhaustive(pg, words, case.platform) if args.warmup <= n < args.warmup + \
            args.exact else None
        if n == args.warmup:  # the pool's connections are open by now
            pids = {side: backends(store) for side, (_, store) in sides.items()
                    if side in server}
        for side, (ranked, _) in sorted(sides.items(), key=lambda _s: rng.random()):
            s0 = on_cpu(pids.get(side, [])) if side in server else 0.0
            t, c0 = time.perf_counter(), time.process_time()
            top = ranked(words, every_word=False, status=CaseStatus.RESOLVED,
                         platforms=[case.platform], limit=3)
            took, cp = time.perf_counter() - t, time.process_time() - c0
            if n < args.warmup:
                continue
            if side in server:
                server[side].append(on_cpu(pids.get(side, [])) - s0)
            wall[side].append(took)
            cpu[side].append(cp)
            itself[side] += case.id in top
            if best is not None:
                agree[side] += agreeing(top, best)
    load.append(os.getloadavg()[0])
    print(f"{len(ids):,} resolved cases; load average {load[0]:.1f} -> {load[1]:.1f} on "
          f"{os.cpu_count()} CPUs; {args.queries} queries; wall | this process's CPU | the "
          "server's CPU (its backends' /proc schedstat) | both CPUs, median / p99 ms")
    for side in sides:
        w, c = wall[side], cpu[side]
        both = [a + b for a, b in zip(c, server[side], strict=True)] if side in server else c
        extra = (f" | server {statistics.median(server[side]) * 1000:5.2f} / "
                 f"{pct(server[side], 99):6.2f}" if side in server else "")
        print(f"  {side:16} wall {statistics.median(w) * 1000:6.2f} / {pct(w, 99):7.2f} | "
              f"client {statistics.median(c) * 1000:5.2f} / {pct(c, 99):6.2f}{extra} | both "
              f"{statistics.median(both) * 1000:5.2f} / {pct(both, 99):6.2f} | itself in top "
              f"3: {itself[side]} of {len(w)}" + (
                  f"; top 3 agreeing with ts_rank over every match: {agree[side]} of "
                  f"{3 * args.exact}" if args.exact else ""))
    if lite:
        for side in (s for s in sides if s in server):
            both = [a + b for a, b in zip(cpu[side], server[side], strict=True)]
            base = statistics.median(cpu["sqlite"])
            print(f"  {side} over SQLite: CPU {statistics.median(both) / base:.2f}x"
                  f" median, {pct(both, 99) / pct(cpu['sqlite'], 99):.2f}x p99; wall "
                  f"{statistics.median(wall[side]) / statistics.median(wall['sqlite']):.2f}x "
                  f"median, {pct(wall[side], 99) / pct(wall['sqlite'], 99):.2f}x p99")
    if args.explain:
        from benchmarks.search_typed import explain

        explain(pg)
        explain(pg, {"similar (contract renewal ... DPA-7190 ...)": (
            words_of("contract renewal blocked by a liability clause (error DPA-7190, "
                     "since release 3.6)"),
            {"every_word": False, "status": CaseStatus.RESOLVED, "platforms": ["shell"],
             "limit": 3})})
    pg.close()
    if lite:
        lite.close()
    if args.before_url:
        sides["postgres before"][1].close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--sqlite-db", type=Path)
    ap.add_argument("--before", type=Path)
    ap.add_argument("--before-url", help="the database `--before`'s statement runs on")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--exact", type=int, default=50)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--fill", type=int, metavar="PER_WEEK",
                    help="fill the (migrated, empty) database first: 52 weeks of this many")
    args = ap.parse_args()
    if args.fill:
        from benchmarks.search_typed import fill

        pg = open_pg_store(args.pg_url, migrate=True)
        fill(pg, 52, args.fill)
        pg.db.execute("ANALYZE")
        pg.close()
    run(args)


if __name__ == "__main__":
    main()
