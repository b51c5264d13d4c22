"""What the digest's kept per-case figures (m044, m044b) cost the writes: CPU per command's
store writes (one transaction each, as the command's), on a copy of a synthetic year.

    python benchmarks/digest_write_cost.py --db /tmp/swarmbot-bench/year-52x1923.db [--n 200]
    BEFORE=/tmp/before; $BEFORE/.venv/bin/python benchmarks/digest_write_cost.py --tree $BEFORE ...

`--tree`: the checkout whose code writes (default: this one), so that the same script times
an older commit; the year is copied first (the copy is migrated by that checkout, then
removed). Per kind of command: the median and p99 of the process's CPU time, in ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--tree", type=Path, default=ROOT)
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    import bot
    from bot.domain import Role
    from bot.store import open_store

    assert Path(bot.__file__).resolve().is_relative_to(args.tree.resolve()), bot.__file__

    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        copy = Path(tmp) / "year.db"
        shutil.copyfile(args.db, copy)
        store = open_store(copy)
        q = store.db.conn.execute
        open_ids = [r[0] for r in q("SELECT id FROM cases WHERE resolved_at IS NULL "
                                    "ORDER BY id DESC LIMIT ?", (args.n,))]
        at = "2027-01-05T10:00:00Z"
        person = q("SELECT id FROM people ORDER BY id LIMIT 1").fetchone()[0]
        other = q("SELECT id FROM people ORDER BY id DESC LIMIT 1").fetchone()[0]
        steps = {
            "mood": lambda c: store.journal.add_mood(c, "neutral", "better now", person, at),
            "note": lambda c: store.timeline.append(c, at, "note", person, "customer runs 4.2"),
            "need": lambda c: store.cases.add_help_request(c, ["sso"], None, person, at),
            "join": lambda c: (store.cases.add_participant(c, other, Role.SPECIALIST, at,
                                                           None, None),
                               store.timeline.append(c, at, "joined", other, "joined")),
            "resolve": lambda c: store.cases.resolve(c, "fixed", at),
        }
        cpu: dict[str, list[float]] = {k: [] for k in steps}
        for name, fn in steps.items():
            for case_id in open_ids:
                started = time.process_time()
                with store.transaction():
                    fn(case_id)
                cpu[name].append(time.process_time() - started)
        store.close()
    print(f"{args.tree.resolve()} on a copy of {args.db}: {len(open_ids)} commands each, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, values in cpu.items():
        v = sorted(values)
        print(f"  {name:8} CPU median {statistics.median(v) * 1000:6.2f} ms, "
              f"p99 {v[max(0, (99 * len(v) + 99) // 100 - 1)] * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
