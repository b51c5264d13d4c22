"""Why the slowest similar-case and expert-finder queries are slow (issue 28's p99 tails):
each query's own record, not the percentile alone.

    python -m benchmarks.tails pg_similar --size 10k --data-dir /tmp/tails-bench
    python -m benchmarks.tails sqlite_similar --size large --data-dir /tmp/tails-bench
    python -m benchmarks.tails sqlite_similar --size large --evict-every 1 (cold each query)
    python -m benchmarks.tails pg_experts --people 50000

Each query is timed as the harness times it (benchmarks/search_typed.py, experts.py) and
written down with: its wall time; this process's CPU time; the CPU time each PostgreSQL
process used meanwhile (from /proc, benchmarks/proc_cpu.py: the backend that ran it, and any
other, e.g. autovacuum); this process's page faults (major: read from disk) and bytes read;
Python's garbage collections during it; the pool's connections; its words. The slowest are
printed with the median query's record beside them. `--json FILE` keeps every record.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.proc_cpu import children  # noqa: E402
from benchmarks.similar_year import evict  # noqa: E402
from benchmarks.sizes import SIZES  # noqa: E402
from bot.domain import CaseStatus  # noqa: E402
from bot.services.knowledge import words_of  # noqa: E402
from bot.store import Store  # noqa: E402


class _Gc:
    """Python's collections (generation, seconds) while `on`."""

    def __init__(self) -> None:
        self.on = False
        self.seen: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if not self.on:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seen.append((info["generation"], time.perf_counter() - self._started))


def _self_io() -> tuple[int, int, int]:
    """This process's minor and major page faults, and bytes read from storage."""
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    read = 0
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("read_bytes:"):
                read = int(line.split()[1])
    except OSError:
        pass
    return int(fields[7]), int(fields[9]), read


def _sched(path: str) -> tuple[float, float]:
    """CPU time and time spent runnable but waiting for a CPU (ms), from the scheduler's
    counters (nanoseconds, where /proc/PID/stat counts 10 ms ticks); (0, 0) if gone."""
    try:
        run, wait = Path(path).read_text().split()[:2]
    except OSError:
        return 0.0, 0.0
    return int(run) / 1e6, int(wait) / 1e6


def _postmaster(store: Any) -> int | None:
    row = store.db.execute("SHOW data_directory").fetchone()
    try:
        return int(Path(row["data_directory"], "postmaster.pid").read_text().split()[0])
    except OSError:
        return None


class Recorder:
    """Times calls and writes each one's record down."""

    def __init__(self, postmaster: int | None = None, pool: Any = None) -> None:
        self.postmaster = postmaster
        self.pool = pool
        self.records: list[dict[str, Any]] = []
        self._gc = _Gc()
        gc.callbacks.append(self._gc)

    def close(self) -> None:
        gc.callbacks.remove(self._gc)

    def _server(self) -> dict[int, tuple[float, float]]:
        if self.postmaster is None:
            return {}
        return {pid: _sched(f"/proc/{pid}/schedstat") for pid in children(self.postmaster)}

    def timed(self, fn: Callable[[], Any], **about: Any) -> Any:
        server = self._server()
        faults = _self_io()
        self._gc.seen = []
        self._gc.on = True
        mine = _sched("/proc/thread-self/schedstat")
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        mine_after = _sched("/proc/thread-self/schedstat")
        self._gc.on = False
        after_faults = _self_io()
        after = self._server()
        busy = {pid: round(s[0] - server.get(pid, (0.0, 0.0))[0], 2)
                for pid, s in after.items() if s[0] - server.get(pid, (0.0, 0.0))[0] > 0.01}
        waited = sum(s[1] - server.get(pid, (0.0, 0.0))[1] for pid, s in after.items())
        record = {"wall_ms": wall * 1000, "cpu_ms": cpu * 1000,
                  "server_ms": busy, "server_wait_ms": round(waited, 2),
                  "wait_ms": round(mine_after[1] - mine[1], 2),
                  "new_backends": sorted(set(after) - set(server)),
                  "minflt": after_faults[0] - faults[0], "majflt": after_faults[1] - faults[1],
                  "read_kb": (after_faults[2] - faults[2]) // 1024,
                  "gc": [(g, round(s * 1000, 2)) for g, s in self._gc.seen],
                  "load": os.getloadavg()[0], **about}
        if self.pool is not None:
            stats = self.pool.get_stats()
            record["pool"] = {k: stats.get(k, 0) for k in ("pool_size", "connections_num")}
        self.records.append(record)
        return out


def _similar_queries(store: Store, queries: int, warmup: int, seed: int = 13
                     ) -> Iterator[tuple[int, Any]]:
    """The cases whose summaries benchmarks/search_typed.py asks about, in its order."""
    ids = [c.id for c in store.cases.recent(status=CaseStatus.RESOLVED, limit=1_000_000)]
    rng = random.Random(seed)
    for n, i in enumerate(rng.sample(ids, min(queries + warmup, len(ids)))):
        yield n, store.cases.by_id(i)


def similar_round(store: Store, rec: Recorder, queries: int, warmup: int, side: str,
                  rnd: int) -> None:
    """One round of benchmarks/search_typed.py's `measure` (find, similar, typed interleaved),
    every similar query recorded (the others run as there, unrecorded)."""
    from benchmarks.search_typed import TYPED

    for n, case in _similar_queries(store, queries, warmup):
        words = words_of(case.summary)
        store.search.ranked(words[:3], every_word=True, limit=11)
        rec.timed(partial(store.search.ranked, words, every_word=False,
                          status=CaseStatus.RESOLVED, platforms=[case.platform],
                          exclude=case.id, limit=3), side=side, round=rnd, n=n, counted=n >= warmup,
            case=case.id, words=" ".join(words))
        store.search.ranked(words_of(TYPED[n % 3]), every_word=True, limit=11)


def pg_similar(size_name: str, data: Path) -> list[dict[str, Any]]:
    """pg_search's rounds (benchmarks/pg_growth.py) on the kept data of `data`."""
    from benchmarks.growth import year_db
    from benchmarks.pg_growth import year_url
    from benchmarks.pg_kept import kept_run
    from bot.store import open_store
    from bot.store.postgres import open_pg_store

    size = SIZES[size_name]
    queries, warmup = size.queries, max(2, size.queries // 10)
    with kept_run(data):
        lite = open_store(year_db(size, data))
        pg = open_pg_store(year_url(size, data))
        rec_pg = Recorder(_postmaster(pg), pg.db.pool)
        rec_lite = Recorder()
        try:
            for rnd in range(3):
                similar_round(lite, rec_lite, queries // 3, warmup, "sqlite", rnd)
                similar_round(pg, rec_pg, queries // 3, warmup, "postgres", rnd)
        finally:
            rec_pg.close()
            rec_lite.close()
            pg.close()
            lite.close()
    return rec_lite.records + rec_pg.records


def sqlite_similar(size_name: str, data: Path, evict_every: int = 0) -> list[dict[str, Any]]:
    """The `similar` row's queries (benchmarks/similar_year.py: warm-up, then each query's
    similar, find and the first 30 LIKE scans interleaved), every similar recorded. With
    `evict_every` N, the file's pages leave the OS cache before every Nth query (the
    process's own SQLite page cache stays): what a query reads from disk when cold."""
    from benchmarks.growth import year_db
    from benchmarks.similar_year import like_scan
    from bot.store import open_store

    size = SIZES[size_name]
    queries, warmup = size.queries, max(5, size.queries // 10)
    store = open_store(year_db(size, data))
    rec = Recorder()
    try:
        raw = store.db
        ids = [r[0] for r in raw.execute("SELECT id FROM cases WHERE status = 'resolved'")]
        chosen = random.Random(13).sample(ids, min(queries + warmup, len(ids)))
        order = chosen[queries:] + chosen[:queries]  # the warm-up first, as there
        for n, i in enumerate(order):
            case = store.cases.by_id(i)
            assert case is not None
            words = words_of(case.summary)
            if evict_every and n % evict_every == 0:
                evict(year_db(size, data))
            counted = n >= len(chosen) - queries
            rec.timed(partial(store.search.ranked, words, every_word=False,
                              status=CaseStatus.RESOLVED, platforms=[case.platform],
                              limit=3), side="sqlite", n=n, counted=counted,
                case=case.id, words=" ".join(words))
            if counted:
                store.search.ranked(words[:3], every_word=True, limit=11)
                if n - (len(chosen) - queries) < 30:
                    like_scan(raw, words, case.platform)
    finally:
        rec.close()
        store.close()
    return rec.records


def _fill_people(people: int, url: str) -> None:
    from benchmarks.experts import fill
    from bot.store.postgres import open_pg_store

    store = open_pg_store(url)
    try:
        fill(store, people, random.Random(5))
        store.db.execute("VACUUM ANALYZE")  # as autovacuum would after the load (experts.py)
    finally:
        store.close()


def pg_experts(people: int, queries: int, data: Path) -> list[dict[str, Any]]:
    """benchmarks/experts.py's PostgreSQL loop, each find_experts recorded, on its people
    kept in `data`'s cluster (database experts_<people>, filled on first use)."""
    from benchmarks.experts import SKILLS, from_everyone
    from benchmarks.pg_kept import kept_run
    from bot.config import Config
    from bot.services.base import Deps
    from bot.services.membership import SHORTLIST_PER_SUBSET, find_experts
    from bot.store.expert_shortlist import shortlist
    from bot.store.postgres import open_pg_store

    rng = random.Random(7)
    with kept_run(data) as pg:
        store = open_pg_store(pg.database(f"experts_{people}", partial(_fill_people, people)))
        deps = Deps(store=store, ports={}, config=Config())
        case = store.cases.by_ref("ZD-10")
        assert case is not None
        asks = [rng.sample(SKILLS, rng.randint(1, 3)) for _ in range(queries)]
        rec = Recorder(_postmaster(store), store.db.pool)
        try:
            for n, skills in enumerate(asks):
                store.people.with_skills(skills)
                from_everyone(deps, case, skills)
                rec.timed(partial(find_experts, deps, case, skills),
                          side="postgres", n=n, counted=True, words=" ".join(skills))
                shortlist(store.db, skills, SHORTLIST_PER_SUBSET)
                shortlist(store.db, skills, SHORTLIST_PER_SUBSET, kept=False)
        finally:
            rec.close()
            store.close()
    return rec.records


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(records: list[dict[str, Any]], slowest: int = 6) -> None:
    for side in sorted({r["side"] for r in records}):
        mine = [r for r in records if r["side"] == side and r["counted"]]
        walls = [r["wall_ms"] for r in mine]
        print(f"{side}: {len(mine)} queries counted; wall median {statistics.median(walls):.2f}"
              f" ms, p99 {_pct(walls, 99):.2f} ms, max {max(walls):.2f} ms; client CPU "
              f"median {statistics.median(r['cpu_ms'] for r in mine):.2f} ms")
        order = sorted(mine, key=lambda r: r["wall_ms"])
        for r in [order[len(order) // 2], *order[-slowest:]]:
            server = sum(r["server_ms"].values())
            print(f"  wall {r['wall_ms']:7.2f}  cpu {r['cpu_ms']:6.2f}  server {server:6.2f} "
                  f"waited for a CPU {r['wait_ms']:6.2f} + {r['server_wait_ms']:6.2f} "
                  f"{r['server_ms'] if len(r['server_ms']) > 1 else ''} majflt {r['majflt']} "
                  f"minflt {r['minflt']} read {r['read_kb']} kB gc {r['gc']} "
                  f"round {r.get('round', '-')} n {r['n']} pool {r.get('pool', '')} "
                  f"load {r['load']:.1f} | {r['words'][:70]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("pg_similar", "sqlite_similar", "pg_experts"))
    ap.add_argument("--size", choices=list(SIZES), default="10k")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/tails-bench"))
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--evict-every", type=int, default=0,
                    help="sqlite_similar: drop the file from the OS cache every N queries")
    args = ap.parse_args()
    if args.what == "pg_similar":
        records = pg_similar(args.size, args.data_dir)
    elif args.what == "sqlite_similar":
        records = sqlite_similar(args.size, args.data_dir, args.evict_every)
    else:
        records = pg_experts(args.people, args.queries, args.data_dir)
    summary(records)
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
