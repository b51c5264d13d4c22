"""The expert finder over a large directory: how long `need <skills>` takes to pick people.

    python benchmarks/experts.py [--people 10000] [--queries 200] [--store postgres]
        [--explain]

A SQLite store (or with `--store postgres` a database on a throwaway PostgreSQL cluster,
benchmarks/pg_common.py; `--explain` prints the short list's plans, EXPLAIN ANALYZE) with
`people` people (3 of 60 skills each, 1 in 5 away), open swarms they are in (their load)
and resolved cases they helped on after a help request (their past help), all through the
store's interface. Then `find_experts` (bot/services/membership.py: the store's candidates
for the skills, then bot/experts.py's smallest cover) for random 1-3 skill requests, timed
one by one; p50 and p99. The baseline is the one indexed read every answer needs: who has
any of the skills (`people.with_skills`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.proc_cpu import children, cpu_seconds  # noqa: E402
from benchmarks.table import Figure, figure  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.domain import CaseStatus, Role  # noqa: E402
from bot.services.base import Deps  # noqa: E402
from bot.services.membership import (  # noqa: E402
    SHORTLIST_PER_SUBSET,
    find_experts,
    from_everyone,
)
from bot.store import Store, open_store  # noqa: E402
from bot.store.expert_shortlist import shortlist  # noqa: E402

SKILLS = [f"skill{i:02d}" for i in range(60)]
AT = "2026-11-02T09:00:00+00:00"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def warmup(queries: int) -> int:
    """The requests a benchmark row runs first and does not count, as similar cases' rows do
    (benchmarks/similar_year.py): a running bot's connections are past them."""
    return max(5, queries // 10)


def rows(r: dict[str, Any], prefix: str) -> list[Figure]:
    """`measure`'s rows: median and p99 after the warm-up, and the warm-up's slowest."""
    f, b, people = r["finder_s"], r["baseline_s"], r["people"]
    name = f"{prefix}expert finder over {people:,} people"
    base = ("who has the skills (one indexed read)", f"{people:,} people")
    out = [figure(f"{name} (median)", "ms", f, b, *base, scale=1000),
           figure(f"{name} (p99)", "ms", [pct(f, 99)], [pct(b, 99)], *base, scale=1000)]
    if r["first_s"]:
        out.append(figure(f"{name}, the first {len(r['first_s'])} requests on a new connection "
                          "(slowest)", "ms", [max(r["first_s"])], None, "", base[1],
                          scale=1000))
    if r.get("unvacuumed_s"):
        out.append(figure(f"{name} just after a bulk load, before its first vacuum (p99)", "ms",
                          [pct(r["unvacuumed_s"], 99)], None, "", base[1], scale=1000))
    return out


def fill(store: Store, people: int, rng: random.Random) -> None:
    """People with skills; open swarms (load); resolved cases with help requests (past help)."""
    ids = [f"U{i:06d}" for i in range(people)]
    with store.transaction():
        for pid in ids:
            store.people.ensure(pid, "slack", pid, None, AT)
            store.people.add_skills(pid, rng.sample(SKILLS, 3))
            if rng.random() < 0.2:
                store.people.set_available(pid, False)
        # Positional rows in bot/store/bulk.py's column order.
        cases, participants, requests = [], [], []
        for n in range(1, people + 1):  # as many cases as people: a tenth still open
            status = CaseStatus.OPEN if n % 10 == 0 else CaseStatus.RESOLVED
            cases.append((n, f"ZD-{n}", "", "x", 3, status.value, rng.choice(ids), "slack",
                          None, None, None, None, AT,
                          None if status is CaseStatus.OPEN else AT))
            for pid in rng.sample(ids, 3):
                participants.append((n, pid, Role.SPECIALIST.value, AT, None, None, None))
            asked = rng.sample(SKILLS, 2)
            requests.append((n, n, "|" + "|".join(asked) + "|", None, ids[0], AT))
        store.cases.bulk(cases=cases, participants=participants, help_requests=requests)


@contextmanager
def opened(kind: str) -> Iterator[Store]:
    """An empty store of `kind` at this release's schema: a SQLite file in a temporary
    directory, or a new database on a PostgreSQL cluster (benchmarks/pg_common.py)."""
    if kind == "postgres":
        from benchmarks.pg_common import cluster, migrated
        from bot.store.postgres import open_pg_store

        with cluster() as c:
            pg = open_pg_store(migrated(c))
            try:
                yield pg
            finally:
                pg.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "experts.db"))
        try:
            yield store
        finally:
            store.close()


def measure(people: int = 10_000, queries: int = 200, seed: int = 5, kind: str = "sqlite",
            explain: bool = False, warmup: int = 0) -> dict[str, Any]:
    """`warmup`: requests run first on the new store and not counted in `finder_s` (their
    times are `first_s`): a new connection's first statements fill its caches and, on
    PostgreSQL, plan each statement afresh for its first five runs."""
    rng = random.Random(seed)
    plans: list[str] = []
    with opened(kind) as store:
        started = time.perf_counter()
        fill(store, people, rng)
        if kind == "postgres":
            store.db.execute("ANALYZE")
        made = time.perf_counter() - started
        config = Config()
        deps = Deps(store=store, ports={}, config=config)
        case = store.cases.by_ref("ZD-10")  # an open one
        assert case is not None
        asks = [rng.sample(SKILLS, rng.randint(1, 3)) for _ in range(queries)]
        # drawn after the counted ones, so that those stay the same whatever the warm-up
        first = [_timed_once(store, deps, case, skills)
                 for skills in [rng.sample(SKILLS, rng.randint(1, 3)) for _ in range(warmup)]]
        unvacuumed: list[float] = []
        if kind == "postgres":
            # Just after the bulk load no page is all-visible yet, so the finder's index-only
            # reads visit the heap too (8.0 ms of server CPU for three skills at 50,000
            # people, against 4.7 after a vacuum). A running bot's tables are past that:
            # autovacuum comes by within its naptime (a minute) after a load, and by m060
            # once 1% of the kept rows changed. Measured here, then vacuumed as it would be.
            unvacuumed = [_timed_once(store, deps, case, skills) for skills in
                          [rng.sample(SKILLS, rng.randint(1, 3)) for _ in range(queries // 2)]]
            store.db.execute("VACUUM ANALYZE")
        load_at_start = os.getloadavg()[0]
        finder, baseline, picked, finder_cpu, full, full_cpu = [], [], [], [], [], []
        read_kept: list[tuple[float, float]] = []
        read_counted: list[tuple[float, float]] = []
        for skills in asks:  # interleaved, one by one
            t = time.perf_counter()
            store.people.with_skills(skills)
            baseline.append(time.perf_counter() - t)
            # Before issue 28's short list: everyone with one of the skills, in Python.
            t, c = time.perf_counter(), time.process_time()
            before = from_everyone(deps, case, skills)
            full.append(time.perf_counter() - t)
            full_cpu.append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            suggestion = find_experts(deps, case, skills)
            finder.append(time.perf_counter() - t)
            finder_cpu.append(time.process_time() - c)
            picked.append(len(suggestion.picks))
            assert suggestion == before, skills  # the same answer either way
            # The store's short list alone, both ways (issue 28): from the figures kept
            # in ranking order (m039), and the one statement over every holder before it.
            t, c = time.perf_counter(), time.process_time()
            kept = shortlist(store.db, skills, SHORTLIST_PER_SUBSET)
            read_kept.append((time.perf_counter() - t, time.process_time() - c))
            t, c = time.perf_counter(), time.process_time()
            counted = shortlist(store.db, skills, SHORTLIST_PER_SUBSET, kept=False)
            read_counted.append((time.perf_counter() - t, time.process_time() - c))
            assert kept == counted, skills
        server = server_cpu(store, deps, case, asks) if kind == "postgres" else None
        if explain:
            plans = explained(store, asks[-1] if len(asks[-1]) == 3 else SKILLS[:3])
    return {"store": kind, "plans": plans, "server_cpu": server, "people": people,
            "queries": queries,
            "made_s": made, "finder_s": finder, "baseline_s": baseline, "first_s": first,
            "unvacuumed_s": unvacuumed,
            "median_picks": statistics.median(picked),
            "finder_cpu_s": finder_cpu, "full_s": full, "full_cpu_s": full_cpu,
            "read_kept_s": read_kept, "read_counted_s": read_counted,
            "load_at_start": load_at_start}


def _timed_once(store: Store, deps: Deps, case: Any, skills: list[str]) -> float:
    """One request of the warm-up, each read `measure` times run once: find_experts' time."""
    store.people.with_skills(skills)
    from_everyone(deps, case, skills)
    t = time.perf_counter()
    find_experts(deps, case, skills)
    took = time.perf_counter() - t
    shortlist(store.db, skills, SHORTLIST_PER_SUBSET)
    shortlist(store.db, skills, SHORTLIST_PER_SUBSET, kept=False)
    return took


def server_cpu(store: Store, deps: Deps, case: Any, asks: list[list[str]]
               ) -> dict[str, float] | None:
    """PostgreSQL: find_experts once more for every request, CPU per request of this
    process and of the cluster's backends (from /proc, benchmarks/proc_cpu.py; None for a
    server of your own), their sum against the client's wall time on a shared machine."""
    folder = store.db.execute("SHOW data_directory").fetchone()["data_directory"]
    try:
        postmaster = int(Path(folder, "postmaster.pid").read_text().split()[0])
    except OSError:
        return None
    backends = children(postmaster)
    server, mine = sum(cpu_seconds(p) for p in backends), time.process_time()
    for skills in asks:
        find_experts(deps, case, skills)
    return {"server_ms": (sum(cpu_seconds(p) for p in backends) - server) * 1000 / len(asks),
            "client_ms": (time.process_time() - mine) * 1000 / len(asks)}


class _Recorder:
    """The store's db, its statements written down as they run (for their plans)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.seen: list[tuple[str, list[Any]]] = []

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.seen.append((sql, list(params)))
        return self.db.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def explained(store: Store, skills: list[str]) -> list[str]:
    """The plans (EXPLAIN ANALYZE, as the server would run each with these values) of the
    statements the short list runs for `skills`."""
    seen = _Recorder(store.db)
    shortlist(seen, skills, SHORTLIST_PER_SUBSET)  # type: ignore[arg-type]
    out = []
    for sql, params in seen.seen:
        rows = store.db.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        out.append(f"-- {skills}: {sql}\n" + "\n".join(next(iter(r.values())) for r in rows))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--explain", action="store_true",
                    help="print the short list's plans for one 3-skill request (EXPLAIN ANALYZE)")
    args = ap.parse_args()
    r = measure(args.people, args.queries, kind=args.store, explain=args.explain)
    for plan in r["plans"]:
        print(plan, end="\n\n")
    f, b = r["finder_s"], r["baseline_s"]
    print(f"{args.store}: {args.people:,} people (made in {r['made_s']:.1f} s), "
          f"{args.queries} requests of 1-3 skills, {r['median_picks']} people picked (median)")
    print(f"  find_experts   p50 {pct(f, 50) * 1000:8.2f} ms   p99 {pct(f, 99) * 1000:8.2f} ms"
          f"   (load average {r['load_at_start']:.1f} when the timing began)")
    g, gc = r["full_s"], r["full_cpu_s"]
    print(f"  full read      p50 {pct(g, 50) * 1000:8.2f} ms   p99 {pct(g, 99) * 1000:8.2f} ms"
          f"   (CPU p50 {pct(gc, 50) * 1000:.2f}, p99 {pct(gc, 99) * 1000:.2f}; before the "
          "short list)")
    print(f"  with_skills    p50 {pct(b, 50) * 1000:8.2f} ms   p99 {pct(b, 99) * 1000:8.2f} ms")
    for name, key in (("short list, kept (m039)", "read_kept_s"),
                      ("short list, counted", "read_counted_s")):
        w, u = [x[0] for x in r[key]], [x[1] for x in r[key]]
        print(f"  {name:23s} p50 {pct(w, 50) * 1000:7.2f} ms   p99 {pct(w, 99) * 1000:7.2f} ms"
              f"   (CPU p50 {pct(u, 50) * 1000:.2f}, p99 {pct(u, 99) * 1000:.2f})")
    if r["server_cpu"]:
        print(f"  find_experts CPU, mean: {r['server_cpu']['client_ms']:.2f} ms here + "
              f"{r['server_cpu']['server_ms']:.2f} ms in the PostgreSQL backends")
    c = r["finder_cpu_s"]  # the process's own CPU time: what a shared machine moves less
    print(f"  find_experts CPU p50 {pct(c, 50) * 1000:6.2f} ms   p99 {pct(c, 99) * 1000:8.2f} ms"
          f"   (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
