"""The PostgreSQL digest computed from scratch in two checkouts, side by side on one kept
cluster (issue 28, seventh session): rounds alternate the checkouts' order, each round a
process per checkout timing the warm digest (`compute_digest`) against the baseline (one
indexed pass over the week's timeline rows), then a fresh process per checkout timing its
first `digest_for` (computed and kept, as `digest_year._FRESH` does), with this process's
and the server's CPU (/proc).

    python benchmarks/pg_digest_sides.py --data-dir /tmp/pgdigest-bench \\
        --trees before=/work/wt-before after=. [--sizes 9616 1923 192] [--rounds 6] \\
        [--db-suffix after=_after]

`--data-dir` holds a copy of the kept cluster (`<dir>/pg`, benchmarks/pg_kept.py); the
databases must already be at the checkouts' schema (both checkouts the same migrations).
The ratios are against the baseline of both checkouts pooled: the same SELECT in both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pg_kept import _start_kept  # noqa: E402

WARM = """
import json, sys, time
sys.path.insert(0, ".")
from datetime import timedelta
from benchmarks.digest_year import BASELINE
from benchmarks.proc_cpu import children_cpu
from bot.digest.metrics import compute_digest
from bot.digest.weeks import parse_week
from bot.domain import iso
from bot.store.postgres import open_pg_store
url, label, runs, pm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
week = parse_week(label, "Europe/Berlin")
store = open_pg_store(url)
lo, hi = iso(week.start), iso(week.end)
now = week.end + timedelta(days=3)
compute_digest(store, week, now)
store.db.tuples(BASELINE, (lo, hi))
out = {"digest": [], "base": [], "client_cpu": [], "server_cpu": []}
for _ in range(runs):
    c0, s0, t = time.process_time(), children_cpu(pm), time.perf_counter()
    compute_digest(store, week, now)
    out["digest"].append(time.perf_counter() - t)
    out["client_cpu"].append(time.process_time() - c0)
    out["server_cpu"].append(children_cpu(pm) - s0)
    t = time.perf_counter()
    store.db.tuples(BASELINE, (lo, hi))
    out["base"].append(time.perf_counter() - t)
store.close()
print(json.dumps(out))
"""
FRESH = """
import json, sys, time
sys.path.insert(0, ".")
from datetime import timedelta
from benchmarks.proc_cpu import children_cpu
from bot.digest.metrics import digest_for
from bot.digest.weeks import parse_week
from bot.store.postgres import open_pg_store
url, label, pm = sys.argv[1], sys.argv[2], int(sys.argv[3])
week = parse_week(label, "Europe/Berlin")
now = week.end + timedelta(days=3)
t = time.perf_counter()
store = open_pg_store(url)
opened = time.perf_counter() - t
c0, s0, t = time.process_time(), children_cpu(pm), time.perf_counter()
digest_for(store, week, now)
out = {"digest": time.perf_counter() - t, "open": opened,
       "client_cpu": time.process_time() - c0, "server_cpu": children_cpu(pm) - s0}
store.close()
print(json.dumps(out))
"""


def child(tree: str, script: str, *args: Any) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=tree,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{tree}: {done.stderr}")
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def postmaster(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
    assert row is not None
    return int(Path(f"/proc/{row[0]}/stat").read_text().split(")")[1].split()[1])


def report(size: str, res: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    med = statistics.median
    pooled = med([x for r in res.values() for w in r["warm"] for x in w["base"]])
    print(f"{size}: baseline {pooled * 1e3:.1f} ms (both checkouts pooled)")
    for name, r in res.items():
        d = [x for w in r["warm"] for x in w["digest"]]
        cpu = [x for w in r["warm"] for x in w["client_cpu"]]
        srv = [x for w in r["warm"] for x in w["server_cpu"]]
        line = (f"  {name:8s} warm {med(d) * 1e3:7.1f} ms = {med(d) / pooled:5.2f}x (CPU: "
                f"this process {med(cpu) * 1e3:.1f}, server {statistics.mean(srv) * 1e3:.1f})")
        if r["fresh"]:
            f = med([x["digest"] for x in r["fresh"]])
            fc = med([x["client_cpu"] for x in r["fresh"]])
            fs = statistics.mean([x["server_cpu"] for x in r["fresh"]])
            line += (f" | fresh {f * 1e3:7.1f} ms = {f / pooled:5.2f}x (CPU {fc * 1e3:.1f}, "
                     f"server {fs * 1e3:.1f}) runs "
                     f"{[round(x['digest'] * 1e3) for x in r['fresh']]}")
        print(line, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--trees", nargs="+", required=True, help="name=checkout ...")
    ap.add_argument("--sizes", nargs="+", default=["9616", "1923", "192"])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--week", default="2026-W26")
    ap.add_argument("--db-suffix", nargs="*", default=[], metavar="NAME=SUFFIX",
                    help="a checkout's own copy of each year (year_52x<size><suffix>), for "
                         "checkouts of different migrations")
    ap.add_argument("--server", metavar="URL", help="a running server's URL (any database on "
                    "it) instead of starting the cluster of --data-dir (one a run holds)")
    args = ap.parse_args()
    trees = dict(t.split("=", 1) for t in args.trees)
    suffix = dict(t.split("=", 1) for t in args.db_suffix)
    cluster = None if args.server else _start_kept(args.data_dir / "pg")
    try:
        url = args.server or cluster.url  # type: ignore[union-attr]
        base = url.rsplit("/", 1)[0]
        pm = postmaster(url)
        print(f"load average {os.getloadavg()}")
        for size in args.sizes:
            urls = {n: f"{base}/year_52x{size}{suffix.get(n, '')}" for n in trees}
            res: dict[str, dict[str, list[dict[str, Any]]]] = {
                n: {"warm": [], "fresh": []} for n in trees}
            for i in range(args.rounds):
                order = list(trees) if i % 2 == 0 else list(reversed(trees))
                for n in order:
                    res[n]["warm"].append(child(trees[n], WARM, urls[n], args.week, args.runs,
                                                pm))
                for n in order:
                    with psycopg.connect(urls[n], autocommit=True) as conn:
                        conn.execute("DELETE FROM digest_kept")
                    res[n]["fresh"].append(child(trees[n], FRESH, urls[n], args.week, pm))
            report(size, res)
        print(f"load average {os.getloadavg()}")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
