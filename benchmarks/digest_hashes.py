"""The digest's JSON from two checkouts compared, week by week (issue 28: every change to the
digest's reads must leave its results as they were).

    python benchmarks/digest_hashes.py --before /work/wt-before --db BEFORE --after-db AFTER \\
        [--every 1] [--year 2026]

Each checkout computes, in a process of its own on its own copy of the data (a SQLite file or
a PostgreSQL URL: a newer checkout migrates what it opens), the digest of every `--every`-th
ISO week of the year in four time zones (one with a 45-minute offset) at two moments (three
days after the week, and mid-week), and hashes its JSON (SHA-256 of json.dumps, key order
kept). It prints how many were compared and which differ, and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu")

_CHILD = r'''
import hashlib, json, sys
from datetime import timedelta
sys.path.insert(0, sys.argv[1])
from bot.digest.metrics import compute_digest
from bot.digest.weeks import parse_week
target, year, every, zones = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
if "://" in target:
    from bot.store.postgres import open_pg_store
    store = open_pg_store(target)
else:
    from bot.store import open_store
    store = open_store(target)
out = {}
for n in range(1, 53, every):
    for tz in zones:
        week = parse_week(f"{year}-W{n:02d}", tz)
        for now in (week.end + timedelta(days=3), week.start + timedelta(days=3, hours=5)):
            text = json.dumps(compute_digest(store, week, now))
            out[f"{week.label} {tz} {now:%Y-%m-%dT%H:%M}Z"] = hashlib.sha256(
                text.encode()).hexdigest()
store.close()
print(json.dumps(out))
'''


def hashes(tree: Path, target: str, year: int, every: int) -> dict[str, str]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(tree), target, str(year),
                          str(every), *ZONES], cwd=tree, check=True, capture_output=True,
                         text=True).stdout
    found: dict[str, str] = json.loads(out.strip().splitlines()[-1])
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True, help="the older checkout")
    ap.add_argument("--db", required=True, help="the before side's data (file or URL)")
    ap.add_argument("--after-db", required=True, help="this checkout's copy of the data")
    ap.add_argument("--every", type=int, default=1, help="every n-th week of the year")
    ap.add_argument("--year", type=int, default=2026)
    args = ap.parse_args(argv)
    before = hashes(args.before.resolve(), args.db, args.year, args.every)
    after = hashes(ROOT, args.after_db, args.year, args.every)
    differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    print(f"{args.after_db}: {len(before)} digests compared, {len(differ)} differ"
          + "".join(f"\n  {k}" for k in differ[:20]))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
