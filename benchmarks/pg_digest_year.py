"""One week's digest over the synthetic year on PostgreSQL, beside one indexed SQL pass over
that week (the SQLite twin: benchmarks/digest_year.py).

    python benchmarks/pg_digest_year.py [--weeks 52] [--cases-per-week 9616] [--runs 7]

The year (52 weeks x 9,616 cases: about 500k cases and 5M timeline rows) is written by
`swarmbot demo --bulk --config FILE`, which on PostgreSQL loads its batches with COPY
(bot/store/bulk.py), into a fresh database of a throwaway cluster (benchmarks/pg_common.py).
Then, interleaved on the same warm database: the week's digest computed, the baseline (one
SELECT reading each of the week's timeline rows through the `at` index: count, distinct
cases, total text length), the digest kept (m018); and the first request of a fresh
process, computed and kept, as `swarmbot digest --config` or a restarted replica pays it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import digest_year  # noqa: E402
from benchmarks.digest_year import BASELINE, timed  # noqa: E402
from benchmarks.pg_common import cluster, migrated  # noqa: E402
from bot.digest.metrics import compute_digest, digest_for  # noqa: E402
from bot.digest.weeks import Week, parse_week  # noqa: E402
from bot.domain import iso  # noqa: E402
from bot.store.postgres import PgStore, open_pg_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def make_year(url: str, weeks: int, per_week: int, last: str) -> float:
    """The year through `swarmbot demo --bulk --config`; seconds it took."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(f'[store]\nurl = "{url}"\n', encoding="utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "adapters.cli", "demo", "--config", str(cfg),
                        "--bulk", "--weeks", str(weeks),
                        "--cases-per-week", str(per_week), "--seed", "1", "--end-week", last],
                       cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - started


def fresh_process(url: str, week: Week, now: datetime) -> tuple[float, float]:
    return digest_year.fresh_process(url, week, now, "bot.store.postgres.open_pg_store")


def measure_week(store: PgStore, week: Week, runs: int) -> dict[str, Any]:
    db = store.db
    lo, hi = iso(week.start), iso(week.end)

    def baseline() -> None:
        db.tuples(BASELINE, (lo, hi))

    rows = db.tuples("SELECT COUNT(*) FROM timeline WHERE at >= ? AND at < ?", (lo, hi))[0][0]
    plan = " / ".join(r[0] for r in db.tuples("EXPLAIN " + BASELINE, (lo, hi)))
    now = week.end + timedelta(days=3)
    first = timed(lambda: compute_digest(store, week, now), 1)[0]
    digest_s: list[float] = []
    base_s: list[float] = []
    for _ in range(runs):  # interleaved, so drift hits both alike
        digest_s += timed(lambda: compute_digest(store, week, now), 1)
        base_s += timed(baseline, 1)
    computed, from_kept = digest_year.fresh_runs(store, week,
                                                 lambda: fresh_process(db.url, week, now))
    kept_s: list[float] = []
    for _ in range(runs):
        kept_s += timed(lambda: digest_for(store, week, now), 1)
        base_s += timed(baseline, 1)
    return {"week": week.label, "tz": week.tz, "rows": rows, "plan": plan, "first_s": first,
            "digest_s": digest_s, "baseline_s": base_s, "kept_s": kept_s,
            "fresh_computed_s": computed, "fresh_kept_s": from_kept}


def measure(weeks: int, per_week: int, week_label: str | None, last: str, runs: int
            ) -> dict[str, Any]:
    with cluster() as c:
        url = migrated(c)
        load_s = make_year(url, weeks, per_week, last)
        store = open_pg_store(url)
        try:
            store.db.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
            week = parse_week(last, "Europe/Berlin")
            if week_label:
                week = parse_week(week_label, "Europe/Berlin")
            else:
                for _ in range(weeks // 2):  # a finished week mid-way through the data
                    week = week.previous()
            cases = store.db.tuples("SELECT COUNT(*) FROM cases")[0][0]
            timeline = store.db.tuples("SELECT COUNT(*) FROM timeline")[0][0]
            r = measure_week(store, week, runs)
            server = store.db.tuples("SHOW server_version")[0][0]
        finally:
            store.close()
    return {**r, "cases": cases, "timeline": timeline, "load_s": load_s,
            "postgres": server}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--cases-per-week", type=int, default=9616)
    ap.add_argument("--last-week", default="2026-W52")
    ap.add_argument("--week", help="the week whose digest is timed (default: mid-way)")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    r = measure(args.weeks, args.cases_per_week, args.week, args.last_week, args.runs)
    med = statistics.median
    print(f"PostgreSQL {r['postgres']}: {r['cases']:,} cases, {r['timeline']:,} timeline rows, "
          f"loaded with COPY in {r['load_s']:.0f} s")
    print(f"week {r['week']} ({r['tz']}): {r['rows']:,} timeline rows; baseline plan: "
          f"{r['plan']}")
    print(f"  digest, first run:           {r['first_s'] * 1000:8.1f} ms")
    print(f"  digest, median of {args.runs}:        {med(r['digest_s']) * 1000:8.1f} ms")
    print(f"  baseline pass over the week: {med(r['baseline_s']) * 1000:8.1f} ms")
    print(f"  ratio of medians:            {med(r['digest_s']) / med(r['baseline_s']):8.2f}x")
    digest_year.report_kept(r, args.runs)


if __name__ == "__main__":
    main()
