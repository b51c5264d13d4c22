"""One week's digest over a synthetic year, against a single indexed SQL pass over that week.

    python benchmarks/digest_year.py [--db /tmp/swarmbot-year.db] [--runs 7]

The year comes from `swarmbot demo --bulk` (52 weeks x 9,616 cases = about 500k cases and
5M timeline rows; made once, reused on later runs). Then, side by side in one run on the
same warm database, it times

- the digest for a mid-year week (every figure for that week and the week before), and
- the baseline: one SELECT that reads each of that week's timeline rows through the
  `timeline_by_at` index (count, distinct cases, total text length),

and prints the medians and the ratio. Compare figures from one run only: the machine is
shared and its speed drifts.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.digest.metrics import compute_digest, digest_for  # noqa: E402
from bot.digest.weeks import Week, parse_week  # noqa: E402
from bot.domain import iso  # noqa: E402
from bot.store import Store, open_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ("SELECT COUNT(*), COUNT(DISTINCT case_id), SUM(LENGTH(text)) FROM timeline "
            "WHERE at >= ? AND at < ?")


def make_year(db: Path, weeks: int, per_week: int, last: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "adapters.cli", "demo", "--db", str(db), "--bulk",
                    "--weeks", str(weeks), "--cases-per-week", str(per_week), "--seed", "1",
                    "--end-week", last], cwd=ROOT, check=True)
    print(f"made the year in {time.perf_counter() - started:.0f} s")


# A fresh process asking for a week's digest: (seconds for the request, seconds including
# Python's start-up and imports), as `swarmbot digest` or a restarted server would.
_FRESH = """
import sys, time
started = time.perf_counter()
from datetime import datetime
from bot.digest.metrics import digest_for
from bot.digest.weeks import parse_week
from importlib import import_module
module, _, name = sys.argv[5].rpartition(".")
store = getattr(import_module(module), name)(sys.argv[1])
t = time.perf_counter()
digest_for(store, parse_week(sys.argv[2], sys.argv[3]), datetime.fromisoformat(sys.argv[4]))
print(time.perf_counter() - t, time.perf_counter() - started)
"""


def fresh_process(db: str, week: Week, now: datetime,
                  opener: str = "bot.store.open_store") -> tuple[float, float]:
    """`opener`: the dotted name of the function that opens `db` (a path or a URL)."""
    out = subprocess.run([sys.executable, "-c", _FRESH, db, week.label, week.tz, now.isoformat(),
                          opener], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.split()
    return float(out[0]), float(out[1])


def timed(fn, runs: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/swarmbot-year.db")
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--cases-per-week", type=int, default=9616)
    ap.add_argument("--last-week", default="2026-W52", help="the year's last week (timed too)")
    ap.add_argument("--week", default="2026-W27", help="the week whose digest is timed")
    ap.add_argument("--tz", default="Europe/Berlin")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        make_year(db, args.weeks, args.cases_per_week, args.last_week)
    store = open_store(db)
    q = store.db.conn.execute
    cases = q("SELECT COUNT(*) FROM cases").fetchone()[0]
    timeline = q("SELECT COUNT(*) FROM timeline").fetchone()[0]
    print(f"database: {db} ({db.stat().st_size / 1e9:.2f} GB), {cases:,} cases, "
          f"{timeline:,} timeline rows; python {sys.version.split()[0]}, "
          f"sqlite {sqlite3.sqlite_version}")
    for label in (args.week, args.last_week):
        bench_week(store, parse_week(label, args.tz), args.runs)
    store.close()


def measure_week(store: Store, week: Week, runs: int) -> dict[str, Any]:
    """The week's digest timed cold (first) and warm, interleaved with the baseline pass."""
    q = store.db.conn.execute
    lo, hi = iso(week.start), iso(week.end)
    rows = q("SELECT COUNT(*) FROM timeline WHERE at >= ? AND at < ?", (lo, hi)).fetchone()[0]
    plan = " / ".join(r[3] for r in q("EXPLAIN QUERY PLAN " + BASELINE, (lo, hi)))
    now = week.end + timedelta(days=3)
    first = timed(lambda: compute_digest(store, week, now), 1)[0]
    digest_s, base_s = [], []
    for _ in range(runs):  # interleaved, so drift hits both alike
        digest_s += timed(lambda: compute_digest(store, week, now), 1)
        base_s += timed(lambda: q(BASELINE, (lo, hi)).fetchone(), 1)
    d = compute_digest(store, week, now)
    path = store.path
    computed, from_kept = fresh_runs(store, week, lambda: fresh_process(path, week, now))
    kept_s = []
    for _ in range(runs):
        kept_s += timed(lambda: digest_for(store, week, now), 1)
        base_s += timed(lambda: q(BASELINE, (lo, hi)).fetchone(), 1)
    return {"week": week.label, "tz": week.tz, "rows": rows, "plan": plan, "first_s": first,
            "digest_s": digest_s, "baseline_s": base_s, "kept_s": kept_s,
            "fresh_computed_s": computed, "fresh_kept_s": from_kept,
            "digest": {k: d[k] for k in ("opened", "resolved", "help_requests")}}


# Fresh processes per figure: one sample on a shared machine is one draw of its noise.
FRESH_RUNS = 3


def fresh_runs(store: Any, week: Week, run: Any) -> tuple[list[tuple[float, float]],
                                                          list[tuple[float, float]]]:
    """`run()` (a fresh process asking for `week`'s digest) FRESH_RUNS times with the
    week's kept figures (m018) forgotten first, so each computes and keeps them; then
    FRESH_RUNS times reading what the last one kept. Each run's (request, with start-up)."""
    computed = []
    for _ in range(FRESH_RUNS):
        with store.transaction():
            store.digest_kept.forget(iso(week.previous().start), iso(week.end))
        computed.append(run())
    return computed, [run() for _ in range(FRESH_RUNS)]


def median_run(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The run whose request time is the median."""
    return sorted(runs)[len(runs) // 2]


def bench_week(store: Store, week: Week, runs: int) -> None:
    r = measure_week(store, week, runs)
    digest_s, base_s, d = r["digest_s"], r["baseline_s"], r["digest"]
    print(f"\nweek {week.label} ({week.tz}): {r['rows']:,} timeline rows; "
          f"baseline plan: {r['plan']}")
    med = statistics.median
    print(f"  digest: opened={d['opened']} resolved={d['resolved']} "
          f"help requests={d['help_requests']} (and the same for the week before)")
    print(f"  digest, first run:            {r['first_s'] * 1000:7.1f} ms")
    print(f"  digest, median of {runs}:         {med(digest_s) * 1000:7.1f} ms "
          f"(min {min(digest_s) * 1000:.1f}, max {max(digest_s) * 1000:.1f})")
    print(f"  baseline pass over the week:  {med(base_s) * 1000:7.1f} ms "
          f"(min {min(base_s) * 1000:.1f}, max {max(base_s) * 1000:.1f})")
    print(f"  ratio of medians:             {med(digest_s) / med(base_s):7.2f}x")
    report_kept(r, runs)


def report_kept(r: dict[str, Any], runs: int) -> None:
    """The kept figures' lines of a `measure_week` result (both stores' scripts print them)."""
    print(f"  kept figures, median of {runs}:   "
          f"{statistics.median(r['kept_s']) * 1000:7.1f} ms")
    for label, key in (("computed", "fresh_computed_s"), ("from kept", "fresh_kept_s")):
        request, total = median_run(r[key])
        print(f"  fresh process, {label:9}:   {request * 1000:7.1f} ms "
              f"({total * 1000:.0f} ms with Python's start-up and imports; median of "
              f"{len(r[key])} processes)")


if __name__ == "__main__":
    main()
