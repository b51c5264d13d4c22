"""The digest computed from scratch, two checkouts side by side on the same year: wall time
and CPU (this process's, plus the PostgreSQL backends' read from /proc), each beside the
baseline of benchmarks/digest_year.py (one indexed pass over the week's timeline rows).

    python benchmarks/digest_side.py --before /tmp/before --db /tmp/swarmbot-bench/year-52x1923.db
    python benchmarks/digest_side.py --before /tmp/before --db URL_BEFORE --after-db URL_AFTER

`--before`: a checkout of the older commit (`git worktree add /tmp/before <commit>`, with its
own .venv); this checkout is "after". Each side runs in its own processes, in turns (rounds),
on its own copy of the data (`--after-db`; by default a copy of `--db` is made, as a newer
checkout migrates what it opens). CPU is what the machine spent whatever else ran on it, so
it is the figure to compare when the machine is loaded; the wall times are what
`python -m benchmarks` reports. The week is the one mid-way through the year (2026-W26).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One side's round: its digest and the baseline interleaved, then the first request of a fresh
# process. argv: tree, store (a path or a URL), runs, postmaster pid (0: none).
_CHILD = r'''
import json, os, sys, time
from datetime import timedelta
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bot.digest.metrics import compute_digest
from bot.digest.weeks import parse_week
from bot.domain import iso
from benchmarks.digest_year import BASELINE

def server_cpu(parent):
    if not parent:
        return 0.0
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                f = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(f[1]) == parent:
                total += (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    return total

target, runs, parent = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if "://" in target:
    from bot.store.postgres import open_pg_store as opener
    store = opener(target)
    baseline = lambda lo, hi: store.db.tuples(BASELINE, (lo, hi))
else:
    from bot.store import open_store as opener
    store = opener(target)
    baseline = lambda lo, hi: store.db.conn.execute(BASELINE, (lo, hi)).fetchone()
week = parse_week("2026-W26", "Europe/Berlin")
now, lo, hi = week.end + timedelta(days=3), iso(week.start), iso(week.end)

def timed(fn):
    w, c, s = time.perf_counter(), time.process_time(), server_cpu(parent)
    fn()
    return time.perf_counter() - w, time.process_time() - c, server_cpu(parent) - s

fresh = timed(lambda: compute_digest(store, week, now))  # this process's first request
out = {"fresh": fresh, "digest": [], "baseline": []}
for _ in range(runs):
    out["digest"].append(timed(lambda: compute_digest(store, week, now)))
    out["baseline"].append(timed(lambda: baseline(lo, hi)))
store.close()
print(json.dumps(out))
'''


def _python(tree: Path) -> str:
    venv = tree / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_side(tree: Path, target: str, runs: int, postmaster: int) -> dict[str, list]:
    out = subprocess.run([_python(tree), "-c", _CHILD, str(tree), target, str(runs),
                          str(postmaster)], cwd=tree, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def summary(r: dict[str, list]) -> dict[str, float]:
    med = statistics.median
    d_wall = med(x[0] for x in r["digest"])
    b_wall = med(x[0] for x in r["baseline"])
    # CPU over all runs (the backends' ticks are 10 ms: summed, not per run)
    d_cpu = sum(x[1] + x[2] for x in r["digest"]) / len(r["digest"])
    b_cpu = sum(x[1] + x[2] for x in r["baseline"]) / len(r["baseline"])
    f_wall = med(x[0] for x in r["fresh"])
    f_cpu = sum(x[1] + x[2] for x in r["fresh"]) / len(r["fresh"])
    return {"digest_ms": d_wall * 1000, "baseline_ms": b_wall * 1000, "ratio": d_wall / b_wall,
            "digest_cpu_ms": d_cpu * 1000, "baseline_cpu_ms": b_cpu * 1000,
            "cpu_ratio": d_cpu / b_cpu if b_cpu else float("nan"),
            "fresh_ms": f_wall * 1000, "fresh_ratio": f_wall / b_wall,
            "fresh_cpu_ms": f_cpu * 1000,
            "fresh_cpu_ratio": f_cpu / b_cpu if b_cpu else float("nan")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True, help="the older checkout")
    ap.add_argument("--db", required=True, help="the year (a SQLite file or a PostgreSQL URL)")
    ap.add_argument("--after-db", help="this checkout's copy (default: a copy of --db)")
    ap.add_argument("--postmaster", type=int, default=0,
                    help="PostgreSQL: the postmaster's pid, to count its backends' CPU")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    after_db = args.after_db
    if after_db is None:
        if "://" in args.db:
            raise SystemExit("--after-db: a copy of the PostgreSQL database for this checkout")
        after_db = args.db + ".after"
        if not Path(after_db).exists():
            shutil.copyfile(args.db, after_db)
    sides = {"before": (args.before.resolve(), args.db), "after": (ROOT, after_db)}
    results: dict[str, dict[str, list]] = {s: {"digest": [], "baseline": [], "fresh": []}
                                           for s in sides}
    loads = [os.getloadavg()[0]]
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    for _ in range(args.rounds):
        for side, (tree, target) in sides.items():
            r = run_side(tree, target, args.runs, args.postmaster)
            results[side]["digest"] += r["digest"]
            results[side]["baseline"] += r["baseline"]
            results[side]["fresh"].append(r["fresh"])
            loads.append(os.getloadavg()[0])
    print(f"{args.db}: week 2026-W26, {args.rounds} rounds x {args.runs} runs a side, "
          f"{started}-{time.strftime('%H:%M', time.gmtime())} UTC, load average "
          f"{min(loads):.1f}-{max(loads):.1f}")
    for side, r in results.items():
        s = summary(r)
        print(f"  {side:6} computed warm {s['digest_ms']:7.1f} ms / baseline "
              f"{s['baseline_ms']:6.1f} = {s['ratio']:5.2f}x (CPU {s['digest_cpu_ms']:6.1f} / "
              f"{s['baseline_cpu_ms']:5.1f} = {s['cpu_ratio']:5.2f}x); fresh process "
              f"{s['fresh_ms']:7.1f} ms = {s['fresh_ratio']:5.2f}x "
              f"(CPU {s['fresh_cpu_ms']:6.1f} ms = {s['fresh_cpu_ratio']:5.2f}x)")


if __name__ == "__main__":
    main()
